"""Production: PostgreSQL through DATABASE_URL, behind TLS, N stateless app processes."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403

DEBUG = False
if not SECRET_KEY:  # noqa: F405
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set in production")

# Every staff account gives a one-time code after its password (issue #3); a user without an authenticator
# app set up is taken to set one up before any other page.
REQUIRE_TWO_FACTOR = True

# Cookies: sent only over TLS, unreadable by scripts (HttpOnly and SameSite=Lax come from base.py), and with
# the __Host- prefix, which the browser honours only for a Secure, host-only cookie on path /, so no
# other host under the council's domain can set or overwrite them.
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
SECURE_SSL_REDIRECT = os.environ.get("SECURE_SSL_REDIRECT", "true") == "true"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# How many proxies (load balancers) the council runs in front of the app: the client's address is read
# that many places from the right of X-Forwarded-For (audit events, sign-in throttling).
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
