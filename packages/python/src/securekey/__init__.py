"""Read the key file that securekey writes at every dyno boot.

    import securekey

    pair = securekey.load_pair()          # $SECUREKEY_FILE, else .securekey/keys.json
    slot = pair.verify(presented)         # "latest", "previous" or None (constant time)
    pair.keys_to_present()                # client order: [latest, previous]
    pair.latest.id                        # the key's id; repr() and str() show only it
    SECRET_KEY, *SECRET_KEY_FALLBACKS = pair.secrets()

The middleware (securekey.wsgi, securekey.asgi) and the client helper
(securekey.client) speak the graceful-rotation protocol. Standard library only.
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
)

__version__ = "0.1.0"

__all__ = [
    "DEFAULT_PATH",
    "LATEST",
    "MAX_SIZE",
    "PREVIOUS",
    "Key",
    "KeyFile",
    "KeyFileError",
    "KeyPair",
    "default_path",
    "key_id",
    "load",
    "load_pair",
    "parse",
]
