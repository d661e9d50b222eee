"""WSGI middleware for the graceful-rotation protocol (Flask, Django, any WSGI app).

    from securekey.wsgi import SecureKeyMiddleware
    application = SecureKeyMiddleware(application)            # var: SECURE_KEY
    application = SecureKeyMiddleware(application, var="SERVICE_ONE_SECURE_KEY",
                                      send_latest=True, public_paths=["/health"])

Requests without `Authorization: Bearer <latest or previous key>` get a 401
and never reach the app; the app finds the matched slot ("latest" or
"previous") in environ["securekey.slot"] (securekey.SLOT_KEY).
"""

from __future__ import annotations

from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence, Tuple

from . import _protocol
from ._keys import KeyPair, load_pair

SLOT_KEY = _protocol.SLOT_KEY
ENVIRON_KEY = SLOT_KEY  # the name before 0.1.0's one-name change; the same key

__all__ = ["ENVIRON_KEY", "SLOT_KEY", "SecureKeyMiddleware"]


class SecureKeyMiddleware:
    """Accepts the latest or previous key of one pair, refuses the rest with 401.

    The key file is read once, here (Heroku restarts every dyno when config
    vars change, and the boot script rewrites the file); a missing or bad
    file raises KeyFileError, so the server, which builds the app when it
    starts, does not start without its keys.

    var: the key file's var (default: SECURE_KEY if the file has it, else
    its only var). send_latest: answer a client that presented the previous
    key with Securekey-Latest, the latest key itself (off: it hands the new
    key to whoever holds the old one). path: the key file (default:
    $SECUREKEY_FILE, else .securekey/keys.json). pair: a KeyPair to use
    instead of reading the file. public_paths: paths that skip the check
    ("/health" exactly; "/static/" as a prefix). on_refused(environ, reason):
    called for each refused request, reason "missing", "unknown" or
    "repeated"; the response is the 401 whatever it returns.
    """

    def __init__(
        self,
        app: Callable[..., Iterable[bytes]],
        *,
        var: Optional[str] = None,
        send_latest: bool = False,
        path: Optional[str] = None,
        pair: Optional[KeyPair] = None,
        public_paths: Sequence[str] = (),
        on_refused: Optional[Callable[[Dict[str, Any], str], Any]] = None,
    ) -> None:
        self.app = app
        self.send_latest = send_latest
        self.public_paths = tuple(public_paths)
        self.on_refused = on_refused
        self.pair = pair if pair is not None else load_pair(var, path)

    def __call__(self, environ: Dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if self.public_paths and _protocol.is_public(environ.get("PATH_INFO", ""), self.public_paths):
            return self.app(environ, start_response)
        # A WSGI server joins a repeated header into one value ("a, b"),
        # which is no key: a repeated Authorization header is refused.
        header = environ.get("HTTP_AUTHORIZATION")
        slot, reason = _protocol.check(self.pair, [header] if header is not None else [])
        if slot is None:
            if self.on_refused is not None:
                self.on_refused(environ, reason or _protocol.MISSING)
            start_response("401 Unauthorized", _protocol.refusal_headers())
            return [_protocol.REFUSED_BODY]
        environ[SLOT_KEY] = slot
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
        # getattr: a locals recorder may show a middleware whose __init__ raised.
        keys = repr(getattr(self, "pair", None) or "no keys")
        return f"SecureKeyMiddleware({keys}, send_latest={getattr(self, 'send_latest', None)})"


_OURS = {_protocol.SLOT_HEADER.lower(), _protocol.LATEST_HEADER.lower()}
