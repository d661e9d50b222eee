# frozen_string_literal: true

# ruby guard_test.rb SERVER PORT KEY_FILES_DIR LOG: Securekey::Rack served
# by SERVER (WEBrick or puma) with pair A,B (rack_options.ru): a repeated
# Authorization header sent on a raw socket (two header lines, both orders)
# and by Net::HTTP (add_field twice: one line joined with ", ") is a 401;
# public paths, the on_refused hook and the log line about a refused key.
require_relative "tap"
require "net/http"
require "socket"

server, port, dir, log = ARGV
port = Integer(port)
a, b, c, = File.readlines(File.join(dir, "keys.txt"), chomp: true)

# raw(HEADER_LINES): the status code of a GET / sent with those header lines as they are.
raw = lambda do |lines, path = "/"|
  socket = TCPSocket.new("127.0.0.1", port)
  socket.write("GET #{path} HTTP/1.1\r\nHost: 127.0.0.1\r\n#{lines.map { |line| "#{line}\r\n" }.join}Connection: close\r\n\r\n")
  response = socket.read
  socket.close
  response[%r{\AHTTP/1\.[01] (\d{3})}, 1]
end
get = lambda do |path, headers = {}|
  Net::HTTP.start("127.0.0.1", port) { |http| http.request(Net::HTTP::Get.new(path, headers)) }
end

Tap.check("#{server}: one Authorization header with the latest key: 200 (raw socket)") { raw.call(["Authorization: Bearer #{a}"]) == "200" }
Tap.check("#{server}: two Authorization headers, the latest key then another: 401") do
  raw.call(["Authorization: Bearer #{a}", "Authorization: Bearer #{c}"]) == "401"
end
Tap.check("#{server}: two Authorization headers, another then the latest key: 401") do
  raw.call(["Authorization: Bearer #{c}", "Authorization: Bearer #{a}"]) == "401"
end
Tap.check("#{server}: two Authorization headers, both the latest key: 401") do
  raw.call(["Authorization: Bearer #{a}", "Authorization: Bearer #{a}"]) == "401"
end
Tap.check("#{server}: Net::HTTP's add_field twice (latest, previous: one joined line): 401") do
  request = Net::HTTP::Get.new("/")
  request.add_field("Authorization", "Bearer #{a}")
  request.add_field("Authorization", "Bearer #{b}")
  Net::HTTP.start("127.0.0.1", port) { |http| http.request(request) }.code == "401"
end

Tap.check("#{server}: public path /health (a String: exact) answers without a key") { get.call("/health").code == "200" }
Tap.check("#{server}: public Regexp %r{\\A/assets/} answers without a key, and the app sees no slot") do
  response = get.call("/assets/app.css")
  response.code == "200" && response.body == "slot=nil"
end
Tap.check("#{server}: a path near a public one (/health/x, /healthz, /assets) is checked: 401") do
  %w[/health/x /healthz /assets].all? { |path| get.call(path).code == "401" }
end
Tap.check("#{server}: a dot segment never makes a path public (/assets/../admin, /assets/%2e%2e/admin): 401") do
  raw.call([], "/assets/../admin") == "401" && raw.call([], "/assets/%2e%2e/admin") == "401"
end
Tap.check("#{server}: a key on a checked path still works: 200 :latest") do
  response = get.call("/things", "authorization" => "Bearer #{a}")
  response.code == "200" && response.body == "slot=:latest"
end

response = get.call("/json/things", "authorization" => "Bearer #{c}")
Tap.check("#{server}: on_refused returning a response: that is the 401 (JSON, error=\"invalid_token\")") do
  response.code == "401" && response["content-type"] == "application/json" && response.body == '{"error":"invalid_token"}' &&
    response["www-authenticate"].include?('error="invalid_token"')
end
Tap.check("#{server}: on_refused returning nil: the protocol's 401") do
  response = get.call("/x", "authorization" => "Basic #{a}")
  response.code == "401" && response["www-authenticate"] == 'Bearer realm="securekey"'
end
Tap.check("#{server}: on_refused got each reason (:repeated, :unknown_key, :not_bearer, :missing)") do
  reasons = get.call("/health").body.delete_prefix("reasons=").split(",")
  %w[repeated unknown_key not_bearer missing].all? { |reason| reasons.include?(reason) }
end
lines = File.readlines(log)
Tap.check("#{server}: a key that is neither the latest nor the previous is logged, by var and key ids") do
  lines.any? { |line| line.match?(/securekey: refused a request for SECURE_KEY: the key presented is neither the latest \(\h{8}\) nor the previous \(\h{8}\)/) }
end
Tap.check("#{server}: the 4 repeated headers and the 1 unknown key are logged, nothing else (no missing, no Basic)") do
  refused = lines.grep(/securekey: refused/)
  refused.size == 5 && refused.grep(/a comma in the Authorization header/).size == 4
end
