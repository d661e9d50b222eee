"""The middleware under real servers, for test.sh.

    python servers.py (wsgiref | waitress | uvicorn) PORT_FILE

Serves on 127.0.0.1, an ephemeral port, which it writes to PORT_FILE (a
FIFO the test reads: the socket listens before the port is written, so the
test never waits on a clock). The key file is $SECUREKEY_FILE. Paths:
  /send-latest...  the middleware with send_latest=True
  /other...        var="OTHER_SECURE_KEY"
  /count           how many requests reached the middleware (not protected)
  /legacy          (ASGI) the slot from scope["securekey"], the 0.1.0 name
Kinds django (the django_site project under waitress) and fastapi
(fastapi_app.py under uvicorn, lifespan on) serve those apps instead.
  anything else    the default var, send_latest off
ASGI also serves WebSockets on the same paths (uvicorn, with websockets).
Behind the middleware the app answers 200 "slot=<the slot it was told>".
"""

import os
import socket
import sys

from securekey import asgi, wsgi

count = 0


def wsgi_app(environ, start_response):
    body = f"slot={environ.get(wsgi.SLOT_KEY)}".encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]


def wsgi_site():
    plain = wsgi.SecureKeyMiddleware(wsgi_app)
    send_latest = wsgi.SecureKeyMiddleware(wsgi_app, send_latest=True)
    other = wsgi.SecureKeyMiddleware(wsgi_app, var="OTHER_SECURE_KEY")

    def site(environ, start_response):
        global count
        path = environ.get("PATH_INFO", "")
        if path == "/count":
            body = str(count).encode()
            start_response("200 OK", [("Content-Type", "text/plain")])
            return [body]
        count += 1
        if path.startswith("/send-latest"):
            return send_latest(environ, start_response)
        if path.startswith("/other"):
            return other(environ, start_response)
        return plain(environ, start_response)

    return site


async def asgi_app(scope, receive, send):
    if scope["type"] == "websocket":
        await receive()  # websocket.connect
        await send({"type": "websocket.accept"})
        await send({"type": "websocket.send", "text": f"slot={scope.get(asgi.SLOT_KEY)}"})
        await send({"type": "websocket.close", "code": 1000})
        return
    key = asgi.SCOPE_KEY if scope.get("path", "").startswith("/legacy") else asgi.SLOT_KEY
    body = f"slot={scope.get(key)}".encode()
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": body})


def asgi_site():
    plain = asgi.SecureKeyMiddleware(asgi_app)
    send_latest = asgi.SecureKeyMiddleware(asgi_app, send_latest=True)
    other = asgi.SecureKeyMiddleware(asgi_app, var="OTHER_SECURE_KEY")

    async def site(scope, receive, send):
        global count
        path = scope.get("path", "")
        if path == "/count" and scope["type"] == "http":
            await send({"type": "http.response.start", "status": 200, "headers": []})
            await send({"type": "http.response.body", "body": str(count).encode()})
            return
        count += 1
        if path.startswith("/send-latest"):
            await send_latest(scope, receive, send)
        elif path.startswith("/other"):
            await other(scope, receive, send)
        else:
            await plain(scope, receive, send)

    return site


def announce(port, port_file):
    with open(port_file, "w") as f:
        f.write(f"{port}\n")


def main(kind, port_file):
    if kind == "wsgiref":
        from wsgiref.simple_server import make_server

        server = make_server("127.0.0.1", 0, wsgi_site())
        announce(server.server_port, port_file)
        server.serve_forever()
    elif kind == "waitress":
        import waitress

        server = waitress.create_server(wsgi_site(), host="127.0.0.1", port=0)
        announce(server.effective_port, port_file)
        server.run()
    elif kind == "django":
        import waitress

        # The test Django project (django_site), under waitress.
        sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "django_site"))
        from site_project.wsgi import application

        server = waitress.create_server(application, host="127.0.0.1", port=0)
        announce(server.effective_port, port_file)
        server.run()
    elif kind == "fastapi":
        import uvicorn

        # fastapi_app.py's app ($FASTAPI_APP), lifespan on as uvicorn's default.
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        from fastapi_app import app

        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        sock.listen(64)
        server = uvicorn.Server(uvicorn.Config(app, log_level="info"))
        announce(sock.getsockname()[1], port_file)
        server.run(sockets=[sock])
    elif kind == "uvicorn":
        import uvicorn

        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        sock.listen(64)
        server = uvicorn.Server(uvicorn.Config(asgi_site(), lifespan="off", log_level="info"))
        announce(sock.getsockname()[1], port_file)
        server.run(sockets=[sock])
    else:
        sys.exit(f"servers.py: unknown server {kind}")


if __name__ == "__main__":
    main(*sys.argv[1:])
