"""Django settings with the key file's pair as Django's own key rotation.

SECRET_KEY is the latest key and SECRET_KEY_FALLBACKS the previous one:
after a rotation (A,B -> C,A) sessions, signed cookies and
django.core.signing values made with A still verify; those made with B, two
rotations old, do not. The key file is read once, at start-up (Heroku
restarts every dyno when config vars change).
"""

import securekey

# securekey.secrets(): as load_pair().secrets(), but `manage.py collectstatic`
# (run by Heroku at build time, before any key file exists) gets a throwaway key.
SECRET_KEY, *SECRET_KEY_FALLBACKS = securekey.secrets()

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
ROOT_URLCONF = "example_project.urls"
INSTALLED_APPS = ["django.contrib.sessions"]
MIDDLEWARE = ["django.contrib.sessions.middleware.SessionMiddleware"]
# Sessions in a cookie signed with SECRET_KEY (no database needed).
SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
DATABASES = {}
USE_TZ = True
