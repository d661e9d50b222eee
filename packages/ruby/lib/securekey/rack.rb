# frozen_string_literal: true

module Securekey
  # Rack middleware for the graceful-rotation protocol: a request must carry
  # `Authorization: Bearer <KEY>` with the latest or the previous key of the
  # pair (compared in constant time); anything else is a 401 with
  # `WWW-Authenticate: Bearer realm="securekey"` and a body that never echoes
  # what was presented.
  #
  #   # config.ru
  #   require "securekey"
  #   use Securekey::Rack, var: "SERVICE_ONE_SECURE_KEY"
  #   run MyApp
  #
  # The app sees the matched slot in env["securekey.slot"] (:latest or
  # :previous). A request with the previous key gets `Securekey-Slot:
  # previous` on its response, so the client can log that it is one rotation
  # behind; with send_latest: true it also gets `Securekey-Latest: <latest
  # key>`. That is opt-in because it hands the new key to whoever holds the
  # old one: a leaked previous key would outlive the rotation meant to
  # retire it. Neither header is ever on a latest-key request or a 401.
  #
  # The key file is read once, here (Heroku restarts every dyno when config
  # vars change, and the boot script rewrites the file). Needs no gem: Rack
  # is only a calling convention. Header names are lowercase (Rack 3 wants
  # them so; Rack 2 and HTTP do not care).
  class Rack
    SLOT = "securekey.slot"
    CHALLENGE = 'Bearer realm="securekey"'
    BEARER = /\ABearer +([^ ]+)\z/i

    # var: the config var whose pair is accepted (default: SECURE_KEY, or
    # the file's only var); send_latest: answer previous-key requests with
    # the latest key too; path: the key file (default: the path rule);
    # key_file: an already loaded Securekey::KeyFile instead.
    def initialize(app, var: nil, send_latest: false, path: nil, key_file: nil)
      @app = app
      @pair = (key_file || KeyFile.load(path)).pair(var)
      @send_latest = send_latest ? true : false
    end

    def call(env)
      slot = presented_slot(env["HTTP_AUTHORIZATION"])
      return unauthorized unless slot

      env[SLOT] = slot
      status, headers, body = @app.call(env)
      return [status, headers, body] unless slot == :previous

      headers = headers.dup
      headers["securekey-slot"] = "previous"
      headers["securekey-latest"] = @pair.latest.secret if @send_latest
      [status, headers, body]
    end

    def inspect
      "#<Securekey::Rack #{@pair.inspect} send_latest=#{@send_latest}>"
    end

    private

    def presented_slot(authorization)
      match = BEARER.match(authorization.to_s.b)
      match && @pair.verify(match[1])
    end

    def unauthorized
      body = "a valid key is required (Authorization: Bearer <key>)\n"
      headers = {
        "content-type" => "text/plain; charset=utf-8",
        "content-length" => body.bytesize.to_s,
        "www-authenticate" => CHALLENGE,
        "cache-control" => "no-store"
      }
      [401, headers, [body]]
    end
  end
end
