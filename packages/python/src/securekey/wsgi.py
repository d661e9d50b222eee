"""WSGI middleware for the graceful-rotation protocol (Flask, Django, any WSGI app).

    from securekey.wsgi import SecureKeyMiddleware
    application = SecureKeyMiddleware(application)            # var: SECURE_KEY
    application = SecureKeyMiddleware(application, var="SERVICE_ONE_SECURE_KEY",
                                      send_latest=True)

Requests without `Authorization: Bearer <latest or previous key>` get a 401
and never reach the app; the app finds the matched slot ("latest" or
"previous") in environ["securekey.slot"].
"""

from __future__ import annotations

from typing import Any, Callable, Dict, Iterable, List, Optional, Tuple

from . import _protocol
from ._keys import KeyPair, load

ENVIRON_KEY = "securekey.slot"

__all__ = ["ENVIRON_KEY", "SecureKeyMiddleware"]


class SecureKeyMiddleware:
    """Accepts the latest or previous key of one pair, refuses the rest with 401.

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
        app: Callable[..., Iterable[bytes]],
        *,
        var: Optional[str] = None,
        send_latest: bool = False,
        path: Optional[str] = None,
        pair: Optional[KeyPair] = None,
    ) -> None:
        self.app = app
        self.send_latest = send_latest
        self.pair = pair if pair is not None else load(path).pair(var)

    def __call__(self, environ: Dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        token = _protocol.bearer_token(environ.get("HTTP_AUTHORIZATION"))
        slot = self.pair.verify(token) if token is not None else None
        if slot is None:
            start_response("401 Unauthorized", _protocol.refusal_headers())
            return [_protocol.REFUSED_BODY]
        environ[ENVIRON_KEY] = slot
        extra = _protocol.slot_headers(self.pair, slot, self.send_latest)
        if not extra:
            return self.app(environ, start_response)

        def start_with_slot(
            status: str, headers: List[Tuple[str, str]], exc_info: Any = None
        ) -> Any:
            headers = [h for h in headers if h[0].lower() not in _OURS] + extra
            if exc_info is None:
                return start_response(status, headers)
            return start_response(status, headers, exc_info)

        return self.app(environ, start_with_slot)

    def __repr__(self) -> str:
        return f"SecureKeyMiddleware({self.pair!r}, send_latest={self.send_latest})"


_OURS = {_protocol.SLOT_HEADER.lower(), _protocol.LATEST_HEADER.lower()}
