"""An httpx Auth for the graceful-rotation protocol, for httpx.Client and
httpx.AsyncClient alike (an async endpoint does not block on it).

    import httpx
    from securekey.httpx import SecureKeyAuth

    client = httpx.Client(auth=SecureKeyAuth())     # or pair=..., var="SERVICE_ONE_SECURE_KEY"
    client.get("https://service-one.herokuapp.com/api")

It presents the latest key; on a 401, once more with the previous key (if
there is one). httpx reads a streamed body first, so the retry resends it.
Logs (logger "securekey") name keys by id: a warning when the server reports
`Securekey-Slot: previous` or refuses both keys.
"""

from __future__ import annotations

import logging
from typing import Generator, Optional

import httpx

from . import _protocol
from ._keys import PREVIOUS, KeyPair, load_pair, shown

__all__ = ["SecureKeyAuth"]

log = logging.getLogger("securekey")


class SecureKeyAuth(httpx.Auth):
    # httpx then reads the body before the flow, so a retry can resend it.
    requires_request_body = True

    def __init__(
        self, pair: Optional[KeyPair] = None, *, var: Optional[str] = None, path: Optional[str] = None
    ) -> None:
        self.pair = pair if pair is not None else load_pair(var, path)

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        keys = self.pair.keys_to_present()
        host = request.url.host or "the server"
        var = shown(self.pair.var)
        request.headers["Authorization"] = "Bearer " + keys[0].reveal()
        response = yield request
        if response.status_code == 401 and len(keys) > 1:
            log.info("%s refused %s key %s; retrying with the previous key %s",
                     host, var, keys[0].id, keys[1].id)
            request.headers["Authorization"] = "Bearer " + keys[1].reveal()
            response = yield request
            if response.status_code == 401:
                log.warning("%s refused both %s keys", host, var)
        elif response.headers.get(_protocol.SLOT_HEADER, "").lower() == PREVIOUS:
            log.warning(
                "%s accepted %s key %s as its previous key: this app's keys are one "
                "rotation behind (a restart picks up the new pair)", host, var, keys[0].id,
            )

    def __repr__(self) -> str:
        return f"SecureKeyAuth({getattr(self, 'pair', None)!r})"
