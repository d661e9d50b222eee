# frozen_string_literal: true

# Rails' ActiveSupport::MessageEncryptor, rotated with the SecureKey pair:
# encrypt with a key derived from the latest key, and decrypt what was
# encrypted under the previous one until the next rotation.
#
#   ENCRYPTOR = SecurekeyExamples.message_encryptor(Securekey.pair("SECURE_KEY"))
#   box = ENCRYPTOR.encrypt_and_sign("secret note")
#   ENCRYPTOR.decrypt_and_verify(box) # => "secret note"; InvalidMessage if too old
#
# aes-256-gcm needs a 32-byte key. The key is derived with
# ActiveSupport::KeyGenerator (PBKDF2) and a salt naming the purpose, as
# Rails derives its own cookie keys from secret_key_base, rather than used
# as its 32 bytes (Securekey::Key#bytes): the SecureKey is also a bearer
# token and an HMAC secret, and a salt per purpose keeps the cipher key
# apart from those uses (and one purpose's key from another's). The key is
# 256 random bits, so 1,000 iterations are plenty (PBKDF2's cost is for
# guessable passwords), and the derivation's digest is pinned to SHA1: Rails
# 6.1 always uses it, and 7.x would otherwise take
# config.active_support.key_generator_hash_digest_class, which new apps set
# to SHA256, and every stored message would stop decrypting on an upgrade.
require "securekey"
require "active_support"
require "active_support/key_generator"
require "active_support/message_encryptor"
require "json"
require "openssl"

module SecurekeyExamples
  CIPHER = "aes-256-gcm"

  def self.message_encryptor(pair, salt: "securekey message encryptor")
    key_len = ActiveSupport::MessageEncryptor.key_len(CIPHER)
    derive = lambda do |key|
      ActiveSupport::KeyGenerator.new(key.secret, iterations: 1000, hash_digest_class: OpenSSL::Digest::SHA1)
                                 .generate_key(salt, key_len)
    end
    encryptor = ActiveSupport::MessageEncryptor.new(derive.call(pair.latest), cipher: CIPHER, serializer: JSON)
    # The rotation takes the same cipher and serializer.
    encryptor.rotate(derive.call(pair.previous)) if pair.previous
    encryptor
  end
end
