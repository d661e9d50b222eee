# frozen_string_literal: true

module Securekey
  # How a name or a path appears in a message: as typed, on one line, unless
  # it looks like key material pasted where a name belongs (a run of 16 hex
  # chars, or of 32 letters and digits: a pre-2013 key), as securekey does.
  module Shown
    KEY_LIKE = /\h{16}|[0-9A-Za-z]{32}/n
    CONTROL = /[\x00-\x1f\x7f]/n

    module_function

    def call(text)
      text = text.to_s.b
      return "<not shown: it looks like a key>" if text.match?(KEY_LIKE)

      text.gsub(CONTROL) { |char| format("\\x%02x", char.ord) }
    end
  end
end
