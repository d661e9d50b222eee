# frozen_string_literal: true

module Securekey
  # How a name or a path appears in a message: as typed, on one line, in
  # UTF-8, unless it looks like key material pasted where a name belongs (a
  # run of 16 hex chars, or of 32 letters and digits: a pre-2013 key), as
  # securekey does. Control chars (and bytes that are not UTF-8) are shown
  # as \xNN escapes.
  module Shown
    KEY_LIKE = /\h{16}|[0-9A-Za-z]{32}/n
    CONTROL = /[\x00-\x1f\x7f]/n
    NOT_ASCII = /[\x80-\xff]/n

    module_function

    def call(text)
      bytes = text.to_s.b
      return "<not shown: it looks like a key>" if bytes.match?(KEY_LIKE)

      escaped = bytes.gsub(CONTROL) { |char| format("\\x%02x", char.ord) }
      utf8 = escaped.dup.force_encoding(Encoding::UTF_8)
      return utf8 if utf8.valid_encoding?

      escaped.gsub(NOT_ASCII) { |char| format("\\x%02x", char.ord) }.force_encoding(Encoding::UTF_8)
    end
  end
end
