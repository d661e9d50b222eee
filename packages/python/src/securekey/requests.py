"""A requests AuthBase for the graceful-rotation protocol.

    import requests
    from securekey.requests import SecureKeyAuth

    session = requests.Session()
    session.auth = SecureKeyAuth()                  # or pair=..., var="SERVICE_ONE_SECURE_KEY"
    session.get("https://service-one.herokuapp.com/api")

It presents the latest key; on a 401 it resends the request once with the
previous key (if there is one), from a response hook, when the body can be
sent again (none, bytes or str; a file or a generator is not retried, and
that is logged). Logs (logger "securekey") name keys by id: a warning when
the server reports `Securekey-Slot: previous` or refuses both keys.
"""

from __future__ import annotations

import logging
import urllib.parse
from typing import Any, Optional

import requests
from requests.auth import AuthBase

from . import _protocol
from ._keys import PREVIOUS, KeyPair, load_pair, shown

__all__ = ["SecureKeyAuth"]

log = logging.getLogger("securekey")


def _host(request: Any) -> str:
    return urllib.parse.urlsplit(str(request.url)).hostname or "the server"


class SecureKeyAuth(AuthBase):
    def __init__(
        self, pair: Optional[KeyPair] = None, *, var: Optional[str] = None, path: Optional[str] = None
    ) -> None:
        self.pair = pair if pair is not None else load_pair(var, path)

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = "Bearer " + self.pair.latest.reveal()
        request.register_hook("response", self._after)
        return request

    def _warn_if_behind(self, response: requests.Response) -> None:
        if response.headers.get(_protocol.SLOT_HEADER, "").lower() == PREVIOUS:
            log.warning(
                "%s accepted %s key %s as its previous key: this app's keys are one "
                "rotation behind (a restart picks up the new pair)",
                _host(response.request), shown(self.pair.var), self.pair.latest.id,
            )

    def _after(self, response: requests.Response, **kwargs: Any) -> requests.Response:
        previous = self.pair.previous
        if response.status_code != 401 or previous is None:
            self._warn_if_behind(response)
            return response
        request = response.request
        host, var = _host(request), shown(self.pair.var)
        if request.body is not None and not isinstance(request.body, (bytes, str)):
            log.warning("%s refused %s key %s; not retried with the previous key: the "
                        "body is a stream that cannot be sent twice", host, var, self.pair.latest.id)
            return response
        log.info("%s refused %s key %s; retrying with the previous key %s",
                 host, var, self.pair.latest.id, previous.id)
        response.content  # read it all, so the connection can be reused
        response.close()
        retry = request.copy()
        # The retry is not hooked again: once, not a loop.
        retry.hooks["response"] = [h for h in retry.hooks["response"] if h != self._after]
        retry.headers["Authorization"] = "Bearer " + previous.reveal()
        final = response.connection.send(retry, **kwargs)
        final.history.append(response)
        final.request = retry
        if final.status_code == 401:
            log.warning("%s refused both %s keys", host, var)
        else:
            self._warn_if_behind(final)
        return final

    def __repr__(self) -> str:
        return f"SecureKeyAuth({getattr(self, 'pair', None)!r})"
