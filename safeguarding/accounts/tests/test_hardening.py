"""Web hardening: the Content-Security-Policy, production's security settings (`check --deploy`), and no
personal data in URLs, logs or error reports."""

from __future__ import annotations

import json
import logging
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from safeguarding.accounts.tests.factories import UserFactory
from safeguarding.allocation.tests.factories import AllocationFactory
from safeguarding.audit.models import AuditEvent
from safeguarding.core.reporting import NoPersonalDataExceptionReporterFilter
from safeguarding.people.tests.factories import FamilyFactory, FamilyMemberFactory

ROOT = Path(__file__).resolve().parents[3]
POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


# --- Content-Security-Policy ---------------------------------------------------------------------------


@pytest.fixture
def worker(db):
    return UserFactory()


@pytest.mark.parametrize(
    "url",
    [
        reverse("accounts:sign-in"),
        reverse("casefile:my-families"),
        reverse("casefile:search"),
        reverse("accounts:account"),
        reverse("accounts:session"),
        "/families/00000000-0000-0000-0000-000000000000/",  # our 404 page
    ],
)
def test_every_page_carries_the_strict_policy(client, worker, url):
    client.force_login(worker)
    assert client.get(url)["Content-Security-Policy"] == POLICY


@pytest.mark.parametrize("url", ["/admin/", "/admin/accounts/user/", "/admin/accounts/user/add/"])
def test_admin_pages_carry_the_policy_too(client, db, url):
    client.force_login(UserFactory(superuser=True))
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == POLICY


def test_redirects_carry_the_policy(client, db):
    assert client.get(reverse("casefile:my-families"))["Content-Security-Policy"] == POLICY


def test_policy_forbids_inline_script_and_style():
    directives = dict(d.split(" ", 1) for d in POLICY.split("; "))
    assert "'unsafe-inline'" not in POLICY and "'unsafe-eval'" not in POLICY
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"


def _our_templates():
    """Every template that is, or is part of, a page. Whole documents other than base.html are files for
    downloads (the subject access bundle's summary), opened from disk and never served under the policy."""
    base = ROOT / "safeguarding" / "core" / "templates" / "base.html"
    return sorted(
        p
        for p in (ROOT / "safeguarding").glob("*/templates/**/*.html")
        if p == base or "<!DOCTYPE" not in p.read_text()
    )


@pytest.mark.parametrize("template", _our_templates(), ids=lambda p: str(p.relative_to(ROOT)))
def test_our_templates_have_no_inline_script_style_or_event_handlers(template):
    # Anything inline would be blocked by the policy in the browser: the page would silently break.
    html = template.read_text()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline <script>"
    assert "<style" not in html, "inline <style>"
    assert not re.search(r"\sstyle=", html), "style attribute"
    assert not re.search(r"\son[a-z]+=", html), "inline event handler"


def test_signed_in_page_has_no_inline_script_or_style(client, worker):
    client.force_login(worker)
    html = client.get(reverse("casefile:my-families")).content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert not re.search(r"\sstyle=", html) and "<style" not in html
    # htmx is told not to add its indicator <style> element or to eval().
    assert '"includeIndicatorStyles":false' in html and '"allowEval":false' in html


# --- production settings -----------------------------------------------------------------------------


def _production_env() -> dict:
    # Without the test run's own variables: the browser tests' DJANGO_ALLOW_ASYNC_UNSAFE would (rightly)
    # fail the deployment check.
    unset = ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "SECURE_SSL_REDIRECT")
    env = {k: v for k, v in os.environ.items() if k not in unset}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        DJANGO_ALLOWED_HOSTS="example.invalid",
    )
    return env


@pytest.mark.slow
def test_check_deploy_reports_nothing_with_the_production_settings():
    result = subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "DEBUG"],
        cwd=ROOT,
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout + result.stderr


