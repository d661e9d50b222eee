"""ASGI middleware for the graceful-rotation protocol (Starlette, FastAPI,
Django's ASGI handler, any ASGI 3 app).

    from securekey.asgi import SecureKeyMiddleware
    app = SecureKeyMiddleware(app)                            # var: SECURE_KEY
    app.add_middleware(SecureKeyMiddleware, public_paths=["/health"])  # Starlette, FastAPI

HTTP requests and WebSocket handshakes without `Authorization: Bearer <latest
or previous key>` are refused (HTTP: 401; WebSocket: closed before accept,
which servers answer with 403) and never reach the app; the app finds the
matched slot ("latest" or "previous") in scope["securekey.slot"]
(securekey.SLOT_KEY; scope["securekey"] holds it too, the 0.1.0 name).

Without its keys the app does not start: the middleware answers the
server's lifespan startup with lifespan.startup.failed (uvicorn and
hypercorn then exit), and under a server that runs no lifespan it refuses
every request with 503. It never raises from construction: Starlette builds
`add_middleware` classes lazily, inside its first call, where uvicorn takes
an exception for "lifespan unsupported" and serves anyway.
"""

from __future__ import annotations

import inspect
import logging
from typing import Any, Awaitable, Callable, List, MutableMapping, Optional, Sequence, Tuple

from . import _protocol
from ._keys import KeyFileError, KeyPair, load_pair

SLOT_KEY = _protocol.SLOT_KEY
# The name the ASGI middleware used before the one name: set too, for apps
# that read it.
SCOPE_KEY = "securekey"

__all__ = ["SCOPE_KEY", "SLOT_KEY", "SecureKeyMiddleware"]

log = logging.getLogger("securekey")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

_NO_KEYS_BODY = b"securekey: this app has no keys (see its log)\n"


def _authorization(scope: Scope) -> List[str]:
    """Every Authorization header value (a repeated header is refused)."""
    return [v.decode("latin-1") for k, v in scope.get("headers", ()) if k.lower() == b"authorization"]


def _encoded(headers: List[Tuple[str, str]]) -> List[Tuple[bytes, bytes]]:
    return [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers]


class SecureKeyMiddleware:
    """Accepts the latest or previous key of one pair, refuses the rest.

    The key file is read once, here (Heroku restarts every dyno when config
    vars change, and the boot script rewrites the file). A missing or bad
    file is kept as its one-line message (self.error) and fails the
    server's lifespan startup: the app does not start without its keys.

    var: the key file's var (default: SECURE_KEY if the file has it, else
    its only var). send_latest: answer a client that presented the previous
    key with Securekey-Latest, the latest key itself (off: it hands the new
    key to whoever holds the old one). path: the key file (default:
    $SECUREKEY_FILE, else .securekey/keys.json). pair: a KeyPair to use
    instead of reading the file. public_paths: paths that skip the check
    ("/health" exactly; "/docs/" as a prefix). on_refused(scope, reason):
    called (and awaited if it returns an awaitable) for each refused
    request, reason "missing", "unknown" or "repeated"; the response is the
    401 whatever it returns.
    """

    def __init__(
        self,
        app: Callable[[Scope, Receive, Send], Awaitable[None]],
        *,
        var: Optional[str] = None,
        send_latest: bool = False,
        path: Optional[str] = None,
        pair: Optional[KeyPair] = None,
        public_paths: Sequence[str] = (),
        on_refused: Optional[Callable[[Scope, str], Any]] = None,
    ) -> None:
        self.app = app
        self.send_latest = send_latest
        self.public_paths = tuple(public_paths)
        self.on_refused = on_refused
        self.pair: Optional[KeyPair] = pair
        self.error: Optional[str] = None
        if pair is None:
            try:
                self.pair = load_pair(var, path)
            except KeyFileError as e:
                # The message only: the exception's traceback is not kept.
                self.error = str(e)

    async def _refuse_start(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.failed", "message": f"securekey: {self.error}"})
                return
            if message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan" and self.error is not None:
            await self._refuse_start(receive, send)
            return
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        if self.public_paths and _protocol.is_public(scope.get("path", ""), self.public_paths):
            await self.app(scope, receive, send)
            return
        if self.pair is None:
            # A server without lifespan started the app anyway: refuse all.
            log.error("refusing a request: %s", self.error)
            if scope["type"] == "http":
                await send({"type": "http.response.start", "status": 503,
                            "headers": [(b"content-type", b"text/plain; charset=utf-8")]})
                await send({"type": "http.response.body", "body": _NO_KEYS_BODY})
            else:
                await send({"type": "websocket.close", "code": 1011})
            return
        slot, reason = _protocol.check(self.pair, _authorization(scope))
        if slot is None:
            if self.on_refused is not None:
                result = self.on_refused(scope, reason or _protocol.MISSING)
                if inspect.isawaitable(result):
                    await result
            if scope["type"] == "http":
                await send(
                    {
                        "type": "http.response.start",
                        "status": 401,
                        "headers": _encoded(_protocol.refusal_headers()),
                    }
                )
                await send({"type": "http.response.body", "body": _protocol.REFUSED_BODY})
            else:
                # 1008: policy violation. Before accept, the server sends 403.
                await send({"type": "websocket.close", "code": 1008})
            return
        # Middleware copies the scope it changes (ASGI spec, "Middleware").
        scope = dict(scope)
        scope[SLOT_KEY] = slot
        scope[SCOPE_KEY] = slot
        extra = _encoded(_protocol.slot_headers(self.pair, slot, self.send_latest))
        if not extra:
            await self.app(scope, receive, send)
            return
        ours = {k for k, _ in extra}

        async def send_with_slot(message: Message) -> None:
            if message["type"] in ("http.response.start", "websocket.accept"):
                message = dict(message)
                headers = [h for h in message.get("headers", ()) if h[0].lower() not in ours]
                message["headers"] = headers + extra
            await send(message)

        await self.app(scope, receive, send_with_slot)

    def __repr__(self) -> str:
        # getattr: a locals recorder may show a half-built middleware.
        keys = repr(getattr(self, "pair", None) or "no keys")
        return f"SecureKeyMiddleware({keys}, send_latest={getattr(self, 'send_latest', None)})"
