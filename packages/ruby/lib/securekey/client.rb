# frozen_string_literal: true

require "net/http"
require "uri"

module Securekey
  # The client side of the graceful-rotation protocol, on Net::HTTP: send
  # the latest key in `Authorization: Bearer <KEY>`; on a 401, retry once
  # with the previous key (the server's dynos may not have restarted since
  # the rotation yet). The caller gets the final response. No key is ever
  # logged: the optional logger gets key ids only.
  #
  #   client = Securekey::Client.new(var: "SERVICE_ONE_SECURE_KEY")
  #   response = client.get(URI("https://service-one.example.com/things"))
  #
  #   # or on a connection of your own, with any Net::HTTPRequest:
  #   Net::HTTP.start(host, port, use_ssl: true) do |http|
  #     client.request(http, Net::HTTP::Post.new("/things", "content-type" => "application/json"))
  #   end
  class Client
    include Redacted

    # The pair whose keys are presented.
    attr_reader :pair

    # pair: a Securekey::KeyPair; else var and path pick one from the key
    # file (as Securekey.pair does). logger: anything with #info and #warn.
    def initialize(pair = nil, var: nil, path: nil, logger: nil)
      @pair = pair || KeyFile.load(path).pair(var)
      @logger = logger
    end

    # Sends request (a Net::HTTPRequest) on http (a Net::HTTP, started or
    # not) with the latest key, and once more with the previous key if the
    # first answer is a 401. Sets the request's Authorization header. A
    # request with a body_stream is refused (ArgumentError) before anything
    # is sent: the stream is read by the first try, and the retry would send
    # the previous key with an empty body. Give it a body (a String).
    def request(http, request)
      if request.body_stream
        raise ArgumentError, "Securekey::Client: the request's body is a stream (body_stream), which cannot be " \
                             "sent again for the retry with the previous key: give the request a body (a String) instead"
      end

      keys = @pair.keys_to_present
      response = nil
      keys.each_with_index do |key, index|
        request["authorization"] = "Bearer #{key.secret}"
        response = http.request(request)
        break unless response.code == "401" && index + 1 < keys.length

        log(:info, "the latest key (#{key.id}) was refused (401): retrying once with the previous key (#{keys[index + 1].id})")
      end
      if response["securekey-slot"] == "previous"
        log(:warn, "the server accepted the previous key only: this app's key is one rotation behind (it gets the latest at its next boot)")
      end
      response
    end

    # GET uri (a URI or String) with the keys; returns the final response.
    def get(uri, headers = {})
      uri = URI(uri)
      send_to(uri, Net::HTTP::Get.new(uri, headers))
    end

    # POST body to uri with the keys; returns the final response.
    def post(uri, body, headers = {})
      uri = URI(uri)
      request = Net::HTTP::Post.new(uri, headers)
      request.body = body
      send_to(uri, request)
    end

    def inspect
      "#<Securekey::Client #{@pair.inspect}>"
    end
    alias to_s inspect

    def as_json(*)
      { "pair" => @pair.as_json }
    end

    private

    def send_to(uri, request)
      Net::HTTP.start(uri.host, uri.port, use_ssl: uri.scheme == "https") do |http|
        request(http, request)
      end
    end

    def log(level, message)
      @logger&.public_send(level, "securekey: #{message}")
    end
  end
end
