"""Flask and Django sessions across two rotations while the user is active,
for test.sh.

    python sessions_check.py KEYS_AB KEYS_CA KEYS_NC WORK_DIR

Log in under A,B; a request under C,A; a request under N,C: still logged in
when the framework re-signs the session at the middle request. Each Django
era is a process of its own (settings are read once, as at a dyno's boot);
each Flask era is a new app. Prints `ok - ...` / `not ok - ...`; never a
key or a cookie.
"""

import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
failed = 0


def check(name, got, want):
    global failed
    print(f"{'ok' if got == want else 'not ok'} - sessions: {name}")
    if got != want:
        failed += 1
        print(f"#   the user is {got!r}, expected {want!r}")


# --- Django: db and signed_cookies sessions, through django.contrib.auth -----

def django_child(action, cookies):
    sys.path.insert(0, os.path.join(HERE, "django_site"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "site_project.settings"
    import django
    from django.core.management import call_command
    from django.test import Client

    django.setup()
    if action == "setup":
        call_command("migrate", verbosity=0)
        from django.contrib.auth.models import User

        User.objects.create_user("alice", password="correct horse")
        return {}
    client = Client()
    for name, value in cookies.items():
        client.cookies[name] = value
    response = client.get("/session/login" if action == "login" else "/session/me")
    jar = dict(cookies)
    jar.update({name: morsel.value for name, morsel in response.cookies.items()})
    return {"user": response.json()["user"], "cookies": jar}


def django_boot(key_file, engine, db, action, cookies=None):
    env = dict(os.environ, SECUREKEY_FILE=key_file, SITE_SESSIONS=engine, SITE_DB=db)
    out = subprocess.run([sys.executable, __file__, "--django", action, json.dumps(cookies or {})],
                         env=env, stdout=subprocess.PIPE, check=True).stdout
    return json.loads(out)


def django_rotation(ab, ca, nc, work):
    for engine in ("db", "signed_cookies"):
        db = os.path.join(work, f"django-{engine}.sqlite3")
        django_boot(ab, engine, db, "setup")
        active = django_boot(ab, engine, db, "login")
        idle = dict(active)
        check(f"django ({engine}): logged in under A,B", active["user"], "alice")
        active = django_boot(ca, engine, db, "me", active["cookies"])
        check(f"django ({engine}): a request under C,A: still logged in", active["user"], "alice")
        active = django_boot(nc, engine, db, "me", active["cookies"])
        check(f"django ({engine}): a request under N,C (two rotations on): still logged in "
              "(Django re-hashes the session with the new key at the C,A request)", active["user"], "alice")
        idle = django_boot(nc, engine, db, "me", idle["cookies"])
        check(f"django ({engine}): a user idle through both rotations is signed out", idle["user"], None)


# --- Flask: SECRET_KEY_FALLBACKS, permanent or not ------------------------------

def flask_app(key_file):
    from flask import Flask, session

    import securekey

    app = Flask(__name__)
    latest, *fallbacks = securekey.secrets(path=key_file)
    app.config.update(SECRET_KEY=latest, SECRET_KEY_FALLBACKS=fallbacks)

    @app.post("/login")
    def login():
        session.permanent = app.config["PERMANENT"]
        session["user"] = "alice"
        return {"user": "alice"}

    @app.get("/me")
    def me():
        return {"user": session.get("user")}

    return app


def flask_request(key_file, permanent, path, cookie):
    app = flask_app(key_file)
    app.config["PERMANENT"] = permanent
    client = app.test_client()
    if cookie is not None:
        client.set_cookie("session", cookie)
    response = client.post(path) if path == "/login" else client.get(path)
    sent = client.get_cookie("session")
    return response.get_json()["user"], (sent.value if sent is not None else cookie)


def flask_rotation(ab, ca, nc):
    for permanent in (True, False):
        kind = "session.permanent = True" if permanent else "a non-permanent session"
        user, cookie = flask_request(ab, permanent, "/login", None)
        check(f"flask ({kind}): logged in under A,B", user, "alice")
        user, cookie = flask_request(ca, permanent, "/me", cookie)
        check(f"flask ({kind}): a request under C,A: still logged in", user, "alice")
        user, cookie = flask_request(nc, permanent, "/me", cookie)
        if permanent:
            check(f"flask ({kind}): a request under N,C: still logged in "
                  "(SESSION_REFRESH_EACH_REQUEST re-signs it at each request)", user, "alice")
        else:
            check(f"flask ({kind}): a request under N,C: signed out (Flask re-signs only a "
                  "modified or permanent session; the README says so)", user, None)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--django"]:
        print(json.dumps(django_child(sys.argv[2], json.loads(sys.argv[3]))))
        sys.exit(0)
    ab, ca, nc, work = sys.argv[1:]
    django_rotation(ab, ca, nc, work)
    flask_rotation(ab, ca, nc)
    sys.exit(1 if failed else 0)
