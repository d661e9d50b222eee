"""Django's own rotation from the key file, across three boots.

    python rotation_test.py ERA0 ERA1 ERA2

Each ERA is a key file; the rotation goes B,x -> A,B -> C,A. Each boot is a
new process (as a dyno restart is) with SECUREKEY_FILE set to its era's
file. Prints `ok - ...` / `not ok - ...` lines; exits 1 on any failure.
Never prints a key, a cookie or a token.
"""

import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def child(action, arg):
    """One boot of the app: log in, or ask who the session and token say."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "example_project.settings"
    import django
    from django.conf import settings
    from django.test import Client

    django.setup()
    client = Client()
    if action == "login":
        response = client.get("/login")
        cookie = response.cookies[settings.SESSION_COOKIE_NAME].value
        print(json.dumps({"cookie": cookie, "token": response.json()["token"]}))
    else:
        signed = json.loads(arg)
        client.cookies[settings.SESSION_COOKIE_NAME] = signed["cookie"]
        print(json.dumps(client.get("/whoami", {"token": signed["token"]}).json()))


def boot(key_file, action, arg=""):
    env = dict(os.environ, SECUREKEY_FILE=key_file)
    out = subprocess.run(
        [sys.executable, __file__, "--child", action, arg],
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
            print(f"ok - django: {name}")
        else:
            failed += 1
            print(f"not ok - django: {name}")
            print(f"#   session and token say {got!r}, expected {want!r}")

    signed_b = boot(era0, "login")  # B is the latest key
    signed_a = boot(era1, "login")  # A is the latest, B the previous
    alice = {"session": "alice", "token": "alice"}
    nobody = {"session": None, "token": None}
    check("signed with the latest key verifies (A,B)", boot(era1, "whoami", json.dumps(signed_a)), alice)
    check("signed with the previous key verifies (A,B: B in SECRET_KEY_FALLBACKS)",
          boot(era1, "whoami", json.dumps(signed_b)), alice)
    check("after the rotation to C,A: signed with A (now previous) still verifies",
          boot(era2, "whoami", json.dumps(signed_a)), alice)
    check("after the rotation to C,A: signed with B (two rotations old) does not",
          boot(era2, "whoami", json.dumps(signed_b)), nobody)
    return 1 if failed else 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2], sys.argv[3])
    else:
        sys.exit(main(sys.argv[1:]))
