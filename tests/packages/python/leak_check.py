"""Nothing the installed package raises or prints holds a key, for test.sh.

    python leak_check.py KEY_FILES_DIR WORK_DIR

KEY_FILES_DIR/server.json holds the keys (SECURE_KEY = A,B, OTHER = C,D);
WORK_DIR gets the bad key files made from it. Two probes:

- every raise the package makes on a bad key file or a bad value: each
  frame of the traceback that runs package code (and of every exception
  chained to it, suppressed or not), each local's repr, and str/bytes/dict/
  list/tuple values inside it, recursively, hold no 8 chars of any key (as
  Sentry, rich and Django's debug page record them);
- repr, str, format, json.dumps, pickle, copy, vars() and __getstate__ of
  Key, KeyPair and KeyFile show ids only, or refuse.

Prints `ok - ...` / `not ok - ...`; never a key.
"""

import copy
import json
import logging
import os
import pickle
import pprint
import sys

import securekey
from securekey import wsgi

keys_dir, work = sys.argv[1:]
PACKAGE = os.path.dirname(os.path.abspath(securekey.__file__)) + os.sep
with open(f"{keys_dir}/server.json", "rb") as f:
    GOOD = f.read()
doc = json.loads(GOOD)
SECRETS = [e[s] for e in doc["keys"].values() for s in ("latest", "previous")]
WINDOWS = {k[i:i + 8].lower() for k in SECRETS for i in range(len(k) - 7)}
A = doc["keys"]["SECURE_KEY"]["latest"]
failed = 0


def check(name, good, detail="it did not hold"):
    global failed
    if good:
        print(f"ok - leaks: {name}")
    else:
        failed += 1
        print(f"not ok - leaks: {name}")
        print(f"#   {detail}")


def leaks(text):
    folded = text.lower()
    return any(w in folded for w in WINDOWS)


def values_of(value, depth=0):
    """The texts a locals recorder shows for a value: its repr, and what the
    str/bytes/dict/list/tuple it holds hold."""
    try:
        yield repr(value)
    except Exception as e:  # a half-built object: its repr's failure is shown
        yield f"<repr failed: {type(e).__name__}: {e}>"
    if depth > 20:
        return
    if isinstance(value, (bytes, bytearray)):
        yield bytes(value).decode("latin-1")
    elif isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from values_of(k, depth + 1)
            yield from values_of(v, depth + 1)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for v in value:
            yield from values_of(v, depth + 1)


def chain(exc, seen=None):
    seen = seen if seen is not None else set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        if exc.__cause__ is not None:
            yield from chain(exc.__cause__, seen)
        exc = exc.__context__  # suppressed or not: Sentry may still walk it


def leaking_locals(exc):
    """(function, local) of each package frame whose local holds a key."""
    found, frames = [], 0
    for e in chain(exc):
        if any(leaks(t) for t in [str(e)] + [a for a in e.args if isinstance(a, str)]):
            found.append(("the message", type(e).__name__))
        tb = e.__traceback__
        while tb is not None:
            frame = tb.tb_frame
            if frame.f_code.co_filename.startswith(PACKAGE):
                frames += 1
                for name, value in frame.f_locals.items():
                    if any(leaks(t) for t in values_of(value)):
                        found.append((frame.f_code.co_name, name))
            tb = tb.tb_next
    return found, frames


def bad(name, content):
    path = f"{work}/{name}.json"
    with open(path, "wb") as f:
        f.write(content)
    return path


text = GOOD.decode()
a_entry = doc["keys"]["SECURE_KEY"]
files = {
    "an id that does not match its key (tampered)": bad(
        "tampered", text.replace(a_entry["latest_id"], "00000000").encode()),
    "a key in lower case": bad("lower", text.replace(A, A.lower()).encode()),
    "a key one char short": bad("short", text.replace(A, A[:-1]).encode()),
    "a file cut off after a key": bad("cut", GOOD[: GOOD.index(A.encode()) + 64]),
    "a file that is not UTF-8": bad("latin1", GOOD + b"\xff"),
    "NaN next to the keys": bad("nan", text.replace('"version":1', '"version":NaN').encode()),
    "a lone surrogate next to the keys": bad("surrogate", text.replace('"version":1', '"x":"\\ud800","version":1').encode()),
    "version 2": bad("v2", text.replace('"version":1', '"version":2').encode()),
    "a key where an entry belongs": bad("flat", json.dumps({"version": 1, "keys": {"SECURE_KEY": A}}).encode()),
    "keys as a list of keys": bad("list", json.dumps({"version": 1, "keys": [A]}).encode()),
    "previous null, previous_id set": bad("null", json.dumps({"version": 1, "keys": {"SECURE_KEY": {
        "latest": A, "latest_id": a_entry["latest_id"], "previous": None, "previous_id": "00000000"}}}).encode()),
    "nesting too deep around a key": bad("deep", ("[" * 200 + json.dumps(A) + "]" * 200).encode()),
    "a file over 1 MiB holding a key": bad("big", GOOD + b" " * (1024 * 1024) + A.encode()),
}


