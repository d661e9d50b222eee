"""The graceful-rotation protocol's wire details, shared by the WSGI and ASGI
middleware and the client: one place that says which header carries what."""

from __future__ import annotations

from typing import Iterable, List, Optional, Tuple

from ._keys import PREVIOUS, KeyPair

# The client presents its key as a bearer token: loggers, proxies and APM
# tools already treat Authorization as a secret and redact it.
SCHEME = "bearer"
CHALLENGE = 'Bearer realm="securekey"'
SLOT_HEADER = "Securekey-Slot"
# Where every integration tells the app which slot matched: the WSGI environ,
# the ASGI scope and Django's request.META all use this one name.
SLOT_KEY = "securekey.slot"
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


# Why a request was refused, as an on_refused hook is told.
MISSING = "missing"  # no Authorization header, or another scheme
UNKNOWN = "unknown"  # a bearer token that is neither key
REPEATED = "repeated"  # more than one Authorization header


def check(
    pair: KeyPair, values: List[str]
) -> Tuple[Optional[str], Optional[str]]:
    """(slot, None) for an accepted request, (None, reason) for a refused one,
    from the request's Authorization header values (a list: a header sent
    twice is refused, whichever copy holds a key)."""
    # A WSGI server, Django and most proxies join a repeated header into one
    # value ("a, b"); a comma is in no bearer token (RFC 6750's b64token).
    if len(values) > 1 or any("," in value for value in values):
        return None, REPEATED
    token = bearer_token(values[0] if values else None)
    if token is None:
        return None, MISSING
    slot = pair.verify(token)
    return (slot, None) if slot is not None else (None, UNKNOWN)


def is_public(path: str, public_paths: Iterable[str]) -> bool:
    """Whether a request path skips the key check. A public path matches
    exactly ("/health"), or as a prefix when it ends with "/" ("/static/");
    a prefix never matches a path with a "." or ".." segment, which a
    router or a proxy could resolve to somewhere else."""
    for public in public_paths:
        if path == public:
            return True
        if public.endswith("/") and path.startswith(public):
            if not any(part in (".", "..") for part in path.split("/")):
                return True
    return False


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
