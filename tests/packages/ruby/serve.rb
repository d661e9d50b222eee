# frozen_string_literal: true

# ruby serve.rb APP.ru PORT_FIFO: serves a Rack app on 127.0.0.1, on a port
# the kernel picks, with WEBrick (Rack's own handler), or puma when
# SERVER=puma, and writes that port to PORT_FIFO once the socket listens,
# so the test knows where to connect and that it can, without waiting on a
# clock. Runs until killed.
require "rack"

ru, fifo = ARGV
app, = Rack::Builder.parse_file(ru)
if ENV["SERVER"] == "puma"
  require "puma"
  require "puma/server"
  server = Puma::Server.new(app, Puma::Events.stdio, min_threads: 1, max_threads: 4)
  listener = server.add_tcp_listener("127.0.0.1", 0)
  thread = server.run
  File.write(fifo, "#{listener.addr[1]}\n")
  thread.join
else
  require "rack/handler/webrick"
  require "webrick"
  log = WEBrick::Log.new($stderr, WEBrick::BasicLog::WARN)
  Rack::Handler::WEBrick.run(app, Host: "127.0.0.1", Port: 0, Logger: log, AccessLog: []) do |server|
    File.write(fifo, "#{server.config[:Port]}\n")
  end
end
