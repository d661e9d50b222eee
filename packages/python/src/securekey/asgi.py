"""ASGI middleware for the graceful-rotation protocol (Starlette, FastAPI,
Django's ASGI handler, any ASGI 3 app).

    from securekey.asgi import SecureKeyMiddleware
    app = SecureKeyMiddleware(app)                            # var: SECURE_KEY
    app = SecureKeyMiddleware(app, var="SERVICE_ONE_SECURE_KEY", send_latest=True)

HTTP requests and WebSocket handshakes without `Authorization: Bearer <latest
or previous key>` are refused (HTTP: 401; WebSocket: closed before accept,
which servers answer with 403) and never reach the app; the app finds the
matched slot ("latest" or "previous") in scope["securekey"]. Lifespan events
pass through.
"""

from __future__ import annotations

from typing import Any, Awaitable, Callable, List, MutableMapping, Optional, Tuple

from . import _protocol
from ._keys import KeyPair, load

SCOPE_KEY = "securekey"

__all__ = ["SCOPE_KEY", "SecureKeyMiddleware"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


def _authorization(scope: Scope) -> Optional[str]:
    """The Authorization header, or None when absent or sent more than once."""
    values = [v for k, v in scope.get("headers", ()) if k.lower() == b"authorization"]
    if len(values) != 1:
        return None
    value: bytes = values[0]
    return value.decode("latin-1")


def _encoded(headers: List[Tuple[str, str]]) -> List[Tuple[bytes, bytes]]:
    return [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers]


class SecureKeyMiddleware:
    """Accepts the latest or previous key of one pair, refuses the rest.

    The key file is read once, here (Heroku restarts every dyno when config
    vars change, and the boot script rewrites the file); a missing or bad
    file raises KeyFileError, so the app does not start without its keys.

    var: the key file's var (default: SECURE_KEY if the file has it, else
    its only var). send_latest: answer a client that presented the previous
    key with Securekey-Latest, the latest key itself (off: it hands the new
    key to whoever holds the old one). path: the key file (default:
    $SECUREKEY_FILE, else .securekey/keys.json). pair: a KeyPair to use
    instead of reading the file.
    """

    def __init__(
        self,
        app: Callable[[Scope, Receive, Send], Awaitable[None]],
        *,
        var: Optional[str] = None,
        send_latest: bool = False,
        path: Optional[str] = None,
        pair: Optional[KeyPair] = None,
    ) -> None:
        self.app = app
        self.send_latest = send_latest
        self.pair = pair if pair is not None else load(path).pair(var)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        token = _protocol.bearer_token(_authorization(scope))
        slot = self.pair.verify(token) if token is not None else None
        if slot is None:
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
        return f"SecureKeyMiddleware({self.pair!r}, send_latest={self.send_latest})"
