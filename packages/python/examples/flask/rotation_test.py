"""Flask's own rotation (SECRET_KEY_FALLBACKS) from the key file, across
three boots.

    python rotation_test.py ERA0 ERA1 ERA2

Each ERA is a key file; the rotation goes B,x -> A,B -> C,A. Each boot is a
new process (as a dyno restart is) with SECUREKEY_FILE set to its era's
file. Prints `ok - ...` / `not ok - ...` lines; exits 1 on any failure.
Never prints a key or a cookie.
"""

import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def child(action, cookie):
    """One boot of the app: log in, or ask who the session cookie says."""
    sys.path.insert(0, HERE)
    from app import create_app

    app = create_app()
    client = app.test_client()
    name = app.config["SESSION_COOKIE_NAME"]
    if action == "login":
        client.post("/login")
        print(json.dumps({"cookie": client.get_cookie(name).value}))
    else:
        client.set_cookie(name, cookie)
        print(json.dumps(client.get("/whoami").get_json()))


def boot(key_file, action, cookie=""):
    env = dict(os.environ, SECUREKEY_FILE=key_file)
    out = subprocess.run(
        [sys.executable, __file__, "--child", action, cookie],
        cwd=HERE, env=env, stdout=subprocess.PIPE, check=True,
    ).stdout
    return json.loads(out)


def main(eras):
    if len(eras) != 3:
        print("usage: rotation_test.py ERA0 ERA1 ERA2", file=sys.stderr)
        return 2
    era0, era1, era2 = eras
    failed = 0

    def check(name, got, want):
        nonlocal failed
        if got == want:
            print(f"ok - flask: {name}")
        else:
            failed += 1
            print(f"not ok - flask: {name}")
            print(f"#   the session says {got!r}, expected {want!r}")

    signed_b = boot(era0, "login")["cookie"]  # B is the latest key
    signed_a = boot(era1, "login")["cookie"]  # A is the latest, B the previous
    check("a session signed with the latest key verifies (A,B)",
          boot(era1, "whoami", signed_a), {"user": "alice"})
    check("a session signed with the previous key verifies (A,B: B in SECRET_KEY_FALLBACKS)",
          boot(era1, "whoami", signed_b), {"user": "alice"})
    check("after the rotation to C,A: a session signed with A (now previous) still verifies",
          boot(era2, "whoami", signed_a), {"user": "alice"})
    check("after the rotation to C,A: a session signed with B (two rotations old) does not",
          boot(era2, "whoami", signed_b), {"user": None})
    return 1 if failed else 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2], sys.argv[3])
    else:
        sys.exit(main(sys.argv[1:]))
