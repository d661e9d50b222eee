# frozen_string_literal: true

# The test's Rack app: Securekey::Rack (send_latest when SEND_LATEST=1)
# before an app that answers with the slot it saw, behind a counter of every
# request that reached the server (GET /_count answers it, unauthenticated),
# so the test can tell how often a client asked. Rack::Lint on both sides of
# the middleware checks what it hands on and what it answers (its 401s
# included) against the Rack spec.
require "securekey"

counter = Class.new do
  def initialize(app)
    @app = app
    @count = 0
  end

  def call(env)
    return [200, { "content-type" => "text/plain" }, ["#{@count}\n"]] if env["PATH_INFO"] == "/_count"

    @count += 1
    @app.call(env)
  end
end

use counter
use Rack::Lint
use Securekey::Rack, var: "SECURE_KEY", send_latest: ENV["SEND_LATEST"] == "1"
use Rack::Lint
# With an X-Echo-Body header the answer ends with the request's body.
run lambda { |env|
  echo = env["HTTP_X_ECHO_BODY"] ? " body=#{env['rack.input'].read}" : ""
  [200, { "content-type" => "text/plain" }, ["slot=#{env['securekey.slot'].inspect} #{env['REQUEST_METHOD']}#{echo}\n"]]
}
