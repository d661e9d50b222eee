# frozen_string_literal: true

# Rails' signed and encrypted cookies (and so its cookie session), rotated
# with the SecureKey pair: secret_key_base is the latest key, and
# config.action_dispatch.cookies_rotations holds the cookie keys derived
# from the previous one, exactly as Rails derives its own (the app's
# key_generator: PBKDF2, 1,000 iterations, the cookie salts). A cookie
# written before the last rotation is still read, and rewritten with the
# latest key; one from two rotations ago is not.
#
# One file, so it runs as it is: `rackup examples/rails_cookies.ru`. In an
# app the two settings go in config/application.rb (see README.md).
#
#   GET /write?value=V  sets cookies.signed[:signed_note] and cookies.encrypted[:encrypted_note]
#   GET /read           answers "signed=V encrypted=V" (empty where refused)
#   GET /login?user=U   puts U in the session (the cookie store's cookie)
#   GET /me             answers "user=U", or 401 when the session holds none
require "securekey"
require "action_controller/railtie"

class SecurekeyCookiesApp < Rails::Application
  config.load_defaults 6.1
  config.eager_load = false
  config.logger = Logger.new(nil)
  config.hosts.clear if config.respond_to?(:hosts)

  pair = Securekey.pair("SECURE_KEY")
  # Heroku's Ruby buildpack sets a SECRET_KEY_BASE config var, which Rails
  # 6.1 prefers to this setting outside development and test: unset it
  # (heroku config:unset SECRET_KEY_BASE) when the SecureKey takes its place.
  config.secret_key_base = pair.latest.secret

  if pair.previous
    # What Rails' own key_generator would derive from the previous key.
    previous = ActiveSupport::KeyGenerator.new(pair.previous.secret, iterations: 1000)
    dispatch = config.action_dispatch
    config.action_dispatch.cookies_rotations.tap do |cookies|
      cookies.rotate :signed, previous.generate_key(dispatch.signed_cookie_salt)
      cookies.rotate :encrypted,
                     previous.generate_key(dispatch.authenticated_encrypted_cookie_salt,
                                           ActiveSupport::MessageEncryptor.key_len)
    end
  end

  routes.append do
    get "/write" => "securekey_cookies#write"
    get "/read" => "securekey_cookies#read"
    get "/login" => "securekey_cookies#login"
    get "/me" => "securekey_cookies#me"
  end
end

class SecurekeyCookiesController < ActionController::Base
  def write
    cookies.signed[:signed_note] = params[:value]
    cookies.encrypted[:encrypted_note] = params[:value]
    render plain: "written\n"
  end

  def read
    render plain: "signed=#{cookies.signed[:signed_note]} encrypted=#{cookies.encrypted[:encrypted_note]}\n"
  end

  def login
    session[:user] = params[:user]
    render plain: "logged in\n"
  end

  def me
    return render(plain: "not logged in\n", status: :unauthorized) unless session[:user]

    render plain: "user=#{session[:user]}\n"
  end
end

SecurekeyCookiesApp.initialize!
run SecurekeyCookiesApp
