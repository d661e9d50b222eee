"""An app's typed use of the installed package, for `mypy --strict` in
test.sh: it passes only if the wheel's py.typed and annotations are there."""

from typing import List, Optional

import securekey
from securekey.asgi import SecureKeyMiddleware as AsgiMiddleware
from securekey.client import request
from securekey.fastapi import SecureKeyBearer
from securekey.httpx import SecureKeyAuth as HttpxAuth
from securekey.requests import SecureKeyAuth as RequestsAuth
from securekey.wsgi import SecureKeyMiddleware as WsgiMiddleware


def slot_of(presented: str) -> Optional[str]:
    pair: securekey.KeyPair = securekey.load_pair()
    return pair.verify(presented)


def ids() -> List[str]:
    return [key.id for key in securekey.load().pair("SECURE_KEY").keys_to_present()]


def secrets() -> List[str]:
    return securekey.secrets(build_commands=("collectstatic",))


def clients() -> List[object]:
    return [HttpxAuth(var="SECURE_KEY"), RequestsAuth(), SecureKeyBearer(send_latest=False)]


def status(url: str) -> int:
    code: int = request(url).getcode()
    return code


__all__ = ["AsgiMiddleware", "clients", "WsgiMiddleware", "ids", "secrets", "slot_of", "status"]
