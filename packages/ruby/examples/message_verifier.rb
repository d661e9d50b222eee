# frozen_string_literal: true

# Rails' ActiveSupport::MessageVerifier, rotated with the SecureKey pair:
# sign with the latest key, and accept what was signed with the previous one
# until the next rotation. After two rotations (A,B -> C,A -> D,C) a message
# signed with A no longer verifies.
#
#   # config/initializers/securekey.rb
#   # (this method copied into the app, e.g. lib/securekey_examples.rb)
#   VERIFIER = SecurekeyExamples.message_verifier(Securekey.pair("SECURE_KEY"))
#   token = VERIFIER.generate({ "user_id" => 42 }, purpose: "unsubscribe")
#   VERIFIER.verified(token, purpose: "unsubscribe") # => {"user_id"=>42}, or nil
#
# The key's text (64 hex chars) is the HMAC secret as it is: HMAC takes a
# key of any length, so nothing needs deriving. The digest and the
# serializer are named, not left to Rails' defaults (SHA1 and Marshal in
# 6.1), so a Rails upgrade does not change what verifies.
require "securekey"
require "active_support"
require "active_support/message_verifier"
require "json"

module SecurekeyExamples
  def self.message_verifier(pair)
    verifier = ActiveSupport::MessageVerifier.new(pair.latest.secret, digest: "SHA256", serializer: JSON)
    # The rotation takes the same digest and serializer.
    verifier.rotate(pair.previous.secret) if pair.previous
    verifier
  end
end
