# frozen_string_literal: true

# Securekey::Rack with its options, for guard_test.rb: public paths, an
# on_refused hook (a JSON 401 under /json/, and every reason counted in
# GET /health's answer), and a logger writing to $GUARD_LOG.
require "securekey"
require "json"
require "logger"

reasons = []
on_refused = lambda do |env, reason|
  reasons << reason
  next unless env["PATH_INFO"].start_with?("/json/")

  [401, { "content-type" => "application/json", "www-authenticate" => 'Bearer realm="securekey", error="invalid_token"' },
   [JSON.generate("error" => "invalid_token")]]
end

use Securekey::Rack, public: ["/health", %r{\A/assets/}], on_refused: on_refused, logger: Logger.new(ENV.fetch("GUARD_LOG"))
run lambda { |env|
  body = env["PATH_INFO"] == "/health" ? "reasons=#{reasons.join(',')}" : "slot=#{env['securekey.slot'].inspect}"
  [200, { "content-type" => "text/plain" }, [body]]
}
