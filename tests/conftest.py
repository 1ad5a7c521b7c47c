"""Project-wide test set-up: Playwright drives Debian's Chromium, never a downloaded browser."""

import os

import pytest

# pytest-playwright's sync API runs an asyncio event loop in the test thread, and Django then refuses
# ORM calls from that thread (SynchronousOnlyOperation) even though nothing here is concurrent.
# Set at import, before any test or fixture touches the database.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _serialise_the_live_server_on_sqlite() -> None:
    """On SQLite, let the live test server handle one request at a time.

    The test database is SQLite's in-memory database, which Django's live server shares between its
    request threads as one connection. Two requests at once (a draft autosaved while the worker presses
    Save) then interleave on that connection ("cannot open savepoint - SQL statements in progress"), a
    failure of the test set-up that production, with a connection per thread, never sees. PostgreSQL keeps
    the threaded server, so real concurrency is still exercised there."""
    import threading

    from django.conf import settings
    from django.core.servers.basehttp import ThreadedWSGIServer
    from django.test.testcases import LiveServerThread

    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        return

    class OneRequestAtATimeWSGIServer(ThreadedWSGIServer):
        _request_lock = threading.Lock()

        def set_app(self, application):
            def one_at_a_time(environ, start_response):
                with self._request_lock:
                    response = application(environ, start_response)
                    try:
                        # Read a streamed body inside the lock too: it may still query the database.
                        return list(response)
                    finally:
                        if hasattr(response, "close"):
                            response.close()  # Django's request_finished, as the server would send it

            super().set_app(one_at_a_time)

    LiveServerThread.server_class = OneRequestAtATimeWSGIServer


_serialise_the_live_server_on_sqlite()

# Debian's builds of Chromium, from its `chromium` source package (one version for both). Headless tests run
# in the headless shell, the build made only to be driven headless (it is what Playwright itself launches
# for headless runs): the full browser also builds a window's toolbar, tab strip and address-bar popup for
# every page, which took half of Chromium's CPU in our browser tests and none of it is under test (ADR 20).
# `--headed`, for watching a test, needs the full browser.
CHROMIUM_HEADLESS = "/usr/bin/chromium-headless-shell"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_INSTALL = (
    "apt-get install -y chromium chromium-headless-shell chromium-driver fonts-liberation2 "
    "(or: make system-deps)"
)

# Fixtures that start the browser: a test that uses any of them is a browser test.
PLAYWRIGHT_FIXTURES = {"browser", "browser_type", "context", "new_context", "page"}

CHROMIUM_ARGS = [
    # Running as root in a container: Chromium's sandbox needs user namespaces it does not get there.
    "--no-sandbox",
    "--disable-gpu",
    # No network traffic of the browser's own: tests talk only to the live test server.
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # /dev/shm is tiny in containers; Chromium crashes on big pages without this.
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Launch Debian's Chromium headless shell (pytest-playwright's --headed launches the full browser,
    for debugging).

    Browsers are never downloaded (`playwright install` cannot work on these machines). Without
    Chromium, browser tests are skipped on a developer's machine but fail in CI (CI=true), so the
    accessibility and journey tests can never silently stop running there.
    """
    headless = browser_type_launch_args.get("headless", True)
    chromium = CHROMIUM_HEADLESS if headless else CHROMIUM
    if not (os.path.isfile(chromium) and os.access(chromium, os.X_OK)):
        message = f"{chromium} not found; install it with: {CHROMIUM_INSTALL}"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI: {message}", pytrace=False)
        pytest.skip(message)
    return {
        **browser_type_launch_args,
        "executable_path": chromium,
        "headless": headless,
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def base_url(pytestconfig):
    """The same as pytest-playwright's --base-url fallback, which pytest 9 warns about on every run
    because it is written as a method. E2e tests normally navigate to `live_server.url + path`."""
    return pytestconfig.getoption("--base-url", default=None) or None


def pytest_collection_modifyitems(items):
    """Mark every test that opens a browser as `browser`, so `-m "not browser"` deselects all of them."""
    for item in items:
        if PLAYWRIGHT_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)
