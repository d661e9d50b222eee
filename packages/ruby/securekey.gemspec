# frozen_string_literal: true

Gem::Specification.new do |spec|
  spec.name = "securekey"
  # The one place the version is written is Securekey::VERSION.
  spec.version = File.read(File.join(__dir__, "lib", "securekey.rb"))[/^  VERSION = "([^"]+)"$/, 1]
  spec.authors = ["The securekey authors"]
  spec.summary = "Read the key file of Heroku's SecureKey add-on; verify and rotate keys gracefully (Rack, Rails, Net::HTTP, Faraday)"
  spec.description = <<~TEXT
    Reads the key file that the securekey buildpack writes at every dyno boot:
    each SecureKey config var's latest and previous key, a constant-time verify
    that accepts either, the order a client presents them in, a Rack middleware,
    a Rails controller concern, and Net::HTTP and Faraday clients for graceful
    rotation. Standard library only.
  TEXT
  spec.homepage = "https://github.com/securekey-buildpack/securekey"
  spec.license = "MIT"
  spec.required_ruby_version = ">= 3.0"
  spec.metadata = {
    "source_code_uri" => "https://github.com/securekey-buildpack/securekey/tree/main/packages/ruby",
    "rubygems_mfa_required" => "true"
  }

  spec.files = Dir.chdir(__dir__) { Dir["lib/**/*.rb", "exe/*", "LICENSE", "README.md"].sort }
  spec.bindir = "exe"
  spec.executables = ["securekey-reader"]
  spec.require_paths = ["lib"]
end
