# frozen_string_literal: true

module Securekey
  module Rails
    # A controller concern for the graceful-rotation protocol, what
    # Securekey::Rack does for a whole app, per controller:
    #
    #   class ApiController < ActionController::API
    #     include Securekey::Rails::Authenticated
    #     securekey var: "SERVICE_ONE_SECURE_KEY" # optional: SECURE_KEY, or the file's only var
    #     skip_before_action :authenticate_securekey!, only: :health # a public action
    #   end
    #
    # A before_action checks `Authorization: Bearer <KEY>` as Securekey::Rack
    # does (the same parsing: a repeated header is refused, where Rails'
    # token_and_options takes the first), answers the protocol's 401
    # (`WWW-Authenticate: Bearer realm="securekey"`, where Rails'
    # request_http_token_authentication says `Token realm="Application"`),
    # and sets `Securekey-Slot: previous` on previous-key requests. The
    # action reads the slot with securekey_slot (:latest or :previous).
    #
    # The key file is read by `securekey` (when the class loads, so an
    # eager-loading production boot fails without it), else at the first
    # request; never by a rake task that does not reach a controller
    # (assets:precompile). Subclasses share their parent's.
    module Authenticated
      def self.included(base)
        base.extend(ClassMethods)
        base.before_action :authenticate_securekey!
      end

      # The class macro and the class's guard.
      module ClassMethods
        # Reads the key file now: var, path, key_file, send_latest and
        # logger as for Securekey::Rack.
        def securekey(**options)
          @securekey_guard = Securekey::Rack.new(nil, **options)
        end

        # The Securekey::Rack this controller checks with (its parent's if it
        # has none of its own).
        def securekey_guard
          @securekey_guard ||= superclass.respond_to?(:securekey_guard) ? superclass.securekey_guard : Securekey::Rack.new(nil)
        end
      end

      private

      # :latest or :previous once the request is let in.
      def securekey_slot
        request.env[Securekey::Rack::SLOT]
      end

      def authenticate_securekey!
        guard = self.class.securekey_guard
        slot, = guard.authenticate(request.env)
        if slot
          request.env[Securekey::Rack::SLOT] = slot
          guard.previous_headers.each { |name, value| response.set_header(name, value) } if slot == :previous
        else
          _status, headers, body = guard.unauthorized
          response.set_header("www-authenticate", headers.fetch("www-authenticate"))
          response.set_header("cache-control", headers.fetch("cache-control"))
          render plain: body.join, status: :unauthorized
        end
      end
    end
  end
end
