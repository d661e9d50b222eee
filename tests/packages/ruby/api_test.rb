# frozen_string_literal: true

# ruby api_test.rb KEY_FILES_DIR: the installed gem's API, in a clean
# project (the gem comes from GEM_HOME, not the source tree).
require_relative "tap"
require "securekey"
require "rubygems"
require "pp"
require "tmpdir"

dir = ARGV.fetch(0)
file = ->(name) { File.join(dir, "#{name}.json") }
keys = File.readlines(File.join(dir, "keys.txt"), chomp: true) # A B C D, for comparisons only
a, b, c, = keys

spec = Gem.loaded_specs["securekey"]
Tap.check("require \"securekey\" loads the installed gem, not the source tree") do
  spec && $LOADED_FEATURES.grep(%r{/securekey\.rb\z}).all? { |path| path.start_with?(spec.full_gem_path) } &&
    ENV.fetch("GEM_HOME").then { |home| spec.full_gem_path.start_with?(home) }
end
Tap.check("Securekey::VERSION is the gem's version (0.1.0)") { Securekey::VERSION == "0.1.0" && spec.version.to_s == "0.1.0" }
Tap.check("the gem is MIT and ships its LICENSE") do
  spec.license == "MIT" && File.read(File.join(spec.full_gem_path, "LICENSE")).include?("Copyright (c) 2026 The securekey authors")
end
Tap.check("the gem has no run-time dependencies") { spec.runtime_dependencies.empty? }
Tap.check("the gem's executable is securekey-reader, not securekey") { spec.executables == ["securekey-reader"] }

ab = Securekey.pair("SECURE_KEY", path: file.call("ab"))
Tap.check("verify: the latest key is :latest") { ab.verify(a) == :latest }
Tap.check("verify: the previous key is :previous") { ab.verify(b) == :previous }
Tap.check("verify: another key, a lowercase key, a cut key, nil and a Key are judged right") do
  ab.verify(c).nil? && ab.verify(a.downcase).nil? && ab.verify(a[0, 63]).nil? && ab.verify("#{a}0").nil? &&
    ab.verify(nil).nil? && ab.verify("").nil? && ab.verify(ab.previous) == :previous
end
Tap.check("the client order is latest, then previous") do
  ab.keys_to_present.map(&:secret) == [a, b] && ab.ids == [ab.latest_id, ab.previous_id]
end
Tap.check("key ids are 8 lowercase hex chars of SHA-256") do
  ab.latest.id == OpenSSL::Digest::SHA256.hexdigest(a)[0, 8] && ab.latest.id.match?(/\A\h{8}\z/)
end
Tap.check("Key#bytes is the key's 32 bytes") { ab.latest.bytes.bytesize == 32 && ab.latest.bytes.unpack1("H*").upcase == a }
shown = [ab.latest.inspect, ab.latest.to_s, ab.inspect, ab.to_s, "#{ab.latest}", ab.pretty_inspect,
         Securekey.load(file.call("ab")).inspect, [ab.latest].inspect, { k: ab }.to_s]
Tap.check("inspect, to_s, interpolation and pp show key ids only") do
  shown.all? { |text| keys.none? { |key| text.upcase.include?(key[0, 8]) } } &&
    ab.latest.to_s == ab.latest_id && ab.inspect.include?(ab.previous_id)
end

new_pair = Securekey.pair(path: file.call("new"))
Tap.check("a NEW, pair (previous null): latest alone, nil previous") do
  new_pair.previous.nil? && new_pair.previous_id.nil? && new_pair.keys_to_present.size == 1 && new_pair.verify(a).nil?
end

Tap.check("the var defaults to SECURE_KEY when the file has it") { Securekey.pair(path: file.call("two-vars")).latest.secret == a }
Tap.check("else to the file's only var") { Securekey.pair(path: file.call("only-other")).latest.secret == c }
begin
  Securekey.pair(path: file.call("two-others"))
  Tap.not_ok("two vars and no SECURE_KEY: an error naming how to choose")
rescue Securekey::Error => e
  Tap.check("two vars and no SECURE_KEY: an error naming how to choose") { e.message.include?("name the var") }
end

Dir.chdir(dir) do
  ENV.delete("SECUREKEY_FILE")
  Tap.check("the default path is .securekey/keys.json under the working directory") do
    Securekey::KeyFile.default_path == ".securekey/keys.json" && Securekey.pair.latest.secret == a
  end
end
Dir.mktmpdir do |empty|
  Dir.chdir(empty) do
    Securekey.load
    Tap.not_ok("a missing key file: Securekey::Error naming the file and the fix")
  rescue Securekey::Error => e
    Tap.check("a missing key file: Securekey::Error naming the file and the fix") do
      e.message == "no key file at .securekey/keys.json: run `securekey write` first " \
                   "(on Heroku the buildpack's boot script does), or set SECUREKEY_FILE"
    end
  end
end

errors = %w[tampered fifo over-cap].map do |name|
  Securekey.load(file.call(name))
  nil
rescue Securekey::Error => e
  e.message
end
Tap.check("a tampered file, a FIFO and a file over 1 MiB: Securekey::Error at once, no key in it") do
  errors.all? { |message| message && keys.none? { |key| message.upcase.include?(key[0, 8]) } } &&
    errors[1].include?("a FIFO") && errors[2].include?("1048576")
end
Tap.check("Securekey::Key refuses a key that is not canonical, and says no part of it") do
  Securekey::Key.new(a.downcase)
  false
rescue Securekey::Error => e
  !e.message.upcase.include?(a[0, 8])
end
