# frozen_string_literal: true

# The Ruby side of the suite's output: `ok - …` / `not ok - …` lines, which
# test.sh counts. A check whose block raises fails with the error's class
# only (a message could quote a key). Exits non-zero if anything failed.
module Tap
  @failed = 0

  def self.check(name)
    if yield
      puts "ok - #{name}"
    else
      not_ok(name)
    end
  rescue StandardError => e
    not_ok(name, "raised #{e.class}")
  end

  def self.not_ok(name, detail = nil)
    @failed += 1
    puts "not ok - #{name}"
    puts "#   #{detail}" if detail
  end

  at_exit { exit(1) if @failed.positive? && $!.nil? }
end
