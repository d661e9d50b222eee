# frozen_string_literal: true

# The key file that securekey writes at every dyno boot, read from a Ruby app:
# the pair of keys of each SecureKey config var, a constant-time verify that
# accepts the latest or the previous key, the order a client presents them in,
# a Rack middleware, a Rails controller concern, and Net::HTTP and Faraday
# clients for graceful rotation.
#
#   require "securekey"
#
#   pair = Securekey.pair("SECURE_KEY") # $SECUREKEY_FILE, else .securekey/keys.json
#   pair.verify(presented)              # => :latest, :previous or nil
#   pair.keys_to_present                # => [latest, previous]: Securekey::Key objects
#
# Nothing here prints, serialises or raises a key: every object holding one
# shows key ids only (the first 8 hex chars of the key's SHA-256; see
# Redacted), and errors carry none (see Error.raise!). Standard library only.
module Securekey
  VERSION = "0.1.0"

  # The pairs in the key file at path (default: KeyFile.default_path).
  def self.load(path = nil)
    KeyFile.load(path)
  end

  # One var's pair from the key file at path (default: KeyFile.default_path);
  # var defaults to SECURE_KEY, or the file's only var (KeyFile#pair).
  def self.pair(var = nil, path: nil)
    KeyFile.load(path).pair(var)
  end
end

require_relative "securekey/error"
require_relative "securekey/shown"
require_relative "securekey/redacted"
require_relative "securekey/strict_json"
require_relative "securekey/key"
require_relative "securekey/key_pair"
require_relative "securekey/key_file"
require_relative "securekey/reader_command"
require_relative "securekey/rack"
require_relative "securekey/client"
require_relative "securekey/faraday_middleware"
require_relative "securekey/rails"
