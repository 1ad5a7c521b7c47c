"""Settings shared by every environment.

One settings module per environment (dev, test, production) on top of this one; no settings file per
integration. Configuration that differs between councils comes from the environment.
"""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("SAFEGUARDING_VAR_DIR", BASE_DIR / "var"))

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS: list[str] = [h for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(",") if h]

# The council's name appears in the header of every page (a council is not GOV.UK: no crown).
COUNCIL_NAME = os.environ.get("COUNCIL_NAME", "Demo Borough Council")
SERVICE_NAME = "Family Safeguarding"

INSTALLED_APPS = [
    # django.contrib.admin, signing in through our own sign-in page (lockout, two-step sign-in, audit).
    "safeguarding.accounts.admin_apps.SafeguardingAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "django_htmx",
    # Two-step sign-in (TOTP). Before our apps, so accounts/admin.py can replace django-otp's device admin.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "safeguarding.core",
    "safeguarding.accounts",
    "safeguarding.audit",
    "safeguarding.people",
    "safeguarding.allocation",
    "safeguarding.access",
    "safeguarding.tasks",
    "safeguarding.journey",
    "safeguarding.workbook",
    "safeguarding.readiness",
    "safeguarding.measures",
    "safeguarding.supervision",
    "safeguarding.casefile",
    "safeguarding.governance",
    "safeguarding.outcomes",
    "safeguarding.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # First, so every response carries the policy, error pages and static files included.
    "safeguarding.core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Marks whether the signed-in user has also given a one-time code (request.user.is_verified()).
    "django_otp.middleware.OTPMiddleware",
    # Then the user itself in place of those two lazy wrappers, read hundreds of times a page.
    "safeguarding.accounts.middleware.PlainUserMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Signs out after inactivity, and keeps what a signed-out user had typed (accounts/middleware.py).
    # Before LoginRequiredMiddleware, which would otherwise answer that POST with a bare redirect.
    "safeguarding.accounts.middleware.IdleSessionMiddleware",
    # Until the second step is done, only the sign-in pages open.
    "safeguarding.accounts.middleware.TwoFactorMiddleware",
    # Sign-in is the default: a new page cannot be published to the world by forgetting a decorator.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "safeguarding.core.context_processors.council",
                "safeguarding.core.navigation.navigation",
                "safeguarding.accounts.context_processors.session_timeout",
            ],
        },
    },
]
# GOV.UK markup for every form field comes from our own templates (safeguarding/core/templates/govuk/).
FORM_RENDERER = "safeguarding.core.forms.GovukFormRenderer"

# SQLite by default so `make run` needs nothing else; PostgreSQL through DATABASE_URL.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'safeguarding.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the dev server and a background process share the file safely.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Parameters bound by the server, and a statement run a fifth time on one connection prepared, so
    # PostgreSQL stops re-parsing and re-planning the same queries on every page (ADR 0019). Django
    # leaves both off by default; the gain needs connections that outlive a request (DB_CONN_MAX_AGE).
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update({"server_side_binding": True, "prepare_threshold": 5})

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
# Django's password backend, reading the user's organisation with the user (accounts/backends.py).
AUTHENTICATION_BACKENDS = ["safeguarding.accounts.backends.UserBackend"]
LOGIN_URL = "accounts:sign-in"
# The start page: My families, or the page a capability claims for the user (casefile.home).
LOGIN_REDIRECT_URL = "casefile:home"
LOGOUT_REDIRECT_URL = "accounts:sign-in"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j M Y"

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "build" / "collected-static"
# Front-end assets are compiled from npm at set-up into build/static (git-ignored).
STATICFILES_DIRS = [BASE_DIR / "build" / "static"]

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Our JavaScript reads the CSRF token from the page, never from the cookie.
CSRF_COOKIE_HTTPONLY = True

# --- Identity (issue #3): two-step sign-in, lockout, inactivity ------------------------------------------
# Staff must give a one-time code from an authenticator app after their password. Production requires it
# (production.py); in the demo anyone may set it up from their Account page.
REQUIRE_TWO_FACTOR = False
# Shown in the authenticator app beside the code, so staff can tell this service's code from others'.
OTP_TOTP_ISSUER = f"{COUNCIL_NAME} {SERVICE_NAME}"
# The device admin shows no secret keys and no QR codes: whoever holds a key can make the user's codes.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Failed sign-ins (a wrong password or a wrong code) counted per username and per address in the database,
# so every app process sees the same count. Reaching the limit within the window locks that username (or
# address) for the lockout time. The per-address limit is higher: a council office signs in from one address.
SIGN_IN_FAILURE_LIMIT = int(os.environ.get("SIGN_IN_FAILURE_LIMIT", "5"))
SIGN_IN_ADDRESS_FAILURE_LIMIT = int(os.environ.get("SIGN_IN_ADDRESS_FAILURE_LIMIT", "20"))
SIGN_IN_FAILURE_WINDOW_SECONDS = 15 * 60
SIGN_IN_LOCKOUT_SECONDS = 15 * 60

# Staff set their own passwords (issue #8): a system administrator never types or sees one. A new account,
# or one whose owner has forgotten their password, is sent a one-time set-password link by email to the
# address on the account. The link works once (setting the password, or signing in, spends it) and expires
# after PASSWORD_RESET_TIMEOUT: three days, so a new starter told on a Friday can still use it on Monday.
PASSWORD_RESET_TIMEOUT = int(os.environ.get("PASSWORD_RESET_TIMEOUT_SECONDS", str(3 * 24 * 60 * 60)))
# The council's mail relay. Set in the environment; dev.py prints messages to the console instead, and the
# tests keep them in memory (django.core.mail.outbox).
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "false") == "true"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", f"{SERVICE_NAME} <no-reply@localhost>")

