"""FastAPI apps as the README writes them, for test.sh.

    middleware_app: app.add_middleware(SecureKeyMiddleware, public_paths=["/health"])
    dependency_app: per-route Depends(SecureKeyBearer()); /health and /docs public

The key file is $SECUREKEY_FILE. Imported with no key file, middleware_app
imports (Starlette builds its middleware later) and dependency_app raises.
"""

import os
import sys

from fastapi import Depends, FastAPI, Request

from securekey import SLOT_KEY
from securekey.asgi import SecureKeyMiddleware

if os.environ.get("FASTAPI_APP", "middleware") == "middleware":
    started = []
    app = FastAPI()

    @app.on_event("startup")
    def startup():
        started.append(True)
        print("the app's startup hook ran", file=sys.stderr, flush=True)

    app.add_middleware(SecureKeyMiddleware, public_paths=["/health"])

    @app.get("/")
    def root(request: Request):
        return {"slot": request.scope.get(SLOT_KEY)}

    @app.get("/health")
    def health():
        return {"ok": True}

else:
    from securekey.fastapi import SecureKeyBearer

    def refused(request, reason):
        print(f"refused {request.url.path} ({reason})", file=sys.stderr, flush=True)

    require_key = SecureKeyBearer(on_refused=refused)
    app = FastAPI()

    @app.get("/")
    def root(slot: str = Depends(require_key)):
        return {"slot": slot}

    @app.get("/health")
    def health():
        return {"ok": True}
