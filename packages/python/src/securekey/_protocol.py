"""The graceful-rotation protocol's wire details, shared by the WSGI and ASGI
middleware and the client: one place that says which header carries what."""

from __future__ import annotations

from typing import List, Optional, Tuple

from ._keys import PREVIOUS, KeyPair

# The client presents its key as a bearer token: loggers, proxies and APM
# tools already treat Authorization as a secret and redact it.
SCHEME = "bearer"
CHALLENGE = 'Bearer realm="securekey"'
SLOT_HEADER = "Securekey-Slot"
LATEST_HEADER = "Securekey-Latest"
# Never echoes what was presented.
REFUSED_BODY = b"securekey: a valid key is required (Authorization: Bearer <key>)\n"


def bearer_token(value: Optional[str]) -> Optional[str]:
    """The token of an `Authorization: Bearer <token>` value, else None.

    The scheme is case-insensitive (RFC 9110 11.1); the token is what
    follows the spaces after it, with trailing spaces or tabs dropped.
    """
    if not value:
        return None
    scheme, _, token = value.partition(" ")
    if scheme.lower() != SCHEME:
        return None
    token = token.strip(" \t")
    return token or None


def refusal_headers() -> List[Tuple[str, str]]:
    return [
        ("Content-Type", "text/plain; charset=utf-8"),
        ("Content-Length", str(len(REFUSED_BODY))),
        ("WWW-Authenticate", CHALLENGE),
    ]


def slot_headers(pair: KeyPair, slot: str, send_latest: bool) -> List[Tuple[str, str]]:
    """The headers a response carries for the slot that matched: nothing for
    the latest key; Securekey-Slot for the previous one, and the latest key
    itself only when the app opted in (it hands the new key to whoever holds
    the old one, so a leaked previous key would outlive its rotation)."""
    if slot != PREVIOUS:
        return []
    headers = [(SLOT_HEADER, PREVIOUS)]
    if send_latest:
        headers.append((LATEST_HEADER, pair.latest.reveal()))
    return headers