# Signed out after 30 minutes without a request, with the GOV.UK timeout warning 2 minutes before. The limit
# slides: IdleSessionMiddleware stamps the session with the time of each request (writing at most once a
# minute, rather than SESSION_SAVE_EVERY_REQUEST's write on every page) and signs out a session whose
# stamp is older than this.
SESSION_IDLE_TIMEOUT_SECONDS = 30 * 60
SESSION_TIMEOUT_WARNING_SECONDS = 2 * 60
# The session row outlives the idle limit so that, when a signed-out user submits a form, we still know
# whose typing it was and can give it back to them after they sign in again. It slides with each write.
SESSION_COOKIE_AGE = 12 * 60 * 60
# Django's database sessions, each request's session read by one plain statement (accounts/session_store.py).
SESSION_ENGINE = "safeguarding.accounts.session_store"
# A shared computer's next user does not inherit a session when the browser is closed.
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# --- Web hardening -------------------------------------------------------------------------------------
# No inline script or style anywhere (our JavaScript is in files; the CSP middleware sends this).
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
# Error reports never carry what was typed into a form (names, dates of birth, case notes).
DEFAULT_EXCEPTION_REPORTER_FILTER = "safeguarding.core.reporting.NoPersonalDataExceptionReporterFilter"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Case records are never hard-deleted; the admin may not delete them either (see people/admin.py).
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# The unusual-access report flags a worker who opens the records of more than AUDIT_BURST_FAMILIES
# different families within AUDIT_BURST_MINUTES minutes (at most a day). Councils tune it to their teams.
AUDIT_BURST_FAMILIES = int(os.environ.get("AUDIT_BURST_FAMILIES", "20"))
AUDIT_BURST_MINUTES = int(os.environ.get("AUDIT_BURST_MINUTES", "10"))

# The child's statutory journey (safeguarding/journey). Statutory clocks are fixed in journey/clocks.py;
# visiting frequencies for children on child protection and child in need plans have no national rule,
# so each council sets its local standard here (domain.md section 3). After changing one, run
# `manage.py deadlines_refresh` so that existing children's due dates follow the new standard.
CP_VISIT_WORKING_DAYS = int(os.environ.get("CP_VISIT_WORKING_DAYS", "10"))
CIN_VISIT_WORKING_DAYS = int(os.environ.get("CIN_VISIT_WORKING_DAYS", "20"))
# My tasks shows as "due soon" what falls due within this many working days.
DUE_SOON_WORKING_DAYS = int(os.environ.get("DUE_SOON_WORKING_DAYS", "5"))
# Group case supervision (issue #10): each family's team meets about monthly; after a supervision is
# signed off the next is proposed this many days later, and a family with none signed off within it is
# overdue on Timeliness. A council that meets every four weeks on the same weekday keeps 28.
GROUP_SUPERVISION_INTERVAL_DAYS = int(os.environ.get("GROUP_SUPERVISION_INTERVAL_DAYS", "28"))
# A supervision record not signed off within this many working days of the meeting is late (Timeliness).
SUPERVISION_SIGN_OFF_WORKING_DAYS = int(os.environ.get("SUPERVISION_SIGN_OFF_WORKING_DAYS", "3"))
# Parent measures (issue #11). Instruments whose terms need the council's own licence (WEMWBS) cannot be
# administered until the licence is held: list their codes here ("wemwbs"), comma-separated, once it is.
MEASURES_LICENCES_HELD = frozenset(
    code.strip() for code in os.environ.get("MEASURES_LICENCES_HELD", "").split(",") if code.strip()
)
# A DASH risk checklist that meets the MARAC referral criteria makes a "refer to MARAC" task due this many
# working days after the checklist. SafeLives asks for referral without delay; most MARAC operating
# protocols say within one working day. A council whose protocol differs sets its own.
MARAC_REFERRAL_WORKING_DAYS = int(os.environ.get("MARAC_REFERRAL_WORKING_DAYS", "1"))
# England and Wales bank holidays: bundled in journey/data and updated with `manage.py bank_holidays_update`;
# set this to use another copy of GOV.UK's file without a code change. Never fetched at run time.
BANK_HOLIDAYS_FILE = os.environ.get("BANK_HOLIDAYS_FILE") or None

# Outcomes (issue #12). The council's local authority code (the DfE's "old_la_code", three digits) picks
# its published figures and statistical neighbours from the comparator table. The demo council borrows
# Peterborough's (874) so that a fresh install shows real published comparators; a council sets its own.
COUNCIL_LA_CODE = os.environ.get("COUNCIL_LA_CODE", "874")
# Children aged 0-17 in the council's area, the denominator of every rate. Empty: the ONS mid-year estimate
# for COUNCIL_LA_CODE from the comparator table (the latest year for later years).
COUNCIL_CHILD_POPULATION = (
    int(os.environ["COUNCIL_CHILD_POPULATION"]) if os.environ.get("COUNCIL_CHILD_POPULATION") else None
)
# The day the council started working Family Safeguarding, marked on every outcome chart (ISO date).
# Empty: no mark, and the before-and-after view says the date is not set.
FAMILY_SAFEGUARDING_STARTED = os.environ.get("FAMILY_SAFEGUARDING_STARTED") or None
