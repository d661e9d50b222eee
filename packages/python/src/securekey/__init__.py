"""Read the key file that securekey writes at every dyno boot.

    import securekey

    pair = securekey.load_pair()          # $SECUREKEY_FILE, else .securekey/keys.json
    slot = pair.verify(presented)         # "latest", "previous" or None (constant time)
    pair.keys_to_present()                # client order: [latest, previous]
    pair.latest.id                        # the key's id; repr() and str() show only it
    SECRET_KEY, *SECRET_KEY_FALLBACKS = securekey.secrets()   # collectstatic runs without keys

The middleware (securekey.wsgi, securekey.asgi, securekey.django), the
FastAPI dependency (securekey.fastapi), the DRF authentication class
(securekey.drf) and the clients (securekey.client on urllib, securekey.httpx,
securekey.requests) speak the graceful-rotation protocol. Standard library
only, except the framework each integration plugs into.
"""

from ._keys import (
    DEFAULT_PATH,
    LATEST,
    MAX_SIZE,
    PREVIOUS,
    Key,
    KeyFile,
    KeyFileError,
    KeyPair,
    default_path,
    key_id,
    load,
    load_pair,
    parse,
    secrets,
)
from ._protocol import SLOT_KEY

__version__ = "0.1.0"

__all__ = [
    "DEFAULT_PATH",
    "LATEST",
    "MAX_SIZE",
    "PREVIOUS",
    "SLOT_KEY",
    "Key",
    "KeyFile",
    "KeyFileError",
    "KeyPair",
    "default_path",
    "key_id",
    "load",
    "load_pair",
    "parse",
    "secrets",
]
