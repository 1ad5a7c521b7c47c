"""Browser journeys: a seeded demo council behind Django's live server, and signing in as a persona.

The browser is pytest-playwright's session-wide one (Debian's Chromium, see tests/conftest.py); each test
gets fresh contexts. Browser tests use `transaction=True`, so the database is flushed after each test and
every test gets the demo council written back (its rows are copied once per test database, see conftest.py
at the top of the repository).
"""

import re

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Page, expect

from safeguarding.demo.personas import DEMO_PASSWORD

# The live server answers on one thread; a journey that waits longer than this for a page has found a bug.
DEFAULT_TIMEOUT_MS = 10_000


@pytest.fixture
def council(transactional_db, demo_council):
    """The small demo council (three teams, about 60 families and the named personas), built once per test
    database and written back before each test (see conftest.py at the top of the repository)."""


@pytest.fixture
def context(context):
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    context.set_default_navigation_timeout(DEFAULT_TIMEOUT_MS)
    return context


@pytest.fixture
def new_page(browser):
    """Open a page in a fresh browser context (its own cookies): one per persona in a multi-user journey."""
    contexts = []

    def open_page() -> Page:
        ctx = browser.new_context()
        ctx.set_default_timeout(DEFAULT_TIMEOUT_MS)
        ctx.set_default_navigation_timeout(DEFAULT_TIMEOUT_MS)
        contexts.append(ctx)
        return ctx.new_page()

    yield open_page
    for ctx in contexts:
        ctx.close()


# Where a persona starts after signing in, when it is not My families: (path, the page's heading).
START_PAGES = {"priya": ("/outcomes/", "Outcomes")}


def sign_in(
    page: Page, live_server, username: str, password: str = DEMO_PASSWORD, *, through_form: bool = False
) -> Page:
    """Sign in as a demo persona and land on their start page (My families, or Outcomes for the
    performance analyst).

    By default the session is opened by Django's own sign-in (the test client's login: the same
    authentication backend, the same handlers of the user's sign-in) and handed to the browser as its
    cookie. The form itself is what test_identity.py and test_accessibility.py test (`through_form=True`);
    filling it in for every persona of every journey was about a third of a second of the browser's time
    each, some 45 times a pass."""
    path, heading = START_PAGES.get(username, ("/my-families/", "My families"))
    if through_form:
        page.goto(live_server.url + "/accounts/sign-in/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
    else:
        client = Client()
        assert client.login(username=username, password=password), f"{username} could not sign in"
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        # As the server would have set it (settings: HttpOnly, SameSite=Lax).
        cookie = {"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}
        page.context.add_cookies([{**cookie, "httpOnly": True, "sameSite": "Lax"}])
        page.goto(live_server.url + path)
    expect(page).to_have_url(re.compile(re.escape(path) + "$"))
    expect(page.get_by_role("heading", level=1, name=heading)).to_be_visible()
    return page
