"""The ASGI middleware on a WebSocket handshake, under uvicorn, for test.sh.

    python ws_check.py BASE_WS_URL KEY_FILES_DIR

The server holds SECURE_KEY = A,B. Client: the websockets library (PyPI).
Prints `ok - ...` / `not ok - ...`. Never prints a key.
"""

import sys

from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

import securekey

base, keys = sys.argv[1:]
server = securekey.load_pair(path=f"{keys}/server.json")
latest, previous = server.secrets()
failed = 0


def check(name, good, detail):
    global failed
    if good:
        print(f"ok - uvicorn (ASGI): websocket: {name}")
    else:
        failed += 1
        print(f"not ok - uvicorn (ASGI): websocket: {name}")
        print(f"#   {detail}")


def handshake(path, key):
    """(status, first message, Securekey-Slot, whether Securekey-Latest is the latest key)."""
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    try:
        with connect(base + path, additional_headers=headers) as ws:
            h = ws.response.headers
            return 101, ws.recv(), h.get("Securekey-Slot"), h.get("Securekey-Latest") == latest
    except InvalidStatus as e:
        return e.response.status_code, None, e.response.headers.get("Securekey-Slot"), False


got = handshake("/", latest)
check("the latest key: accepted, the app sees latest", got == (101, "slot=latest", None, False), f"got {got}")
got = handshake("/", previous)
check("the previous key: accepted with Securekey-Slot: previous", got == (101, "slot=previous", "previous", False),
      f"got {got}")
got = handshake("/send-latest", previous)
check("send_latest: the previous key gets Securekey-Latest", got == (101, "slot=previous", "previous", True),
      f"got {got}")
unknown = securekey.load_pair(path=f"{keys}/client-du.json").latest.reveal()
got = handshake("/", unknown)
check("an unknown key: refused before accept (403)", got[0] == 403 and got[1] is None, f"status {got[0]}")
got = handshake("/", None)
check("no Authorization header: refused before accept (403)", got[0] == 403, f"status {got[0]}")

sys.exit(1 if failed else 0)
