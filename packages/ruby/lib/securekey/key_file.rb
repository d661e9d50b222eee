# frozen_string_literal: true

require "json"

module Securekey
  # The key file securekey writes at every dyno boot:
  #
  #   {"keys":{"SECURE_KEY":{"latest":"…","latest_id":"…","previous":"…","previous_id":"…"}},"version":1}
  #
  # It is refused as a whole (Securekey::Error) unless it is exactly what
  # securekey writes: version 1, every key 64 uppercase hex chars, every id
  # the key's id, "previous" and "previous_id" both null or both set. Unknown
  # fields are ignored. #inspect shows the vars and key ids only.
  class KeyFile
    include Redacted

    FORMAT_VERSION = 1
    # The key file of a Heroku app is a few hundred bytes; 1 MiB is far above
    # any real one and small enough to read whole.
    SIZE_CAP = 1_048_576
    DEFAULT_PATH = File.join(".securekey", "keys.json")
    # serde_json, which securekey uses to write and read the file, refuses
    # deeper nesting (128 levels); this reader refuses what it refuses.
    MAX_DEPTH = 127
    FIX = "run `securekey write` first (on Heroku the buildpack's boot script does), or set SECUREKEY_FILE"

    # The one path rule, the writer's too: $SECUREKEY_FILE when set and not
    # empty, else .securekey/keys.json under the current working directory.
    # $HOME is not consulted.
    def self.default_path(env = ENV)
      path = env.fetch("SECUREKEY_FILE", "")
      path.empty? ? DEFAULT_PATH : path
    end

    # The key file at path (default: default_path).
    def self.load(path = nil)
      path ||= default_path
      content = read(path)
      begin
        parse(content, path: path)
      rescue Error => e
        Error.raise!("cannot load the key file #{Shown.call(path)}: #{e.message}")
      end
    end

    # The key file's content (at most SIZE_CAP bytes): a regular file (or a
    # symlink to one), else Securekey::Error at once. FIFOs, devices, sockets
    # and folders are refused by a stat before the open, and the open does
    # not block (a FIFO swapped in between is caught by the second stat).
    def self.read(path)
      shown = Shown.call(path)
      begin
        stat = File.stat(path)
        Error.raise!("the key file #{shown} is #{kind(stat)}, not a regular file") unless stat.file?

        File.open(path, File::RDONLY | File::NONBLOCK | File::BINARY) do |file|
          stat = file.stat
          Error.raise!("the key file #{shown} is #{kind(stat)}, not a regular file") unless stat.file?

          content = file.read(SIZE_CAP + 1) || +""
          Error.raise!("the key file #{shown} is over #{SIZE_CAP} bytes (1 MiB): it is not one securekey wrote") if content.bytesize > SIZE_CAP

          content
        end
      rescue Errno::ENOENT
        Error.raise!("no key file at #{shown}: #{FIX}")
      rescue SystemCallError, IOError => e
        # Ruby's message ends with the path: only the cause is kept.
        cause = e.message.split(" @ ", 2).first.split(" - ", 2).first
        Error.raise!("cannot read the key file #{shown}: #{cause}")
      end
    end

    def self.kind(stat)
      case stat.ftype
      when "directory" then "a folder"
      when "fifo" then "a FIFO"
      when "characterSpecial" then "a character device"
      when "blockSpecial" then "a block device"
      when "socket" then "a socket"
      else "something else"
      end
    end
    private_class_method :kind

    # The key file in content (its path is for messages only).
    def self.parse(content, path: nil)
      doc = StrictJson.parse(content, max_depth: MAX_DEPTH)
      version = doc.is_a?(Hash) ? doc["version"] : nil
      Error.raise!('expected "version": 1') unless version.is_a?(Integer) && version == FORMAT_VERSION

      keys = doc["keys"]
      Error.raise!('expected a "keys" object') unless keys.is_a?(Hash)

      pairs = keys.to_h do |var, entry|
        Error.raise!("#{Shown.call(var)}: not an object") unless entry.is_a?(Hash)

        [var.freeze, KeyPair.new(key(var, entry, "latest", nullable: false), key(var, entry, "previous", nullable: true))]
      end
      new(pairs, path: path)
    end

    # One slot's key, checked against its id; nil for a null previous.
    def self.key(var, entry, slot, nullable:)
      name = Shown.call(var)
      text = entry[slot]
      text_id = entry["#{slot}_id"]
      if nullable && entry.key?(slot) && text.nil?
        return nil if entry.key?("#{slot}_id") && text_id.nil?

        Error.raise!(%(#{name}: "#{slot}" is null, so "#{slot}_id" must be null too))
      end
      Error.raise!(%(#{name}: no "#{slot}")) unless text.is_a?(String)
      Error.raise!("#{name}: the #{slot} key is not 64 uppercase hex chars") unless text.match?(Key::CANONICAL)
      Error.raise!(%(#{name}: no "#{slot}_id")) unless text_id.is_a?(String)

      key = Key.new(text)
      Error.raise!("#{name}: the #{slot} key does not match #{slot}_id") unless text_id == key.id

      key
    end
    private_class_method :key

    # Where the file was read from (nil when parsed from a string).
    attr_reader :path

    def initialize(pairs, path: nil)
      @pairs = pairs.freeze
      @path = path
      freeze
    end

    # The vars in the file, sorted.
    def vars
      @pairs.keys.sort
    end

    # var's pair, or nil.
    def [](var)
      @pairs[var]
    end

    # var's pair, or Securekey::Error.
    def fetch(var)
      @pairs.fetch(var) { Error.raise!("no #{Shown.call(var)} in the key file#{" #{Shown.call(@path)}" if @path}") }
    end

    # The var a middleware or client uses when none is named: SECURE_KEY if
    # the file has it, else the file's only var; else Securekey::Error
    # saying how to choose.
    def default_var
      return "SECURE_KEY" if @pairs.key?("SECURE_KEY")
      return @pairs.keys.first if @pairs.size == 1

      names = vars.map { |var| Shown.call(var) }.join(", ")
      held = @pairs.empty? ? "holds no var" : "holds #{@pairs.size} vars (#{names}) and no SECURE_KEY"
      Error.raise!("the key file #{held}: name the var to use (var: \"..._SECURE_KEY\")")
    end

    # var's pair (default: default_var).
    def pair(var = nil)
      fetch(var || default_var)
    end

    def inspect
      shown = @pairs.map { |var, pair| "#{Shown.call(var)}=#{pair.ids.join(',')}" }
      "#<Securekey::KeyFile #{shown.join(' ')}>"
    end
    alias to_s inspect

    # Each var's key ids: what JSON, ActiveSupport and YAML show (Redacted).
    def as_json(*)
      @pairs.to_h { |var, pair| [Shown.call(var), pair.as_json] }
    end
  end
end
