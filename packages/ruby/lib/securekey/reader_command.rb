# frozen_string_literal: true

module Securekey
  # The reader command (exe/securekey-reader), the conformance table's
  # protocol (tests/conformance/table.tsv):
  #
  #   securekey-reader verify VAR < presented  # latest | previous | refused: exit 0, 0, 1
  #   securekey-reader present VAR             # the key ids in client order: exit 0
  #
  # Exit 2 with one line on stderr when there is no usable key file or var.
  # It is not named `securekey`: that is the buildpack's binary.
  module ReaderCommand
    USAGE = "usage: securekey-reader (verify | present) VAR"
    # A presented key is 64 chars: a longer line is refused without being
    # read whole.
    LINE_CAP = 1024

    module_function

    # Runs argv; returns the exit code (the executable is the only place
    # that exits).
    def run(argv, stdin: $stdin, stdout: $stdout, stderr: $stderr)
      unless argv.length == 2 && %w[verify present].include?(argv[0])
        stderr.puts USAGE
        return 2
      end
      command, var = argv
      pair = KeyFile.load.fetch(var)
      if command == "present"
        stdout.puts pair.ids
        return 0
      end
      slot = pair.verify(read_presented(stdin))
      stdout.puts(slot || "refused")
      slot ? 0 : 1
    rescue Error => e
      stderr.puts "securekey-reader: #{e.message}"
      2
    end

    # One line of input without its line ending ("\n" or "\r\n"); nothing
    # else is stripped. A line over LINE_CAP bytes is returned cut, which no
    # key matches.
    def read_presented(input)
      line = input.binmode.gets("\n", LINE_CAP) || +""
      line.end_with?("\n") ? line.delete_suffix("\n").delete_suffix("\r") : line
    end
  end
end
