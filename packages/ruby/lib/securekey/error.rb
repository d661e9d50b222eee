# frozen_string_literal: true

module Securekey
  # The one error this gem raises: the key file is missing, not a regular
  # file, too big, malformed or tampered, or lacks the var asked for. The
  # message names the path and what is wrong, and how to fix it; never a key.
  class Error < StandardError; end
end
