# frozen_string_literal: true

require "json"
require "strscan"

module Securekey
  # JSON as serde_json (securekey's own parser) reads it, no more: Ruby's
  # parser also takes /* comments */, any escaped char ("\x"), lone
  # surrogates and numbers out of a double's range; those are refused here,
  # so every reader refuses the same files.
  module StrictJson
    OUTSIDE_STRINGS = %r{[^"/]+}
    STRING_RUN = /[^"\\\x00-\x1f]+/
    ESCAPE = %r{\\(?:["\\/bfnrt]|u\h{4})}

    module_function

    # The document in content (bytes), or Securekey::Error (its message
    # never quotes the content).
    def parse(content, max_depth:)
      text = content.b.force_encoding(Encoding::UTF_8)
      Error.raise!("not valid UTF-8") unless text.valid_encoding?

      begin
        # allow_duplicate_key: the last one counts, as in serde_json (json
        # 2.13 warns on duplicates, and 3.0 refuses them, unless told).
        doc = JSON.parse(text, max_nesting: max_depth, allow_duplicate_key: true)
      rescue JSON::ParserError # its message quotes the file: never shown
        Error.raise!("not valid JSON")
      end
      Error.raise!("not valid JSON") unless strict_syntax?(text) && plain?(doc)

      doc
    end

    # No "/" outside strings, and only JSON's own escapes and no control
    # chars inside them. A linear scan, no backtracking over the file.
    def strict_syntax?(text)
      scanner = StringScanner.new(text)
      until scanner.eos?
        scanner.skip(OUTSIDE_STRINGS)
        return false if scanner.skip(%r{/})
        next unless scanner.skip(/"/)

        loop do
          scanner.skip(STRING_RUN)
          break if scanner.skip(/"/)
          return false unless scanner.skip(ESCAPE)
        end
      end
      true
    end

    # Strings that are UTF-8 (a lone "\udc00" is not) and finite numbers, as
    # serde_json wants them. Depth is bounded by max_nesting above.
    def plain?(value)
      case value
      when String then value.valid_encoding?
      when Float then value.finite?
      when Integer then value.to_f.finite?
      when Array then value.all? { |v| plain?(v) }
      when Hash then value.all? { |k, v| plain?(k) && plain?(v) }
      else true
      end
    end
  end
end
