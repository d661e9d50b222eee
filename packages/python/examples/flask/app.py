"""A Flask app whose session cookie rotates with the key file's pair.

SECRET_KEY is the latest key and SECRET_KEY_FALLBACKS (Flask >= 3.1) the
previous one: after a rotation (A,B -> C,A) a session signed with A still
verifies; one signed with B, two rotations old, does not. The key file is
read once, when the app is created (Heroku restarts every dyno when config
vars change).
"""

from importlib.metadata import version

from flask import Flask, session

import securekey


def create_app():
    app = Flask(__name__)
    if "SECRET_KEY_FALLBACKS" not in app.config:
        raise RuntimeError(
            f"Flask {version('flask')} has no "
            "SECRET_KEY_FALLBACKS: it needs Flask >= 3.1"
        )
    latest, *fallbacks = securekey.secrets()
    app.config.update(SECRET_KEY=latest, SECRET_KEY_FALLBACKS=fallbacks)

    @app.post("/login")
    def login():
        # Permanent: with SESSION_REFRESH_EACH_REQUEST (the default) the cookie is
        # re-signed with the latest key at every request, so an active user
        # outlives any number of rotations.
        session.permanent = True
        session["user"] = "alice"
        return {"user": "alice"}

    @app.get("/whoami")
    def whoami():
        return {"user": session.get("user")}

    return app
