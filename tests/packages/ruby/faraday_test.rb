# frozen_string_literal: true

# ruby faraday_test.rb PORT KEY_FILES_DIR LOG: Securekey::FaradayMiddleware
# (the installed gem's) in Debian's Faraday, against rack_app.ru served by
# WEBrick with the pair A,B. The logger writes to LOG (checked for keys).
require_relative "tap"
require "securekey"
require "faraday"
require "logger"
require "net/http"
require "stringio"

port = Integer(ARGV.fetch(0))
dir = ARGV.fetch(1)
logger = Logger.new(ARGV.fetch(2))
base = "http://127.0.0.1:#{port}"
count = -> { Integer(Net::HTTP.get(URI("#{base}/_count"))) }
connection = lambda do |name, raise_error: false|
  Faraday.new(base) do |f|
    f.use Securekey::FaradayMiddleware, var: "SECURE_KEY", path: File.join(dir, "#{name}.json"), logger: logger
    f.response :raise_error if raise_error
    f.adapter :net_http
  end
end
# asks { … }: the block's result (or what it raised) and how many requests reached the server.
asks = lambda do |&block|
  before = count.call
  result = begin
    block.call
  rescue StandardError => e
    e
  end
  [result, count.call - before]
end

Tap.check("the Faraday in use is Debian's (#{Faraday::VERSION})") { Gem.loaded_specs["faraday"].full_gem_path.start_with?("/usr/") }
response, n = asks.call { connection.call("ab").get("/") }
Tap.check("faraday: client A,B, server A,B: one request, 200") { response.status == 200 && n == 1 && response.body == "slot=:latest GET\n" }
response, n = asks.call { connection.call("ca").get("/") }
Tap.check("faraday: client C,A (rotated first): 401, one retry with the previous key, 200") do
  response.status == 200 && n == 2 && response.body == "slot=:latest GET\n"
end
response, n = asks.call { connection.call("ca").post("/", "x=1", "x-echo-body" => "1") }
Tap.check("faraday: a POST retried with the previous key sends its body again") do
  response.status == 200 && n == 2 && response.body == "slot=:latest POST body=x=1\n"
end
response, n = asks.call { connection.call("ca", raise_error: true).get("/") }
Tap.check("faraday: with response :raise_error inside it, the 401 is retried, not raised: 200") { response.respond_to?(:status) && response.status == 200 && n == 2 }
response, n = asks.call { connection.call("cd", raise_error: true).get("/") }
Tap.check("faraday: both keys refused, with :raise_error: Faraday::UnauthorizedError after 2 requests") do
  response.is_a?(Faraday::UnauthorizedError) && n == 2
end
response, n = asks.call { connection.call("cd").get("/") }
Tap.check("faraday: both keys refused: the caller gets the final 401") { response.status == 401 && n == 2 }
response, n = asks.call { connection.call("c").get("/") }
Tap.check("faraday: client C alone: 401, no retry") { response.status == 401 && n == 1 }
response, n = asks.call { connection.call("b").get("/") }
Tap.check("faraday: client B (a rotation behind): 200 with Securekey-Slot: previous, no retry") do
  response.status == 200 && n == 1 && response.headers["securekey-slot"] == "previous"
end
response, n = asks.call { connection.call("ca").post("/", StringIO.new("x=1")) }
Tap.check("faraday: a stream body: ArgumentError before anything is sent") { response.is_a?(ArgumentError) && n.zero? }
Tap.check("faraday: the middleware's inspect shows key ids only") do
  Securekey::FaradayMiddleware.new(nil, var: "SECURE_KEY", path: File.join(dir, "ab.json")).inspect.match?(/\A#<Securekey::FaradayMiddleware #<Securekey::KeyPair latest=\h{8} previous=\h{8}>>\z/)
end
logger.close
log = File.read(ARGV.fetch(2))
Tap.check("faraday: the retry and the rotation behind are logged, by key id") do
  log.include?("retrying once with the previous key (") && log.include?("one rotation behind")
end
