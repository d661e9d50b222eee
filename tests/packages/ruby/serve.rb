# frozen_string_literal: true

# ruby serve.rb APP.ru PORT_FIFO: serves a Rack app with WEBrick (Rack's own
# handler) on 127.0.0.1, on a port the kernel picks, and writes that port to
# PORT_FIFO once the socket listens, so the test knows where to connect and
# that it can, without waiting on a clock. Runs until killed.
require "rack"
require "rack/handler/webrick"
require "webrick"

ru, fifo = ARGV
app, = Rack::Builder.parse_file(ru)
log = WEBrick::Log.new($stderr, WEBrick::BasicLog::WARN)
Rack::Handler::WEBrick.run(app, Host: "127.0.0.1", Port: 0, Logger: log, AccessLog: []) do |server|
  File.write(fifo, "#{server.config[:Port]}\n")
end
