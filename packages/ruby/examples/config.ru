# frozen_string_literal: true

# A Rack app behind Securekey::Rack: `rackup examples/config.ru`, then
#
#   curl -H "Authorization: Bearer $SECURE_KEY_LATEST" http://127.0.0.1:9292/
#
# answers 200 with the slot that matched; the previous key answers 200 with
# `Securekey-Slot: previous`; anything else is a 401.
require "securekey"

use Securekey::Rack, var: "SECURE_KEY" # send_latest: true to hand out the latest key (see README.md)
run ->(env) { [200, { "content-type" => "text/plain" }, ["hello, #{env['securekey.slot']} key\n"]] }