def app(environ, start_response):
    start_response("200 OK", [])
    return [b""]


good_file = securekey.load(f"{keys_dir}/server.json")
raisers = []
for what, path in files.items():
    raisers += [
        (f"load: {what}", lambda p=path: securekey.load(p)),
        (f"load_pair: {what}", lambda p=path: securekey.load_pair(path=p)),
        (f"secrets: {what}", lambda p=path: securekey.secrets(path=p)),
        (f"the WSGI middleware: {what}", lambda p=path: wsgi.SecureKeyMiddleware(app, path=p)),
    ]
    with open(path, "rb") as f:
        content = f.read()
    raisers.append((f"parse: {what}", lambda c=content: securekey.parse(c)))
raisers += [
    ("KeyFile.pair: a key pasted as the var", lambda: good_file.pair(A)),
    ("load_pair: a key pasted as the var", lambda: securekey.load_pair(A, f"{keys_dir}/server.json")),
    ("verify: a list holding a key", lambda: good_file.pair().verify([A])),
]

for name, fn in raisers:
    try:
        fn()
    except (securekey.KeyFileError, TypeError) as e:
        found, frames = leaking_locals(e)
        check(f"{name}: no key in the message or in the locals of its {frames} package frame(s)",
              not found, f"key material in {found}")
    else:
        check(f"{name}: raises", False, "nothing was raised")

# The ASGI middleware keeps the message only, never raises from construction.
from securekey import asgi  # noqa: E402

mw = asgi.SecureKeyMiddleware(app, path=files["an id that does not match its key (tampered)"])
check("the ASGI middleware keeps a bad file's message (no traceback), with no key in it",
      isinstance(mw.error, str) and not leaks(mw.error) and not leaks(repr(mw)) and mw.pair is None,
      f"error kept: {type(mw.error).__name__}")

# --- every way to print or copy a key object -----------------------------------

pair = good_file.pair()
objects = {"Key": pair.latest, "KeyPair": pair, "KeyFile": good_file}


def shows(how, fn):
    """What fn prints (or the refusal's message): (text, refused)."""
    try:
        return str(fn()), False
    except (TypeError, ValueError, AttributeError, pickle.PicklingError) as e:
        return f"{type(e).__name__}: {e}", True


logging.basicConfig(stream=sys.stdout, format="# %(message)s", level=logging.CRITICAL)
for kind, obj in objects.items():
    probes = {
        "repr": lambda: repr(obj),
        "str": lambda: str(obj),
        "format": lambda: format(obj),
        "an f-string": lambda: f"{obj} {obj!r} {obj!s}",
        "%-formatting": lambda: "%s %r" % (obj, obj),
        "pprint": lambda: pprint.pformat({"k": [obj]}),
        "json.dumps default=str": lambda: json.dumps({"k": [obj]}, default=str),
        "copy.copy": lambda: repr(copy.copy(obj)),
        "copy.deepcopy": lambda: repr(copy.deepcopy({"k": obj})),
    }
    refusals = {
        "json.dumps": lambda: json.dumps(obj),
        "vars()": lambda: vars(obj),
        "__getstate__": lambda: obj.__getstate__(),
        "__reduce_ex__": lambda: obj.__reduce_ex__(2),
    }
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        refusals[f"pickle protocol {protocol}"] = lambda p=protocol: pickle.dumps(obj, protocol=p)
    for how, fn in probes.items():
        out, refused = shows(how, fn)
        check(f"{kind}: {how} shows ids only", not refused and not leaks(out),
              "refused" if refused else "key material shown")
    for how, fn in refusals.items():
        out, refused = shows(how, fn)
        check(f"{kind}: {how} refuses, naming no key", refused and not leaks(out),
              "it did not refuse" if not refused else "key material in the refusal")
check("Key: copy.copy is the same key (it still reveals, nothing printed)",
      copy.copy(pair.latest) is pair.latest and copy.deepcopy(pair).latest is pair.latest)
check("KeyPair: a copy verifies as the original", copy.copy(pair).verify(A) == "latest")

sys.exit(1 if failed else 0)
