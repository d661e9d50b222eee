"""The client side of the graceful-rotation protocol, on urllib.

    from securekey.client import request
    response = request("https://service-one.example/api", pair)   # or var=...
    response.status, response.read()

It presents the latest key; on a 401 it retries once with the previous key
(the server's dynos may not have restarted since the rotation). The caller
gets the final response whatever its status: an HTTP error is returned (the
urllib.error.HTTPError, which is a response), not raised. Network errors
raise as urllib raises them. Keys never reach a log: the log names them by id.
"""

from __future__ import annotations

import logging
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Mapping, Optional, Union

from . import _protocol
from ._keys import Key, KeyPair, load_pair, shown

__all__ = ["request"]

log = logging.getLogger("securekey")


def _attempt(req: urllib.request.Request, key: Key, opener: Any, timeout: Optional[float]) -> Any:
    # Unredirected: a redirect to another host does not carry the key there.
    # The key text goes straight into the header: no local of a frame holds
    # it when the network raises.
    req.add_unredirected_header("Authorization", "Bearer " + key.reveal())
    try:
        if timeout is None:
            return opener.open(req)
        return opener.open(req, timeout=timeout)
    except urllib.error.HTTPError as response:
        return response


def request(
    url: Union[str, urllib.request.Request],
    pair: Optional[KeyPair] = None,
    *,
    var: Optional[str] = None,
    path: Optional[str] = None,
    method: Optional[str] = None,
    data: Optional[bytes] = None,
    headers: Optional[Mapping[str, str]] = None,
    timeout: Optional[float] = None,
    opener: Any = None,
) -> Any:
    """Send a request with the pair's latest key; on a 401, once more with its
    previous key (if it has one). Returns the final response.

    pair: the keys to present (default: the key file's pair for var). data
    must be bytes (or None) so that the retry can send it again.
    """
    if pair is None:
        pair = load_pair(var, path)
    if isinstance(url, urllib.request.Request):
        req = url
    else:
        req = urllib.request.Request(url, data=data, headers=dict(headers or {}), method=method)
    if req.data is not None and not isinstance(req.data, (bytes, bytearray)):
        raise TypeError("securekey.client.request: data must be bytes, so the retry can resend it")
    opener = opener or urllib.request.build_opener()
    keys = pair.keys_to_present()
    # The host alone: a URL's userinfo (user:password@) stays out of the log.
    host = urllib.parse.urlsplit(req.full_url).hostname or "the server"
    response = _attempt(req, keys[0], opener, timeout)
    if response.getcode() == 401 and len(keys) > 1:
        log.info(
            "%s refused %s key %s; retrying with the previous key %s",
            host, shown(pair.var), keys[0].id, keys[1].id,
        )
        response.close()
        response = _attempt(req, keys[1], opener, timeout)
        if response.getcode() == 401:
            log.warning("%s refused both %s keys", host, shown(pair.var))
    elif response.headers.get(_protocol.SLOT_HEADER, "").lower() == "previous":
        # The server has rotated and we have not: our latest is its previous.
        # Both sides get the new pair at their next boot.
        log.warning(
            "%s accepted %s key %s as its previous key: this app's keys "
            "are one rotation behind (a restart picks up the new pair)",
            host, shown(pair.var), keys[0].id,
        )
    return response
