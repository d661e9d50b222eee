"""A Django REST framework authentication class for the graceful-rotation
protocol.

    # settings.py (or a view's authentication_classes)
    REST_FRAMEWORK = {
        "DEFAULT_AUTHENTICATION_CLASSES": ["securekey.drf.SecureKeyAuthentication"],
        "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    }
    MIDDLEWARE = [..., "securekey.django.SlotHeaderMiddleware"]  # Securekey-Slot: previous

authenticate() returns (KeyHolder, slot): request.user is a KeyHolder
(is_authenticated, named "securekey:<var>"), request.auth the slot. No
Authorization header, or another scheme: None (the next class may try;
with none left, DRF answers 401 with this class's challenge). A bearer
token that is neither key, or a repeated header: AuthenticationFailed (401).
The var: SECUREKEY_VAR (or a subclass's `var`); the file: SECUREKEY_FILE or
the default. The file is read once per var, at the first request; read your
settings with securekey.secrets() so that the app does not start without it.
"""

from __future__ import annotations

from typing import Any, Dict, Optional, Tuple

from django.conf import settings  # type: ignore[import-untyped]
from rest_framework import authentication, exceptions  # type: ignore[import-untyped]

from . import _protocol
from ._keys import KeyPair, load_pair, shown

__all__ = ["KeyHolder", "SecureKeyAuthentication"]

_pairs: Dict[Tuple[Optional[str], Optional[str]], KeyPair] = {}


class KeyHolder:
    """The client that presented a key: not a Django user, but authenticated."""

    is_authenticated = True
    is_anonymous = False
    is_active = True
    pk = None
    id = None

    def __init__(self, var: str, slot: str) -> None:
        self.var = var
        self.slot = slot
        self.username = f"securekey:{shown(var)}"

    def __str__(self) -> str:
        return self.username

    def __repr__(self) -> str:
        return f"KeyHolder({self.username}, {self.slot})"


class SecureKeyAuthentication(authentication.BaseAuthentication):  # type: ignore[misc]
    var: Optional[str] = None

    def pair(self) -> KeyPair:
        var = self.var if self.var is not None else getattr(settings, "SECUREKEY_VAR", None)
        path = getattr(settings, "SECUREKEY_FILE", None)
        if (var, path) not in _pairs:
            _pairs[(var, path)] = load_pair(var, path)
        return _pairs[(var, path)]

    def authenticate(self, request: Any) -> Optional[Tuple[KeyHolder, str]]:
        pair = self.pair()
        header = request.META.get("HTTP_AUTHORIZATION")
        slot, reason = _protocol.check(pair, [header] if header is not None else [])
        if slot is None:
            if reason == _protocol.MISSING:
                return None
            raise exceptions.AuthenticationFailed(_protocol.REFUSED_BODY.decode().strip())
        # For SlotHeaderMiddleware, which answers with Securekey-Slot.
        request.META[_protocol.SLOT_KEY] = slot
        return KeyHolder(pair.var, slot), slot

    def authenticate_header(self, request: Any) -> str:
        return _protocol.CHALLENGE
