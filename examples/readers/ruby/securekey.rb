# frozen_string_literal: true

# Reads the key file that securekey writes at every dyno boot, for a Ruby app.
#
# Copy this file into your app (lib/securekey.rb); it needs only the standard
# library (Ruby 3.0+: json, openssl).
#
#   require_relative "securekey"
#
#   pair = SecureKey.load_pair("SECURE_KEY") # $SECUREKEY_FILE, else ~/.securekey/keys.json
#
#   # Server: accept the previous key, answer with the latest.
#   case pair.verify(presented)              # :latest, :previous or nil
#   when :latest then carry_on
#   when :previous then answer_with(pair.latest) # the client follows the rotation
#   else refuse
#   end
#
#   # Client: present the latest key; if refused, retry once with the
#   # previous one (the server's dynos may not have restarted yet).
#   pair.keys_to_present.find { |key| call_server(key).ok? }
#
# The file is refused as a whole (SecureKey::KeyFileError) unless it is
# exactly what securekey writes: version 1, every key 64 uppercase hex chars,
# every id the first 8 hex chars of the key's SHA-256; a pair without a
# previous key (the add-on's "NEW,") has "previous": null and
# "previous_id": null. Nothing here prints or raises a key: KeyPair#inspect
# shows key ids only.
#
# Also a command (the conformance table in tests/conformance/ runs it):
#
#   ruby securekey.rb verify VAR < presented  # latest | previous | refused; exit 0, 0, 1
#   ruby securekey.rb present VAR             # key ids in client order
#   # exit 2, one line on stderr: key file missing, malformed or tampered, or no VAR

require "digest"
require "json"
require "openssl"

