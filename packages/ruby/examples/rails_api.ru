# frozen_string_literal: true

# A Rails app whose every request must carry the SecureKey pair's latest or
# previous key (Securekey::Rack in Rails' middleware stack); a controller
# sees which one matched. One file, so it runs as it is: `rackup
# examples/rails_api.ru`. In an app the middleware line goes in
# config/application.rb.
#
#   curl -H "Authorization: Bearer $KEY" http://127.0.0.1:9292/things
require "securekey"
require "action_controller/railtie"

class SecurekeyApiApp < Rails::Application
  config.load_defaults 6.1
  config.eager_load = false
  config.logger = Logger.new(nil)
  config.secret_key_base = "not used: this app sets no cookies"
  config.hosts.clear if config.respond_to?(:hosts)

  config.middleware.use Securekey::Rack, var: "SECURE_KEY"

  routes.append do
    get "/things" => "securekey_things#index"
  end
end

class SecurekeyThingsController < ActionController::API
  def index
    # :latest or :previous; the middleware has already refused anything else.
    render plain: "things for a client with the #{request.env['securekey.slot']} key\n"
  end
end

SecurekeyApiApp.initialize!
run SecurekeyApiApp
