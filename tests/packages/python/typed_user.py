"""An app's typed use of the installed package, for `mypy --strict` in
test.sh: it passes only if the wheel's py.typed and annotations are there."""

from typing import List, Optional

import securekey
from securekey.asgi import SecureKeyMiddleware as AsgiMiddleware
from securekey.client import request
from securekey.wsgi import SecureKeyMiddleware as WsgiMiddleware


def slot_of(presented: str) -> Optional[str]:
    pair: securekey.KeyPair = securekey.load_pair()
    return pair.verify(presented)


def ids() -> List[str]:
    return [key.id for key in securekey.load().pair("SECURE_KEY").keys_to_present()]


def secrets() -> List[str]:
    return securekey.load_pair().secrets()


def status(url: str) -> int:
    code: int = request(url).getcode()
    return code


__all__ = ["AsgiMiddleware", "WsgiMiddleware", "ids", "secrets", "slot_of", "status"]
