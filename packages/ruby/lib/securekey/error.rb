# frozen_string_literal: true

module Securekey
  # The one error this gem raises: the key file is missing, not a regular
  # file, too big, malformed or tampered, or lacks the var asked for. The
  # message names the path and what is wrong, and how to fix it; never a key.
  class Error < StandardError
    # Raises an Error with message. Every raise of the gem goes through
    # here, so the raising frame's only local is the message: error trackers
    # record that frame's locals (sentry-ruby's include_local_variables does,
    # with a TracePoint on :raise), and the caller's frame may hold a key or
    # the whole key file. Never with a cause: Ruby would chain the error
    # being handled, and JSON's ParserError quotes the file it could not parse.
    def self.raise!(message)
      raise new(message), cause: nil
    end
  end
end
