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
  # Options: public paths let through unchecked, an on_refused hook (which
  # may answer its own 401), and a logger for the one line written when a
  # key is refused or the header repeated (var and key ids, never what was
  # presented); see #initialize.
  #
  # The key file is read once, here (Heroku restarts every dyno when config
  # vars change, and the boot script rewrites the file). Needs no gem: Rack
  # is only a calling convention. Header names are lowercase (Rack 3 wants
  # them so; Rack 2 and HTTP do not care).
  class Rack
    include Redacted

    SLOT = "securekey.slot"
    CHALLENGE = 'Bearer realm="securekey"'
    BEARER = /\ABearer +([^ ]+)\z/i
    # A dot segment, once %2e and %2f are read as "." and "/": such a path
    # is never public, so "/assets/../admin" cannot pass as "/assets/…".
    DOT_SEGMENT = %r{(?:\A|/)\.\.?(?:/|\z)}

    # The config var whose pair is accepted.
    attr_reader :var

    # var: the config var whose pair is accepted (default: SECURE_KEY, or
    # the file's only var); send_latest: answer previous-key requests with
    # the latest key too; path: the key file (default: the path rule);
    # key_file: an already loaded Securekey::KeyFile instead; public: paths
    # (PATH_INFO) let through unchecked, each a String (the exact path) or a
    # Regexp; on_refused: called as on_refused.call(env, reason) before a
    # 401, reason one of :missing, :not_bearer, :repeated, :unknown_key; if
    # it returns a Rack response ([status, headers, body]) that is the
    # answer instead; logger: where the line about a refused key goes
    # (default: env["rack.logger"], else Rails.logger, else rack.errors).
    def initialize(app, var: nil, send_latest: false, path: nil, key_file: nil, public: [], on_refused: nil, logger: nil)
      @app = app
      file = key_file || KeyFile.load(path)
      @var = var || file.default_var
      @pair = file.fetch(@var)
      @send_latest = send_latest ? true : false
      @public = Array(public).each do |rule|
        raise ArgumentError, "public: each path is a String or a Regexp" unless rule.is_a?(String) || rule.is_a?(Regexp)
      end.freeze
      @on_refused = on_refused
      @logger = logger
    end

    def call(env)
      return @app.call(env) if public?(env["PATH_INFO"].to_s)

      slot, reason = authenticate(env)
      return refuse(env, reason) unless slot

      env[SLOT] = slot
      status, headers, body = @app.call(env)
      return [status, headers, body] unless slot == :previous

      headers = headers.dup
      headers.merge!(previous_headers)
      [status, headers, body]
    end

    # The slot env's Authorization header presents ([:latest, nil] or
    # [:previous, nil]), else [nil, reason]. A refused key is logged by key
    # ids (never what was presented). Also what Securekey::Rails::Authenticated
    # uses.
    def authenticate(env)
      authorization = env["HTTP_AUTHORIZATION"]
      return [nil, :missing] if authorization.nil? || authorization.empty?

      header = authorization.to_s.b
      # Servers join a repeated header into one value with ", " (WEBrick
      # and puma do); a key never holds a comma. Which of two headers counts
      # is not for a guard to guess: both are refused.
      return refused(env, :repeated, "a comma in the Authorization header (two headers joined, or a LATEST,PREVIOUS pair)") if header.include?(",")

      match = BEARER.match(header)
      return [nil, :not_bearer] unless match

      slot = @pair.verify(match[1])
      return [slot, nil] if slot

      refused(env, :unknown_key, "the key presented is neither the latest (#{@pair.latest_id}) nor the previous (#{@pair.previous_id || 'none'})")
    end

    # The headers of a response to a previous-key request.
    def previous_headers
      headers = { "securekey-slot" => "previous" }
      headers["securekey-latest"] = @pair.latest.secret if @send_latest
      headers
    end

    # The 401 of the protocol.
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

    def inspect
      "#<Securekey::Rack #{Shown.call(@var)} #{@pair.inspect} send_latest=#{@send_latest}>"
    end
    alias to_s inspect

    def as_json(*)
      { "var" => Shown.call(@var), "pair" => @pair.as_json, "send_latest" => @send_latest }
    end

    private

    def public?(path)
      return false if @public.empty?
      return false if path.gsub(/%2e/i, ".").gsub(/%2f/i, "/").match?(DOT_SEGMENT)

      @public.any? { |rule| rule.is_a?(Regexp) ? rule.match?(path) : rule == path }
    end

    def refuse(env, reason)
      answer = @on_refused&.call(env, reason)
      answer.is_a?(Array) && answer.size == 3 ? answer : unauthorized
    end

    def refused(env, reason, why)
      log(env, "refused a request for #{Shown.call(@var)}: #{why}")
      [nil, reason]
    end

    def log(env, message)
      line = "securekey: #{message}"
      logger = @logger || env["rack.logger"] || (::Rails.logger if defined?(::Rails) && ::Rails.respond_to?(:logger))
      if logger
        logger.warn(line)
      elsif env["rack.errors"]
        env["rack.errors"].puts(line)
      end
    end
  end
end
