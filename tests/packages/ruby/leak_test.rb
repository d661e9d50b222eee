# frozen_string_literal: true

# ruby leak_test.rb KEY_FILES_DIR: every object of the installed gem that
# holds a key (Key, KeyPair, KeyFile, Client, Rack, FaradayMiddleware), printed and serialised
# every way Ruby and Rails do it, shows key ids only, or refuses (Marshal:
# TypeError); and every error the gem raises carries no key, in its message,
# its cause chain or the raising frame's locals (what sentry-ruby records
# with include_local_variables). Judged by the naive oracle: any 8-char
# window of a test key, case-folded.
require_relative "tap"
require "securekey"
require "pp"
require "yaml"
require "json"
require "stringio"

dir = ARGV.fetch(0)
file = ->(name) { File.join(dir, "#{name}.json") }
keys = File.readlines(File.join(dir, "keys.txt"), chomp: true)
WINDOWS = keys.flat_map { |key| (0..key.size - 8).map { |i| key[i, 8].downcase } }.uniq.freeze
clean = ->(text) { folded = text.to_s.b.downcase; WINDOWS.none? { |window| folded.include?(window) } }

key_file = Securekey.load(file.call("ab"))
pair = key_file.pair("SECURE_KEY")
objects = {
  "Key" => pair.latest,
  "KeyPair" => pair,
  "KeyFile" => key_file,
  "Client" => Securekey::Client.new(pair),
  "Rack" => Securekey::Rack.new(->(_env) { [200, {}, []] }, key_file: key_file),
  "FaradayMiddleware" => Securekey::FaradayMiddleware.new(nil, pair)
}

shows = {
  "inspect" => :inspect.to_proc,
  "to_s" => :to_s.to_proc,
  "interpolation" => ->(o) { "#{o}" }, # rubocop:disable Style/RedundantInterpolation
  "pp" => ->(o) { o.pretty_inspect },
  "p of an Array and a Hash holding it" => ->(o) { [o].inspect + { k: o }.inspect },
  "YAML.dump" => ->(o) { YAML.dump(o) },
  "to_yaml" => ->(o) { o.to_yaml },
  "YAML.dump of a Hash holding it" => ->(o) { YAML.dump("config" => [o]) },
  "JSON.generate" => ->(o) { JSON.generate([o]) },
  "to_json" => ->(o) { o.to_json },
  "JSON.pretty_generate" => ->(o) { JSON.pretty_generate("x" => o) }
}
refusals = {
  "Marshal.dump" => ->(o) { Marshal.dump(o) },
  "Marshal.dump of an Array holding it" => ->(o) { Marshal.dump([o]) }
}

# check_all(label): every object through every way above.
check_all = lambda do |label|
  objects.each do |type, object|
    shows.each do |how, show|
      Tap.check("#{label}#{type}: #{how} shows key ids only") do
        text = show.call(object)
        clean.call(text) && text.include?(pair.latest_id)
      end
    end
    refusals.each do |how, refuse|
      Tap.check("#{label}#{type}: #{how} is refused with a TypeError that names no key") do
        refuse.call(object)
        false
      rescue TypeError => e
        clean.call(e.message)
      end
    end
  end
end
check_all.call("")
Tap.check("YAML of a pair is a plain map of ids that loads back as a Hash") do
  YAML.safe_load(YAML.dump(pair)) == { "latest_id" => pair.latest_id, "previous_id" => pair.previous_id }
end

require "active_support"
require "active_support/all" # what a Rails app has loaded
shows["as_json"] = ->(o) { o.as_json.inspect }
shows["ActiveSupport::JSON.encode"] = ->(o) { ActiveSupport::JSON.encode(o) }
shows["ActiveSupport::JSON.encode of a Hash holding it"] = ->(o) { ActiveSupport::JSON.encode("config" => [o]) }
shows["to_param and to_query"] = ->(o) { o.to_param.to_s + { k: o }.to_query }
check_all.call("with ActiveSupport: ")
Tap.check("with ActiveSupport: a Key's as_json is {\"id\" => id}") { pair.latest.as_json == { "id" => pair.latest_id } }

# What sentry-ruby records: the locals of the frame that raised, once per
# exception object.
locals = {}.compare_by_identity
TracePoint.new(:raise) do |tp|
  next if locals.key?(tp.raised_exception) || tp.binding.nil?

  locals[tp.raised_exception] = tp.binding.local_variables.map { |name| tp.binding.local_variable_get(name) }
end.enable
raised = lambda do |&block|
  block.call
  nil
rescue StandardError => e
  e
end
chain_clean = lambda do |error|
  ok = true
  while error
    values = locals.fetch(error, [])
    ok &&= clean.call(error.message) && clean.call(error.full_message(highlight: false)) &&
           values.all? { |value| clean.call(value.inspect) && clean.call(value.to_s) }
    error = error.cause
  end
  ok
end
a, b, = keys
File.write(File.join(dir, "not-json.json"), %({"keys":{"SECURE_KEY":{"latest":"#{a}",}},"version":1}))
File.write(File.join(dir, "lowercase.json"), File.read(file.call("ab")).sub(a, a.downcase))
errors = {
  "a tampered file (a key that does not match its id)" => -> { Securekey.load(file.call("tampered")) },
  "a file that is not JSON, holding a key" => -> { Securekey.load(file.call("not-json")) },
  "a file with a lowercase key" => -> { Securekey.load(file.call("lowercase")) },
  "a file over 1 MiB holding keys" => -> { Securekey.load(file.call("over-cap")) },
  "KeyFile.parse of text that is not JSON" => -> { Securekey::KeyFile.parse(%({"latest":"#{a}"} x)) },
  "a var that is not in the file" => -> { Securekey.pair("NOPE", path: file.call("ab")) },
  "Key.new of a lowercase key" => -> { Securekey::Key.new(a.downcase) },
  "Key.new of a LATEST,PREVIOUS pair" => -> { Securekey::Key.new("#{a},#{b}") },
  "KeyPair.new with a key and a newline" => -> { Securekey::KeyPair.new(a, "#{b}\n") },
  "a Rack middleware for a var not in the file" => -> { Securekey::Rack.new(nil, var: "NOPE", key_file: key_file) }
}
errors.each do |what, action|
  Tap.check("#{what}: Securekey::Error, no key in its message, cause or the raising frame's locals") do
    error = raised.call(&action)
    error.is_a?(Securekey::Error) && error.cause.nil? && chain_clean.call(error)
  end
end
Tap.check("the locals check sees a key when a frame holds one (the oracle is live)") do
  error = raised.call { (held = a) && raise(ArgumentError, "x#{held.size}") }
  !chain_clean.call(error)
end
