# frozen_string_literal: true

# ruby zeitwerk_test.rb: the installed gem's lib/ under Zeitwerk (Debian's
# ruby-zeitwerk, what Rails' autoloader is), as an app's lib/ would be with
# `autoload_lib` or `config.autoload_paths << lib`: every file defines the
# constant its path names, and eager loading raises nothing.
require_relative "tap"
require "zeitwerk"

lib = File.join(Gem::Specification.find_by_name("securekey").full_gem_path, "lib")
loader = Zeitwerk::Loader.new
loader.push_dir(lib)
loader.setup
Tap.check("Zeitwerk eager-loads the gem's lib/ without a NameError") do
  loader.eager_load
  true
rescue NameError => e # Zeitwerk::NameError too: a file that does not define its constant
  puts "#   #{e.class}: #{e.message.lines.first.strip}"
  false
end
files = Dir[File.join(lib, "securekey", "*.rb")].sort
names = files.map { |path| "Securekey::#{loader.inflector.camelize(File.basename(path, '.rb'), path)}" }
Tap.check("each file under lib/securekey/ defines its Zeitwerk name (#{names.join(', ')})") do
  names.all? { |name| Object.const_defined?(name) } &&
    (%w[Securekey::KeyFile Securekey::KeyPair Securekey::Key Securekey::Rack Securekey::Client Securekey::Error] - names).empty?
end
Tap.check("lib/securekey.rb defines the top-level module Securekey") { defined?(Securekey) == "constant" && Securekey.is_a?(Module) && !Securekey.is_a?(Class) }
Tap.check("no SecureKey constant (the old reader's name)") { !Object.const_defined?(:SecureKey) }
