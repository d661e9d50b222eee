"""The package's own client (securekey.client.request) against a server of
servers.py, for test.sh.

    python client_check.py SERVER_NAME BASE_URL KEY_FILES_DIR LOG_FILE

The server holds SECURE_KEY = A,B. The client's key files in KEY_FILES_DIR
name the client's own pair. Prints `ok - ...` / `not ok - ...`; the
securekey logger goes to LOG_FILE (test.sh checks it for key material).
Never prints a key.
"""

import logging
import sys
import urllib.request

import securekey
from securekey.client import request

server, base, keys, log_file = sys.argv[1:]
logging.basicConfig(filename=log_file, level=logging.INFO, format="%(name)s: %(levelname)s %(message)s")
failed = 0


def check(name, good, detail):
    global failed
    if good:
        print(f"ok - {server}: client: {name}")
    else:
        failed += 1
        print(f"not ok - {server}: client: {name}")
        print(f"#   {detail}")


def count():
    with urllib.request.urlopen(f"{base}/count") as r:
        return int(r.read())


def call(pair_file, path="/"):
    pair = securekey.load_pair(path=f"{keys}/{pair_file}.json")
    before = count()
    response = request(base + path, pair)
    status, slot_header = response.getcode(), response.headers.get("Securekey-Slot")
    body = response.read().decode()
    response.close()
    return status, body, slot_header, count() - before


def log_text():
    with open(log_file) as f:
        return f.read()


got = call("client-ab")
check("the latest key: 200 at the first request", got == (200, "slot=latest", None, 1),
      f"status, body, slot header, requests: {got}")

got = call("client-ca")
check("client rotated first (C,A): 401, then the previous key A: 200, two requests",
      got == (200, "slot=latest", None, 2), f"status, body, slot header, requests: {got}")

got = call("client-bd")
check("client one rotation behind (B,D): 200 with Securekey-Slot: previous",
      got == (200, "slot=previous", "previous", 1), f"status, body, slot header, requests: {got}")
bd = securekey.load_pair(path=f"{keys}/client-bd.json")
check("that is logged, naming the key by its id", f"key {bd.latest.id} as its previous key" in log_text(),
      "no such warning in the log")

got = call("client-du")
check("neither key known (D,U): the final 401 is returned, not raised, after exactly two requests",
      got[0] == 401 and got[3] == 2, f"status and requests: {got[0]}, {got[3]}")

got = call("client-new")
check("no previous key (the add-on's NEW,): one request, 401", got[0] == 401 and got[3] == 1,
      f"status and requests: {got[0]}, {got[3]}")

# A Request object, with a body: the retry sends the same body again.
pair = securekey.load_pair(path=f"{keys}/client-ca.json")
req = urllib.request.Request(base + "/", data=b"payload", method="POST")
response = request(req, pair)
check("a POST Request with a body is retried with the same body", response.getcode() == 200,
      f"status {response.getcode()}")
response.close()

check("no log line carries the prefix twice (securekey: securekey:)",
      "securekey: securekey:" not in log_text() and "securekey: INFO" in log_text(), "a doubled prefix")

sys.exit(1 if failed else 0)
