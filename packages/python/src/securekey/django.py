"""Django middleware for the graceful-rotation protocol.

    # settings.py
    import securekey
    SECRET_KEY, *SECRET_KEY_FALLBACKS = securekey.secrets()   # collectstatic runs without keys
    MIDDLEWARE = [..., "securekey.django.SecureKeyMiddleware"]
    SECUREKEY_PUBLIC_PATHS = ["/health"]       # exact; "/static/" as a prefix
    # SECUREKEY_VAR, SECUREKEY_FILE, SECUREKEY_SEND_LATEST,
    # SECUREKEY_ON_REFUSED = "myapp.hooks.refused"   # (request, reason)

A view finds the slot in request.META["securekey.slot"] (securekey.SLOT_KEY).
With Django REST framework's per-view authentication instead
(securekey.drf.SecureKeyAuthentication), add "securekey.django.SlotHeaderMiddleware"
for the `Securekey-Slot: previous` response header.
"""

from __future__ import annotations

import inspect
from typing import Any, Callable, Optional

from django.conf import settings  # type: ignore[import-untyped]
from django.http import HttpRequest, HttpResponse  # type: ignore[import-untyped]
from django.utils.module_loading import import_string  # type: ignore[import-untyped]

from . import _protocol
from ._keys import PREVIOUS, KeyPair, load_pair

__all__ = ["SecureKeyMiddleware", "SlotHeaderMiddleware"]


def _setting(name: str, default: Any = None) -> Any:
    return getattr(settings, name, default)


def _mark_previous(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    if request.META.get(_protocol.SLOT_KEY) == PREVIOUS:
        response[_protocol.SLOT_HEADER] = PREVIOUS
    return response


class SlotHeaderMiddleware:
    """Adds `Securekey-Slot: previous` when the request's key was the
    previous one (as securekey.drf.SecureKeyAuthentication records it)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return _mark_previous(request, self.get_response(request))


class SecureKeyMiddleware:
    """Accepts the latest or previous key of one pair, refuses the rest with
    401, except on SECUREKEY_PUBLIC_PATHS. The key file is read when Django
    builds its middleware (at the server's start); a missing or bad file
    raises KeyFileError."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        pair: Optional[KeyPair] = _setting("SECUREKEY_PAIR")
        self.pair = pair if pair is not None else load_pair(_setting("SECUREKEY_VAR"), _setting("SECUREKEY_FILE"))
        self.public_paths = tuple(_setting("SECUREKEY_PUBLIC_PATHS", ()))
        self.send_latest = bool(_setting("SECUREKEY_SEND_LATEST", False))
        hook = _setting("SECUREKEY_ON_REFUSED")
        self.on_refused = import_string(hook) if isinstance(hook, str) else hook

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _protocol.is_public(request.path_info, self.public_paths):
            return _mark_previous(request, self.get_response(request))
        # Django joins a repeated header into one value: it is no key.
        header = request.META.get("HTTP_AUTHORIZATION")
        slot, reason = _protocol.check(self.pair, [header] if header is not None else [])
        if slot is None:
            if self.on_refused is not None:
                result = self.on_refused(request, reason or _protocol.MISSING)
                if inspect.isawaitable(result):  # pragma: no cover - a sync middleware
                    raise TypeError("SECUREKEY_ON_REFUSED must be a plain function")
            response = HttpResponse(_protocol.REFUSED_BODY, status=401,
                                    content_type="text/plain; charset=utf-8")
            response["WWW-Authenticate"] = _protocol.CHALLENGE
            return response
        request.META[_protocol.SLOT_KEY] = slot
        response = self.get_response(request)
        for name, value in _protocol.slot_headers(self.pair, slot, self.send_latest):
            response[name] = value
        return response

    def __repr__(self) -> str:
        return f"SecureKeyMiddleware({getattr(self, 'pair', None)!r})"
