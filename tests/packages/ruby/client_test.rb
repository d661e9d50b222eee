# frozen_string_literal: true

# ruby client_test.rb PORT KEY_FILES_DIR LOG: Securekey::Client (the
# installed gem's) against rack_app.ru served by WEBrick with the pair A,B.
# The client's logger writes to LOG, which test.sh checks for key material.
require_relative "tap"
require "securekey"
require "logger"
require "net/http"
require "stringio"

port = Integer(ARGV.fetch(0))
dir = ARGV.fetch(1)
logger = Logger.new(ARGV.fetch(2))
base = "http://127.0.0.1:#{port}/"
count = -> { Integer(Net::HTTP.get(URI("#{base}_count"))) }
client = ->(name) { Securekey::Client.new(var: "SECURE_KEY", path: File.join(dir, "#{name}.json"), logger: logger) }

# asks(CLIENT_FILE) { |client| … }: the response and how many requests reached the server.
asks = lambda do |name, &block|
  before = count.call
  response = block ? block.call(client.call(name)) : client.call(name).get(base)
  [response, count.call - before]
end

response, n = asks.call("ab")
Tap.check("client A,B, server A,B: one request with the latest key, 200") do
  response.code == "200" && n == 1 && response.body == "slot=:latest GET\n" && response["securekey-slot"].nil?
end

response, n = asks.call("ca")
Tap.check("client C,A (rotated first), server A,B: 401, one retry with the previous key, 200") do
  response.code == "200" && n == 2 && response.body == "slot=:latest GET\n"
end

response, n = asks.call("b")
Tap.check("client B alone (a rotation behind), server A,B: 200 with Securekey-Slot: previous, no retry") do
  response.code == "200" && n == 1 && response["securekey-slot"] == "previous" && response["securekey-latest"].nil? &&
    response.body == "slot=:previous GET\n"
end

response, n = asks.call("c")
Tap.check("client C alone: 401 and no retry (no previous key to try)") do
  response.code == "401" && n == 1 && response["www-authenticate"] == 'Bearer realm="securekey"'
end

response, n = asks.call("cd")
Tap.check("client C,D: 401, retried once with D, and the caller gets the final 401") { response.code == "401" && n == 2 }

response, n = asks.call("ab") { |c| c.post(base, "x=1", "content-type" => "application/x-www-form-urlencoded") }
Tap.check("Client#post sends the body with the key: 200") { response.code == "200" && n == 1 && response.body == "slot=:latest POST\n" }

response, n = asks.call("ca") do |c|
  Net::HTTP.start("127.0.0.1", port) { |http| c.request(http, Net::HTTP::Get.new("/")) }
end
Tap.check("Client#request on an open connection retries on it: 200 after 2 requests") { response.code == "200" && n == 2 }

response, n = asks.call("ca") do |c|
  request = Net::HTTP::Post.new("/", "content-type" => "text/plain", "content-length" => "5")
  request.body_stream = StringIO.new("hello")
  c.request(Net::HTTP.new("127.0.0.1", port), request)
rescue ArgumentError => e
  e
end
Tap.check("Client#request with a body_stream: ArgumentError before anything is sent (no retry with an empty body)") do
  response.is_a?(ArgumentError) && response.message.include?("body_stream") && n.zero?
end

Tap.check("Client#inspect shows key ids only") { client.call("ab").inspect.match?(/\A#<Securekey::Client #<Securekey::KeyPair latest=\h{8} previous=\h{8}>>\z/) }
logger.close
log = File.read(ARGV.fetch(2))
Tap.check("the client logged the retry and the rotation behind, by key id") do
  log.include?("retrying once with the previous key (") && log.include?("one rotation behind")
end