@pytest.mark.slow
def test_production_cookies_are_secure_http_only_same_site_and_two_step_sign_in_is_required():
    script = (
        "import json; from django.conf import settings as s; print(json.dumps({k: getattr(s, k) for k in ["
        "'SESSION_COOKIE_SECURE','SESSION_COOKIE_HTTPONLY','SESSION_COOKIE_SAMESITE','SESSION_COOKIE_NAME',"
        "'CSRF_COOKIE_SECURE','CSRF_COOKIE_HTTPONLY','CSRF_COOKIE_SAMESITE','CSRF_COOKIE_NAME',"
        "'SECURE_HSTS_SECONDS','SECURE_SSL_REDIRECT','REQUIRE_TWO_FACTOR','DEBUG']}))"
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", f"import django; django.setup(); {script}"],
        cwd=ROOT,
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values == {
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_NAME": "__Host-sessionid",
        "CSRF_COOKIE_SECURE": True,
        "CSRF_COOKIE_HTTPONLY": True,
        "CSRF_COOKIE_SAMESITE": "Lax",
        "CSRF_COOKIE_NAME": "__Host-csrftoken",
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_SSL_REDIRECT": True,
        "REQUIRE_TWO_FACTOR": True,
        "DEBUG": False,
    }


def test_dev_and_test_settings_do_not_require_two_step_sign_in(settings):
    from config.settings import dev

    assert dev.REQUIRE_TWO_FACTOR is False
    assert settings.REQUIRE_TWO_FACTOR is False


# --- no personal data in URLs, logs or error reports --------------------------------------------------------


@pytest.fixture
def searchable(worker):
    family = FamilyFactory(team=worker.team)
    AllocationFactory(family=family, worker=worker)
    FamilyMemberFactory(family=family, person__last_name="Wrenfield")
    return family


def test_search_is_a_post_so_the_name_is_never_in_the_url(client, worker, searchable):
    client.force_login(worker)
    page = client.get(reverse("casefile:search")).content.decode()
    assert re.search(
        r'<form method="post" novalidate role="search">\s*<input type="hidden" name="csrfmiddlewaretoken"',
        page,
    )
    response = client.post(reverse("casefile:search"), {"q": "Wrenfield"})
    assert "1 result" in response.content.decode()


def test_search_in_the_query_string_is_not_run(client, worker, searchable):
    client.force_login(worker)
    body = client.get(reverse("casefile:search"), {"q": "Wrenfield"}).content.decode()
    assert "Wrenfield" not in body
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.SEARCH).exists()


def test_search_needs_the_csrf_token(worker, searchable):
    client = Client(enforce_csrf_checks=True)
    client.force_login(worker)
    assert client.post(reverse("casefile:search"), {"q": "Wrenfield"}).status_code == 403


def test_nothing_typed_is_written_to_the_logs(client, worker, searchable, caplog):
    client.force_login(worker)
    with caplog.at_level(logging.DEBUG):
        client.post(reverse("casefile:search"), {"q": "Wrenfield"})
        client.post(reverse("casefile:family-create"), {"name": "Thistlecombe family"})  # refused: a 403
        client.post(reverse("accounts:sign-in"), {"username": "nobody", "password": "Sekrit-Passw0rd"})
    logged = "\n".join(record.getMessage() for record in caplog.records)
    for typed in ("Wrenfield", "Thistlecombe", "Sekrit-Passw0rd"):
        assert typed not in logged


def test_error_reports_list_form_fields_but_not_what_was_typed():
    request = RequestFactory().post("/families/new/", {"name": "Thistlecombe family", "note": "private"})
    parameters = NoPersonalDataExceptionReporterFilter().get_post_parameters(request)
    assert set(parameters) == {"name", "note"}
    assert "Thistlecombe" not in str(parameters) and "private" not in str(parameters)


def test_settings_use_the_error_report_filter(settings):
    assert (
        settings.DEFAULT_EXCEPTION_REPORTER_FILTER
        == "safeguarding.core.reporting.NoPersonalDataExceptionReporterFilter"
    )
