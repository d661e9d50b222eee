# frozen_string_literal: true

module Securekey
  # What the gem gives a Rails app beside the Rack middleware: a controller
  # concern (Securekey::Rails::Authenticated). Loading it needs no Rails.
  module Rails
  end
end

require_relative "rails/authenticated"
