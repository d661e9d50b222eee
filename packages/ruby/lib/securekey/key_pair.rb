# frozen_string_literal: true

module Securekey
  # One config var's keys: the latest and the previous (nil when the add-on
  # wrote "NEW,": it could not read the current key during a rotation).
  # #inspect and #to_s show the key ids only.
  class KeyPair
    include Redacted

    # The key to sign with and to present (a Securekey::Key).
    attr_reader :latest

    # The key from before the last rotation (a Securekey::Key), or nil.
    attr_reader :previous

    def initialize(latest, previous = nil)
      @latest = latest.is_a?(Key) ? latest : Key.new(latest)
      @previous = previous.nil? || previous.is_a?(Key) ? previous : Key.new(previous)
      freeze
    end

    # Which key a client presented: :latest, :previous or nil. Constant time,
    # and both keys are always compared. Only the exact canonical text
    # matches: 64 uppercase hex chars, nothing around them.
    def verify(presented)
      latest = @latest.match?(presented)
      # Without a previous key, compare with the latest again, so the time
      # taken is the same whatever was presented.
      previous = (@previous || @latest).match?(presented)
      return :latest if latest
      return :previous if previous && @previous

      nil
    end

    # The keys a client presents, in order: the latest, then the previous
    # (a client whose app rotated before its server's retries with it).
    def keys_to_present
      [@latest, @previous].compact
    end

    def latest_id
      @latest.id
    end

    # The previous key's id, or nil.
    def previous_id
      @previous&.id
    end

    # The key ids in client order.
    def ids
      keys_to_present.map(&:id)
    end

    def inspect
      "#<Securekey::KeyPair latest=#{latest_id} previous=#{previous_id || 'none'}>"
    end
    alias to_s inspect

    # The key ids: what JSON, ActiveSupport and YAML show (Redacted).
    def as_json(*)
      { "latest_id" => latest_id, "previous_id" => previous_id }
    end
  end
end
