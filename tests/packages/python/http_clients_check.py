"""securekey.httpx (sync and async) and securekey.requests against a server
of servers.py (SECURE_KEY = A,B), for test.sh.

    python http_clients_check.py BASE_URL KEY_FILES_DIR LOG_FILE

The key files in KEY_FILES_DIR are the client's own pair. Prints `ok - ...`
/ `not ok - ...`; the securekey logger goes to LOG_FILE, formatted as
"%(name)s: %(levelname)s %(message)s" (test.sh checks it for key material).
"""

import asyncio
import logging
import sys
import urllib.request

import httpx
import requests

import securekey
from securekey.httpx import SecureKeyAuth as HttpxAuth
from securekey.requests import SecureKeyAuth as RequestsAuth

base, keys, log_file = sys.argv[1:]
logging.basicConfig(filename=log_file, level=logging.INFO, format="%(name)s: %(levelname)s %(message)s")
failed = 0


def check(name, good, detail):
    global failed
    print(f"{'ok' if good else 'not ok'} - {name}")
    if not good:
        failed += 1
        print(f"#   {detail}")


def count():
    with urllib.request.urlopen(f"{base}/count") as r:
        return int(r.read())


def pair(name):
    return securekey.load_pair(path=f"{keys}/{name}.json")


def log_text():
    with open(log_file) as f:
        return f.read()


def with_httpx(name, method="GET", body=None):
    with httpx.Client(auth=HttpxAuth(pair(name))) as client:
        r = client.request(method, base + "/", content=body)
        return r.status_code, r.text, r.headers.get("securekey-slot")


async def with_async_httpx(name, method="GET", body=None):
    async with httpx.AsyncClient(auth=HttpxAuth(pair(name))) as client:
        r = await client.request(method, base + "/", content=body)
        return r.status_code, r.text, r.headers.get("securekey-slot")


def with_requests(name, method="GET", body=None):
    with requests.Session() as session:
        session.auth = RequestsAuth(pair(name))
        r = session.request(method, base + "/", data=body)
        return r.status_code, r.text, r.headers.get("securekey-slot")


clients = {
    "httpx": with_httpx,
    "httpx async": lambda *a: asyncio.run(with_async_httpx(*a)),
    "requests": with_requests,
}
for client, call in clients.items():
    def counted(*args):
        before = count()
        got = call(*args)
        return got + (count() - before,)

    got = counted("client-ab")
    check(f"{client}: the latest key: 200 at the first request", got == (200, "slot=latest", None, 1), got)
    got = counted("client-ca")
    check(f"{client}: client rotated first (C,A): 401, then the previous key A: 200, two requests",
          got == (200, "slot=latest", None, 2), got)
    before_log = log_text()
    got = counted("client-bd")
    check(f"{client}: one rotation behind (B,D): 200 with Securekey-Slot: previous",
          got == (200, "slot=previous", "previous", 1), got)
    warned = log_text()[len(before_log):]
    check(f"{client}: that is a warning naming the key by its id",
          f"securekey: WARNING 127.0.0.1 accepted SECURE_KEY key {pair('client-bd').latest.id} as its previous key"
          in warned, "no such warning in the log")
    got = counted("client-du")
    check(f"{client}: neither key known (D,U): the final 401 after exactly two requests",
          got[0] == 401 and got[3] == 2, got)
    got = counted("client-new")
    check(f"{client}: no previous key (the add-on's NEW,): one request, 401", got[0] == 401 and got[3] == 1, got)
    got = counted("client-ca", "POST", b"payload")
    check(f"{client}: a POST with a body is retried with the previous key: 200", got[0] == 200 and got[3] == 2, got)


def stream():
    yield b"pay"
    yield b"load"


before = count()
with requests.Session() as session:
    session.auth = RequestsAuth(pair("client-ca"))
    r = session.post(base + "/", data=stream())
check("requests: a streamed body is not retried (it cannot be sent twice): one request, 401, logged",
      (r.status_code, count() - before) == (401, 1) and "not retried with the previous key" in log_text(),
      (r.status_code, count() - before))
before = count()
with httpx.Client(auth=HttpxAuth(pair("client-ca"))) as client:
    r = client.post(base + "/", content=stream())
check("httpx: a streamed body is read first, so the retry resends it: 200, two requests",
      (r.status_code, count() - before) == (200, 2), (r.status_code, count() - before))
check("no log line carries the prefix twice (securekey: securekey:)",
      "securekey: securekey:" not in log_text() and "securekey: INFO" in log_text(), "a doubled prefix")

sys.exit(1 if failed else 0)
