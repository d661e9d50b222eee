# frozen_string_literal: true

# ruby rails_test.rb EXAMPLES_DIR KEY_FILES_DIR: the examples'
# ActiveSupport::MessageVerifier and MessageEncryptor (Rails from Debian's
# ruby-rails) across a rotation A,B -> C,A: what the previous key signed
# still verifies, what a key two rotations old (B) signed does not.
require_relative "tap"
require "securekey"

examples, dir = ARGV
require File.join(examples, "message_verifier")
require File.join(examples, "message_encryptor")
pair = ->(name) { Securekey.pair("SECURE_KEY", path: File.join(dir, "#{name}.json")) }
ab = pair.call("ab")  # before the rotation
ca = pair.call("ca")  # after it
old = pair.call("b")  # before the rotation before: B was the latest

Tap.check("the Rails in use is Debian's 6.1") { ActiveSupport::VERSION::STRING.start_with?("6.1.") }

# MessageVerifier
before = SecurekeyExamples.message_verifier(ab).generate({ "user" => 42 }, purpose: "login")
stale = SecurekeyExamples.message_verifier(old).generate({ "user" => 42 }, purpose: "login")
after = SecurekeyExamples.message_verifier(ca)
rotated = false
Tap.check("MessageVerifier: signed under A,B (with A), verified after the rotation to C,A") do
  after.verified(before, purpose: "login", on_rotation: -> { rotated = true }) == { "user" => 42 } && rotated
end
Tap.check("MessageVerifier: signed with B (two rotations old), refused under C,A") do
  after.verified(stale, purpose: "login").nil?
end
Tap.check("MessageVerifier: signed under C,A verifies there, and not under A,B (C is new to it)") do
  fresh = after.generate("x", purpose: "login")
  after.verified(fresh, purpose: "login") == "x" && SecurekeyExamples.message_verifier(ab).verified(fresh, purpose: "login").nil?
end
Tap.check("MessageVerifier: the purpose is checked") { after.verified(before, purpose: "other").nil? }

# MessageEncryptor
before = SecurekeyExamples.message_encryptor(ab).encrypt_and_sign("note")
stale = SecurekeyExamples.message_encryptor(old).encrypt_and_sign("note")
after = SecurekeyExamples.message_encryptor(ca)
Tap.check("MessageEncryptor: encrypted under A,B, decrypted after the rotation to C,A") do
  after.decrypt_and_verify(before) == "note"
end
Tap.check("MessageEncryptor: encrypted with B (two rotations old), refused under C,A") do
  after.decrypt_and_verify(stale)
  false
rescue ActiveSupport::MessageEncryptor::InvalidMessage
  true
end
Tap.check("MessageEncryptor: the derived key is 32 bytes and not the key's own bytes") do
  key = ActiveSupport::KeyGenerator.new(ca.latest.secret, iterations: 1000).generate_key("securekey message encryptor", 32)
  key.bytesize == 32 && key != ca.latest.bytes &&
    ActiveSupport::MessageEncryptor.new(key, cipher: "aes-256-gcm", serializer: JSON).decrypt_and_verify(after.encrypt_and_sign("y")) == "y"
end
Tap.check("MessageEncryptor: another salt (purpose) gives a key that cannot decrypt") do
  SecurekeyExamples.message_encryptor(ca, salt: "another purpose").decrypt_and_verify(before)
  false
rescue ActiveSupport::MessageEncryptor::InvalidMessage
  true
end