module SecureKey
  FORMAT_VERSION = 1
  CANONICAL = /\A[0-9A-F]{64}\z/
  # Key material pasted where a name or a path belongs is never shown: a run
  # of 16 hex chars, or of 32 letters and digits (a pre-2013 key), as
  # securekey does.
  KEY_LIKE = /\h{16}|[0-9A-Za-z]{32}/
  # serde_json, which securekey uses to write and read the file, refuses
  # deeper nesting (128 levels); the readers refuse what it refuses.
  MAX_DEPTH = 127
  # Ruby's JSON parser also takes /* comments */ and any escaped char ("\x");
  # serde_json refuses both. Outside strings, a valid document has no "/".
  STRING_OR_SLASH = %r{"(?:[^"\\]|\\.)*"|/}m
  STRICT_STRING = %r{\A"(?:[^"\\\x00-\x1f]|\\["\\/bfnrt]|\\u\h{4})*"\z}

  # The key file is missing, malformed or tampered, or lacks a var. The
  # message names the path and what is wrong; never a key.
  class KeyFileError < StandardError; end

  # One var's keys. #inspect and #to_s show the key ids only.
  class KeyPair
    attr_reader :latest_id, :previous_id

    def initialize(latest, previous = nil)
      @latest = latest.b.freeze
      @previous = previous&.b&.freeze
      @latest_id = SecureKey.key_id(latest)
      @previous_id = previous && SecureKey.key_id(previous)
    end

    # The key to sign with and to answer clients with (the secret itself).
    attr_reader :latest

    # The key from before the last rotation, or nil (the add-on's NEW,).
    attr_reader :previous

    # Which key a client presented: :latest, :previous or nil. Constant time
    # (OpenSSL.fixed_length_secure_compare), and both keys are always
    # compared. Only the exact canonical text matches: 64 uppercase hex.
    def verify(presented)
      presented = presented.to_s.b
      latest = same?(presented, @latest)
      # Without a previous key, compare with the latest again so the time
      # taken does not depend on the presented key.
      previous = same?(presented, @previous || @latest)
      return :latest if latest
      return :previous if previous && @previous

      nil
    end

    # The keys a client presents, in order: latest, then previous.
    def keys_to_present
      [@latest, @previous].compact
    end

    def inspect
      "#<SecureKey::KeyPair latest=#{@latest_id} previous=#{@previous_id || 'none'}>"
    end
    alias to_s inspect

    private

    # fixed_length_secure_compare raises on a length mismatch; the length
    # (always 64 for a stored key) is not secret.
    def same?(presented, key)
      presented.bytesize == key.bytesize && OpenSSL.fixed_length_secure_compare(presented, key)
    end
  end

  module_function

  # The public name of a key: 8 lowercase hex chars of SHA-256.
  def key_id(canonical)
    Digest::SHA256.hexdigest(canonical)[0, 8]
  end

  def shown(text)
    text.to_s.b.match?(KEY_LIKE) ? "<not shown: it looks like a key>" : text.to_s
  end

  # $SECUREKEY_FILE, else $HOME/.securekey/keys.json.
  def default_path
    path = ENV.fetch("SECUREKEY_FILE", "")
    path.empty? ? File.join(Dir.home, ".securekey", "keys.json") : path
  end

  # The pairs in a key file's content, by var: {"SECURE_KEY" => KeyPair, ...}.
  # Raises KeyFileError unless the whole file is valid.
  def parse(content)
    doc = parse_json(content)
    version = doc.is_a?(Hash) ? doc["version"] : nil
    raise KeyFileError, 'expected "version": 1' unless version.is_a?(Integer) && version == FORMAT_VERSION

    keys = doc["keys"]
    raise KeyFileError, 'expected a "keys" object' unless keys.is_a?(Hash)

    keys.to_h do |var, entry|
      raise KeyFileError, %(#{shown(var)}: no "latest") unless entry.is_a?(Hash)

      [var, KeyPair.new(key(var, entry, "latest", nullable: false), key(var, entry, "previous", nullable: true))]
    end
  end

  def parse_json(content)
    text = content.b.force_encoding(Encoding::UTF_8)
    raise KeyFileError, "not valid UTF-8" unless text.valid_encoding?

    begin
      # allow_duplicate_key: the last one counts, as in serde_json (json 2.13
      # warns on duplicates, and 3.0 refuses them, unless told).
      doc = JSON.parse(text, max_nesting: MAX_DEPTH, allow_duplicate_key: true)
    rescue JSON::ParserError # its message quotes the file: never shown
      raise KeyFileError, "not valid JSON"
    end
    raise KeyFileError, "not valid JSON" unless strict_syntax?(text) && plain?(doc)

    doc
  end

  def strict_syntax?(text)
    text.scan(STRING_OR_SLASH).all? { |token| token.match?(STRICT_STRING) }
  end

  # Strings that are UTF-8 (a lone "\udc00" is not) and finite numbers, as
  # serde_json wants them.
  def plain?(value)
    case value
    when String then value.valid_encoding?
    when Float then value.finite?
    when Integer then value.to_f.finite?
    when Array then value.all? { |v| plain?(v) }
    when Hash then value.all? { |k, v| plain?(k) && plain?(v) }
    else true
    end
  end

  # One slot's key, checked against its id; nil for a null previous.
  def key(var, entry, slot, nullable:)
    name = shown(var)
    text = entry[slot]
    text_id = entry["#{slot}_id"]
    if nullable && entry.key?(slot) && text.nil?
      return nil if entry.key?("#{slot}_id") && text_id.nil?

      raise KeyFileError, %(#{name}: "#{slot}" is null, so "#{slot}_id" must be null too)
    end
    raise KeyFileError, %(#{name}: no "#{slot}") unless text.is_a?(String)
    raise KeyFileError, "#{name}: the #{slot} key is not 64 uppercase hex chars" unless text.match?(CANONICAL)
    raise KeyFileError, %(#{name}: no "#{slot}_id") unless text_id.is_a?(String)
    raise KeyFileError, "#{name}: the #{slot} key does not match #{slot}_id" unless text_id == key_id(text)

    text
  end

  # The pairs in the key file at path (default: default_path).
  def load(path = nil)
    path ||= default_path
    begin
      content = File.binread(path)
    rescue SystemCallError => e
      # Ruby's message ends with the path, which is shown only if safe.
      cause = e.message.split(" @ ", 2).first.split(" - ", 2).first
      raise KeyFileError, "cannot read the key file #{shown(path)}: #{cause}"
    end
    begin
      parse(content)
    rescue KeyFileError => e
      raise KeyFileError, "cannot load the key file #{shown(path)}: #{e.message}"
    end
  end

  # One var's pair from the key file; KeyFileError if it is not there.
  def load_pair(var = "SECURE_KEY", path = nil)
    load(path).fetch(var) { raise KeyFileError, "no #{shown(var)} in the key file" }
  end

  # One line of stdin without its line ending; nothing else is stripped.
  def read_presented(input)
    line = input.binmode.gets || +""
    line.end_with?("\n") ? line.delete_suffix("\n").delete_suffix("\r") : line
  end

  def main(argv)
    unless argv.length == 2 && %w[verify present].include?(argv[0])
      warn "usage: securekey.rb (verify | present) VAR"
      return 2
    end
    command, var = argv
    begin
      pair = load_pair(var)
    rescue KeyFileError => e
      warn "securekey: #{e.message}"
      return 2
    end
    if command == "present"
      puts pair.keys_to_present.map { |key| key_id(key) }
      return 0
    end
    slot = pair.verify(read_presented($stdin))
    puts(slot || "refused")
    slot ? 0 : 1
  end
end

exit(SecureKey.main(ARGV)) if $PROGRAM_NAME == __FILE__
