"""The installed package's public face, for test.sh (run in the clean venv
from outside the source tree).

    python api_check.py KEY_FILES_DIR

KEY_FILES_DIR holds server.json (SECURE_KEY = A,B and OTHER_SECURE_KEY =
C,D), two-vars.json (no SECURE_KEY, two others), one-var.json (one var
that is not SECURE_KEY) and client-new.json (previous null). Prints
`ok - ...` / `not ok - ...`. Never prints a key.
"""

import os
import pickle
import sys

import securekey
from securekey import KeyFileError

keys = sys.argv[1]
failed = 0


def check(name, good, detail="it did not hold"):
    global failed
    if good:
        print(f"ok - api: {name}")
    else:
        failed += 1
        print(f"not ok - api: {name}")
        print(f"#   {detail}")


def error_of(fn):
    try:
        fn()
    except KeyFileError as e:
        return str(e)
    return None


here = os.path.dirname(os.path.abspath(__file__))
check("imported from the installed wheel, not a source tree",
      "site-packages" in securekey.__file__ and not securekey.__file__.startswith(here),
      f"imported from {securekey.__file__}")
check("version 0.1.0", securekey.__version__ == "0.1.0", f"version {securekey.__version__}")

kf = securekey.load(f"{keys}/server.json")
pair = kf.pair()
a_id, b_id = pair.latest.id, pair.previous.id
check("the default var is SECURE_KEY when the file has it", pair.var == "SECURE_KEY")
check("vars", kf.vars == ["OTHER_SECURE_KEY", "SECURE_KEY"], f"vars {kf.vars}")
latest, previous = pair.secrets()
check("verify: latest, previous, None",
      (pair.verify(latest), pair.verify(previous.encode()), pair.verify(previous.lower()), pair.verify(None))
      == ("latest", "previous", None, None))
check("client order: latest, then previous",
      [k.id for k in pair.keys_to_present()] == [a_id, b_id])
shown = [repr(pair), str(pair), repr(kf), repr(pair.latest), str(pair.latest), f"{pair.latest}",
         repr(pair.keys_to_present())]
check("repr and str show ids, never a key",
      all(latest not in s and previous not in s for s in shown) and str(pair.latest) == a_id
      and repr(pair.latest) == f"Key(id={a_id})",
      "a key, or no id, in repr or str")
try:
    pickle.dumps(pair.latest)
    check("a Key refuses to be pickled", False, "it pickled")
except TypeError:
    check("a Key refuses to be pickled", True)
check("Key equality", pair.latest == securekey.load(f"{keys}/server.json").pair().latest
      and pair.latest != pair.previous)
check("the only var is the default when there is no SECURE_KEY",
      securekey.load(f"{keys}/one-var.json").pair().var == "SERVICE_ONE_SECURE_KEY")
message = error_of(lambda: securekey.load(f"{keys}/two-vars.json").pair())
check("two vars and no SECURE_KEY: an error that names them and how to choose",
      message is not None and "var=" in message and "SERVICE_ONE_SECURE_KEY" in message, f"error {message!r}")
message = error_of(lambda: kf.pair("NOPE_KEY"))
check("a var not in the file", message is not None and "NOPE_KEY" in message, f"error {message!r}")
message = error_of(lambda: kf.pair(latest))
check("a key pasted as a var name is not shown",
      message is not None and latest not in message and latest[:8] not in message, "the key is in the error")
new = securekey.load_pair(path=f"{keys}/client-new.json")
check("NEW, (previous null): one key to present, previous_id None",
      len(new.keys_to_present()) == 1 and new.previous is None and new.previous_id is None)

old = os.getcwd()
os.chdir(keys)
os.environ.pop("SECUREKEY_FILE", None)
message = error_of(securekey.load)
check("no key file: the default path under the working directory, and the fix",
      message is not None and message.startswith("no key file at .securekey/keys.json: run `securekey write`")
      and "SECUREKEY_FILE" in message, f"error {message!r}")
os.environ["SECUREKEY_FILE"] = ""
check("an empty SECUREKEY_FILE is the default path", securekey.default_path() == ".securekey/keys.json")
os.environ["SECUREKEY_FILE"] = f"{keys}/server.json"
check("SECUREKEY_FILE names the file", securekey.load_pair().latest.id == a_id)
os.chdir(old)

fifo = f"{keys}/fifo.json"
os.mkfifo(fifo)
message = error_of(lambda: securekey.load(fifo))
check("a FIFO is refused, without blocking", message is not None and "a FIFO, not a regular file" in message,
      f"error {message!r}")
message = error_of(lambda: securekey.load("/dev/zero"))
check("/dev/zero is refused", message is not None and "a character device" in message, f"error {message!r}")
message = error_of(lambda: securekey.load(keys))
check("a folder is refused", message is not None and "a folder" in message, f"error {message!r}")

sys.exit(1 if failed else 0)
