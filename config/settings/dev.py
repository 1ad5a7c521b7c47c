"""The embedded demo: SQLite file under var/, debug pages on, a fixed development secret."""

from .base import *  # noqa: F403

DEBUG = True
SECRET_KEY = SECRET_KEY or "dev-only-not-secret-family-safeguarding-demo"  # noqa: F405
ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost"]  # noqa: F405

# runserver serves static files from the finders in DEBUG; WhiteNoise is for production.
MIDDLEWARE = [m for m in MIDDLEWARE if not m.startswith("whitenoise")]  # noqa: F405

# Set-password links are printed where `make run` shows its log, not sent.
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# The demo: two-step sign-in is offered on each user's Account page, not required (production requires it).
REQUIRE_TWO_FACTOR = False

# The demo council (seed_demo: three teams, about 60 families) on the Outcomes pages. Its published
# comparators are Peterborough's (COUNCIL_LA_CODE 874, base.py); its own rates use the population its
# caseload would come from (about 70 looked-after children per 10,000, near England's rate), and it
# started Family Safeguarding on 1 April 2025. A council sets its own in the environment.
COUNCIL_CHILD_POPULATION = COUNCIL_CHILD_POPULATION or 2_500  # noqa: F405
FAMILY_SAFEGUARDING_STARTED = FAMILY_SAFEGUARDING_STARTED or "2025-04-01"  # noqa: F405
