# frozen_string_literal: true

# A Rails API whose controllers check the SecureKey pair themselves (no
# middleware): ThingsController with the gem's concern, and
# IdiomController with Rails' own authenticate_or_request_with_http_token.
# One file, so it runs as it is: `rackup examples/rails_controller.ru`.
#
#   curl -H "Authorization: Bearer $KEY" http://127.0.0.1:9292/things
#   curl http://127.0.0.1:9292/health   # public: skip_before_action
require "securekey"
require "action_controller/railtie"

class SecurekeyControllerApp < Rails::Application
  config.load_defaults 6.1
  config.eager_load = false
  config.logger = Logger.new($stderr, level: :warn)
  config.secret_key_base = "not used: this app sets no cookies"
  config.hosts.clear if config.respond_to?(:hosts)

  routes.append do
    get "/things" => "things#index"
    get "/health" => "things#health"
    get "/idiom" => "idiom#index"
  end
end

class ThingsController < ActionController::API
  include Securekey::Rails::Authenticated
  securekey var: "SECURE_KEY"
  skip_before_action :authenticate_securekey!, only: :health

  def index
    render plain: "things for a client with the #{securekey_slot} key\n"
  end

  def health
    render plain: "ok\n"
  end
end

# Rails' own idiom. It works, with two differences from the concern: the
# 401 says `WWW-Authenticate: Token realm="securekey"` (Rails' scheme name),
# and of two Authorization headers joined by the server it takes the first.
class IdiomController < ActionController::API
  include ActionController::HttpAuthentication::Token::ControllerMethods
  PAIR = Securekey.pair("SECURE_KEY")

  before_action do
    authenticate_or_request_with_http_token("securekey") do |token, _options|
      @slot = PAIR.verify(token)
      response.set_header("securekey-slot", "previous") if @slot == :previous
      @slot
    end
  end

  def index
    render plain: "idiom: the #{@slot} key\n"
  end
end

SecurekeyControllerApp.initialize!
run SecurekeyControllerApp
