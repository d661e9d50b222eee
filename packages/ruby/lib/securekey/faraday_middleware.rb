# frozen_string_literal: true

module Securekey
  # The client side of the graceful-rotation protocol as Faraday middleware
  # (Faraday 1 and 2; the gem does not depend on Faraday): sends the latest
  # key in `Authorization: Bearer <KEY>` and, on a 401, once more with the
  # previous key, with the same body. Also when a `raise_error` middleware
  # inside it turns the 401 into Faraday::UnauthorizedError: the retry
  # happens first, and only a final 401 raises.
  #
  #   conn = Faraday.new("https://service-one.example.com") do |f|
  #     f.use Securekey::FaradayMiddleware, var: "SERVICE_ONE_SECURE_KEY", logger: Rails.logger
  #     f.response :raise_error # optional, after it
  #   end
  #
  # A body that is a stream (anything with #read: an IO, Faraday's
  # UploadIO or multipart parts) is refused (ArgumentError) before anything
  # is sent: the retry could not send it again. The logger gets key ids only.
  class FaradayMiddleware
    include Redacted

    # app: the next middleware (Faraday passes it); pair: a
    # Securekey::KeyPair, else var and path pick one as Securekey.pair does;
    # logger: anything with #info and #warn.
    def initialize(app, pair = nil, var: nil, path: nil, logger: nil)
      @app = app
      @pair = pair || KeyFile.load(path).pair(var)
      @logger = logger
    end

    def call(env)
      body = env.body
      if body.respond_to?(:read)
        raise ArgumentError, "Securekey::FaradayMiddleware: the request's body is a stream, which cannot be sent again " \
                             "for the retry with the previous key: give the request a String body instead"
      end

      latest, previous = @pair.keys_to_present
      response = attempt(env, body, latest, final: previous.nil?)
      if previous && (response.nil? || response.status == 401)
        @logger&.info("securekey: the latest key (#{latest.id}) was refused (401): retrying once with the previous key (#{previous.id})")
        response = attempt(env, body, previous, final: true)
      end
      if response.headers["securekey-slot"] == "previous"
        @logger&.warn("securekey: the server accepted the previous key only: this app's key is one rotation behind " \
                      "(it gets the latest at its next boot)")
      end
      response
    end

    def inspect
      "#<Securekey::FaradayMiddleware #{@pair.inspect}>"
    end
    alias to_s inspect

    def as_json(*)
      { "pair" => @pair.as_json }
    end

    private

    # The response to env sent with key; nil when a raise_error middleware
    # raised for a 401 that a retry may still turn around.
    def attempt(env, body, key, final:)
      env.body = body
      env.request_headers["Authorization"] = "Bearer #{key.secret}"
      @app.call(env)
    rescue ::Faraday::ClientError => e
      raise if final || !(e.response.is_a?(Hash) && e.response[:status] == 401)

      nil
    end
  end
end
