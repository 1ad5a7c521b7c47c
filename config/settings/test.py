"""Test settings: the same as production in behaviour, but fast password hashing."""

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-not-secret"
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DEMO_SEEDING_ALLOWED = True
# Set-password emails are kept in django.core.mail.outbox, never sent.
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# The live test server serves static files from the finders itself; WhiteNoise is for production,
# where `collectstatic` fills STATIC_ROOT.
MIDDLEWARE = [m for m in MIDDLEWARE if not m.startswith("whitenoise")]  # noqa: F405

# Tests that need two-step sign-in required switch it on with override_settings(REQUIRE_TWO_FACTOR=True).
REQUIRE_TWO_FACTOR = False
