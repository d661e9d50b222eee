# frozen_string_literal: true

require "openssl"

module Securekey
  # One key: 64 uppercase hex chars, the add-on's own form. #inspect and
  # #to_s show its id only, so a careless `puts key` or `p pair` cannot leak
  # it; #secret and #bytes are the two ways to the key itself.
  class Key
    include Redacted

    CANONICAL = /\A[0-9A-F]{64}\z/

    # The public name of a key: the first 8 hex chars (lowercase) of the
    # SHA-256 of its canonical text.
    def self.id_of(text)
      OpenSSL::Digest::SHA256.hexdigest(text)[0, 8]
    end

    # The key's id (8 lowercase hex chars).
    attr_reader :id

    # text: a canonical key (64 uppercase hex chars); anything else raises
    # Securekey::Error (naming no part of it).
    def initialize(text)
      Error.raise!("a key must be 64 uppercase hex chars") unless text.is_a?(String) && text.b.match?(CANONICAL)

      @secret = text.b.freeze
      @id = Key.id_of(@secret).freeze
      freeze
    end

    # The key itself, as the config var holds it (64 uppercase hex chars):
    # what a client presents, and a secret for HMAC signing.
    def secret
      @secret
    end

    # The key's 32 bytes (the hex decoded): a 256-bit key for a cipher.
    def bytes
      [@secret].pack("H*")
    end

    # Whether presented (a String or a Key) is this key, in constant time.
    def match?(presented)
      given = presented.is_a?(Key) ? presented.secret : presented.to_s.b
      # OpenSSL.secure_compare hashes both sides with SHA-256 first, so the
      # time taken depends on neither a length difference nor the content.
      OpenSSL.secure_compare(given, @secret)
    end

    def ==(other)
      other.is_a?(Key) && match?(other)
    end
    alias eql? ==

    def hash
      [Key, @id].hash
    end

    def to_s
      @id
    end

    def inspect
      "#<Securekey::Key #{@id}>"
    end

    # {"id" => id}: what JSON, ActiveSupport and YAML show (Redacted).
    def as_json(*)
      { "id" => @id }
    end
  end
end
