"""A Django project as the README tells one to set it up, for test.sh.

SITE_GUARD (env): "middleware" puts securekey.django.SecureKeyMiddleware in
MIDDLEWARE (with /health and /drf/ public); "drf" leaves the guard to DRF's
per-view securekey.drf.SecureKeyAuthentication, with SlotHeaderMiddleware.
SITE_DB, SITE_STATIC: the sqlite file and STATIC_ROOT. SITE_SESSIONS: the
session engine (db, signed_cookies).
"""

import os

import securekey

# The README's line: at build time (collectstatic, no key file yet) a
# throwaway key; anywhere else, no key file raises KeyFileError.
SECRET_KEY, *SECRET_KEY_FALLBACKS = securekey.secrets()

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
ROOT_URLCONF = "site_project.urls"
WSGI_APPLICATION = "site_project.wsgi.application"
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.staticfiles",
    "rest_framework",
    "site_project",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
GUARD = os.environ.get("SITE_GUARD", "middleware")
if GUARD == "middleware":
    MIDDLEWARE.append("securekey.django.SecureKeyMiddleware")
    SECUREKEY_PUBLIC_PATHS = ["/health", "/drf/", "/session/"]
    SECUREKEY_ON_REFUSED = "site_project.urls.refused"
else:
    MIDDLEWARE.append("securekey.django.SlotHeaderMiddleware")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["securekey.drf.SecureKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "UNAUTHENTICATED_USER": None,
}
DATABASES = {
    "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.environ.get("SITE_DB", ":memory:")}
}
SESSION_ENGINE = "django.contrib.sessions.backends." + os.environ.get("SITE_SESSIONS", "db")
STATIC_URL = "/static/"
STATIC_ROOT = os.environ.get("SITE_STATIC", "staticfiles")
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
LOGGING = {"version": 1, "disable_existing_loggers": False,
           "handlers": {"console": {"class": "logging.StreamHandler"}},
           "loggers": {"securekey": {"handlers": ["console"], "level": "INFO"}}}
