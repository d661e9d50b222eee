# frozen_string_literal: true

module Securekey
  # How an object of this gem that holds a key (Key, KeyPair, KeyFile,
  # Client, Rack) is printed and serialised: by its key ids only, whatever
  # does it. The class defines #inspect and #as_json (ids only); this adds
  #
  # - #to_json: #as_json as JSON (the json gem, and ActiveSupport's
  #   to_json and ActiveSupport::JSON.encode, which call #as_json; without
  #   it ActiveSupport serialises the instance variables, the key included);
  # - #encode_with: YAML (Psych) writes #as_json as a plain map, no
  #   !ruby/object tag, so YAML.dump and #to_yaml show ids and load back as
  #   a Hash;
  # - #marshal_dump and #_dump: refused with a TypeError, as Python refuses
  #   to pickle a Key: a Marshal dump (Rails.cache, a job queue) would be a
  #   copy of the key;
  # - #pretty_print: pp shows #inspect.
  module Redacted
    def to_json(*args)
      as_json.to_json(*args)
    end

    def encode_with(coder)
      coder.represent_map(nil, as_json)
    end

    def marshal_dump
      raise TypeError, "#{self.class.name} holds a key: it is not marshalled (Marshal would write the key)"
    end

    def _dump(_level)
      marshal_dump
    end

    def pretty_print(printer)
      printer.text(inspect)
    end
  end
end
