"""A FastAPI dependency for the graceful-rotation protocol: per route, and
in the OpenAPI schema as an HTTP bearer scheme, so /docs and a health check
stay public.

    from fastapi import Depends, FastAPI
    from securekey.fastapi import SecureKeyBearer

    require_key = SecureKeyBearer()                 # reads the key file now
    app = FastAPI()

    @app.get("/api")
    def api(slot: str = Depends(require_key)): ...  # "latest" or "previous"

Refused: 401 with `WWW-Authenticate: Bearer realm="securekey"`; the
previous key: the response carries `Securekey-Slot: previous`. The key file
is read when the dependency is built, at import: without it the app does not
import, so uvicorn does not start.
"""

from __future__ import annotations

import inspect
from typing import Any, Callable, Optional

from fastapi import HTTPException, Request, Response
from fastapi.openapi.models import HTTPBearer as HTTPBearerModel
from fastapi.security.base import SecurityBase

from . import _protocol
from ._keys import KeyPair, load_pair

__all__ = ["SecureKeyBearer"]


class SecureKeyBearer(SecurityBase):
    """Depends(SecureKeyBearer()): the slot the request's key matched.

    var, send_latest, path, pair: as securekey.asgi.SecureKeyMiddleware.
    on_refused(request, reason): called (awaited if it returns an awaitable)
    for each refused request, reason "missing", "unknown" or "repeated".
    scheme_name: the scheme's name in the OpenAPI schema.
    """

    def __init__(
        self,
        *,
        var: Optional[str] = None,
        send_latest: bool = False,
        path: Optional[str] = None,
        pair: Optional[KeyPair] = None,
        on_refused: Optional[Callable[[Request, str], Any]] = None,
        scheme_name: str = "securekey",
        description: str = "A securekey key: the latest or the previous one of the pair",
    ) -> None:
        self.model = HTTPBearerModel(description=description)
        self.scheme_name = scheme_name
        self.send_latest = send_latest
        self.on_refused = on_refused
        self.pair = pair if pair is not None else load_pair(var, path)

    async def __call__(self, request: Request, response: Response) -> str:
        slot, reason = _protocol.check(self.pair, request.headers.getlist("authorization"))
        if slot is None:
            if self.on_refused is not None:
                result = self.on_refused(request, reason or _protocol.MISSING)
                if inspect.isawaitable(result):
                    await result
            raise HTTPException(
                status_code=401,
                detail=_protocol.REFUSED_BODY.decode().strip(),
                headers={"WWW-Authenticate": _protocol.CHALLENGE},
            )
        request.scope[_protocol.SLOT_KEY] = slot
        for name, value in _protocol.slot_headers(self.pair, slot, self.send_latest):
            response.headers[name] = value
        return slot

    def __repr__(self) -> str:
        return f"SecureKeyBearer({getattr(self, 'pair', None)!r})"
