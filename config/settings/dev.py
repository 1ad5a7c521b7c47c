"""The embedded demo: SQLite file under var/, debug pages on, a fixed development secret."""

from .base import *  # noqa: F403

DEBUG = True
SECRET_KEY = SECRET_KEY or "dev-only-not-secret-family-safeguarding-demo"  # noqa: F405
ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost"]  # noqa: F405

# runserver serves static files from the finders in DEBUG; WhiteNoise is for production.
MIDDLEWARE = [m for m in MIDDLEWARE if not m.startswith("whitenoise")]  # noqa: F405

# The demo: two-step sign-in is offered on each user's Account page, not required (production requires it).
REQUIRE_TWO_FACTOR = False
