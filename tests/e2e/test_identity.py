"""Browser journeys for identity (issue #3): the GOV.UK timeout warning, keeping what a user typed when
their session ends, two-step sign-in with an authenticator app, and the Content-Security-Policy holding in
the service and in the admin.

The warning's timings are shortened through the settings the pages read them from (the live server runs in
this process, so `settings` changes reach it), and the tests do not wait for them: `pass_time` moves both
clocks that decide forward at once, the page's (Playwright's clock: the script's timers and Date) and the
server's (the session's last activity, moved back by as much). Everything else, the requests the script
makes and the server's answers, happens for real.
"""

from __future__ import annotations

import re
import time

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from safeguarding.accounts import sessions
from safeguarding.accounts.models import User
from safeguarding.accounts.tests.test_two_factor import code_for
from safeguarding.demo.personas import DEMO_PASSWORD
from safeguarding.people.models import Family, Person

from .axe import assert_no_serious_axe_violations
from .conftest import sign_in

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

DIALOG = "You’ll be signed out soon"
BANNER = "You were signed out before this was saved. Check your answers and save again."
SURNAME = "Larkspur"


def asha_family() -> Family:
    asha = User.objects.get(username="asha")
    return (
        Family.objects.filter(allocations__worker=asha, allocations__end_date=None)
        .order_by("reference")
        .first()
    )


def type_into_add_person(page: Page, live_server, family: Family) -> None:
    page.goto(f"{live_server.url}/families/{family.pk}/people/new/")
    expect(page.get_by_role("heading", level=1, name="Add a person to the family")).to_be_visible()
    page.get_by_role("group", name="Is this person a child or an adult in the family?").get_by_label(
        "Child", exact=True
    ).check()
    page.get_by_label("First name").fill("Marigold")
    page.get_by_label("Last name").fill(SURNAME)
    page.get_by_label("Known as").fill("Goldie")
    group = page.get_by_role("group", name="Date of birth", exact=True)
    group.get_by_label("Day").fill("3")
    group.get_by_label("Month").fill("4")
    group.get_by_label("Year").fill("2019")


def sign_in_to(page: Page, username: str = "asha") -> None:
    """Sign in on the sign-in page the browser is on (keeping its ?next=)."""
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def expect_typing_back(page: Page, family: Family) -> None:
    expect(page).to_have_url(re.compile(rf"/families/{family.pk}/people/new/$"))
    expect(page.get_by_text(BANNER)).to_be_visible()
    expect(page.get_by_label("First name")).to_have_value("Marigold")
    expect(page.get_by_label("Last name")).to_have_value(SURNAME)
    expect(page.get_by_label("Known as")).to_have_value("Goldie")
    expect(page.get_by_role("group", name="Date of birth", exact=True).get_by_label("Year")).to_have_value(
        "2019"
    )
    expect(page.get_by_label("Child", exact=True)).to_be_checked()
    # Shown back, never saved for them.
    assert not Person.objects.filter(first_name="Marigold").exists()


def age_session(page: Page, seconds: float) -> None:
    """As if the browser's session had not been used for `seconds` (the server's own record of it)."""
    [cookie] = [c for c in page.context.cookies() if c["name"] == "sessionid"]
    store = SessionStore(session_key=cookie["value"])
    store[sessions.LAST_ACTIVITY] = time.time() - seconds
    store.save()


def pass_time(page: Page, seconds: float) -> None:
    """Let `seconds` go by for the signed-in browser without waiting for them: on the server, the session
    was last used that much longer ago; in the browser (Playwright's clock, installed before the page
    loaded), Date moves on and the timers that fall due fire (each at most once, as when a laptop's lid
    is opened again). The server first, so a timer that asks it hears the same time."""
    [cookie] = [c for c in page.context.cookies() if c["name"] == "sessionid"]
    store = SessionStore(session_key=cookie["value"])
    store[sessions.LAST_ACTIVITY] -= seconds
    store.save()
    page.clock.fast_forward(round(seconds * 1000))


def is_session_request(method: str):
    return lambda r: r.url.endswith("/accounts/session/") and r.request.method == method


def focus_is_in_dialog(page: Page) -> bool:
    return page.evaluate("() => document.activeElement?.closest('dialog[open]') !== null")


# --- the timeout warning -------------------------------------------------------------------------------


def test_timeout_warning_appears_holds_focus_and_stay_signed_in_keeps_the_session(
    council, live_server, page, settings
):
    # The dialog opens 3 seconds after the page loads; the margin before the session would end leaves
    # time (real time: both clocks run on meanwhile) for the keyboard and axe checks on a slow machine.
    settings.SESSION_IDLE_TIMEOUT_SECONDS = 15
    settings.SESSION_TIMEOUT_WARNING_SECONDS = 12
    page.clock.install()
    sign_in(page, live_server, "asha", through_form=True)
    loaded = time.monotonic()

    dialog = page.get_by_role("dialog", name=DIALOG)
    pass_time(page, 3)
    expect(dialog).to_be_visible(timeout=8_000)
    expect(dialog).to_contain_text(re.compile(r"we will sign you out in \d+ seconds?", re.I))
    assert focus_is_in_dialog(page)
    # Focus stays in the dialog however far the user tabs, forwards or back.
    for key in ["Tab", "Tab", "Tab", "Tab", "Shift+Tab", "Shift+Tab", "Shift+Tab"]:
        page.keyboard.press(key)
        assert focus_is_in_dialog(page), key
    assert_no_serious_axe_violations(page)

    dialog.get_by_role("button", name="Stay signed in").click()
    expect(dialog).to_be_hidden()
    # Past the time the session would have ended without "Stay signed in": 16.5 seconds after the page
    # loaded, 3 of them passed above.
    pass_time(page, max(0, 16.5 - 3 - (time.monotonic() - loaded)))
    page.goto(live_server.url + "/my-families/")
    expect(page.get_by_role("heading", level=1, name="My families")).to_be_visible()


def test_escape_in_the_timeout_warning_means_stay_signed_in(council, live_server, page, settings):
    settings.SESSION_IDLE_TIMEOUT_SECONDS = 10
    settings.SESSION_TIMEOUT_WARNING_SECONDS = 8
    page.clock.install()
    sign_in(page, live_server, "asha", through_form=True)
    dialog = page.get_by_role("dialog", name=DIALOG)
    pass_time(page, 2)
    expect(dialog).to_be_visible(timeout=6_000)
    with page.expect_response(is_session_request("POST")) as kept:
        page.keyboard.press("Escape")
    assert kept.value.json() == {"signed_in": True, "seconds_left": 10}
    expect(dialog).to_be_hidden()


def test_sign_out_in_the_timeout_warning_signs_out(council, live_server, page, settings):
    settings.SESSION_IDLE_TIMEOUT_SECONDS = 10
    settings.SESSION_TIMEOUT_WARNING_SECONDS = 8
    page.clock.install()
    sign_in(page, live_server, "asha", through_form=True)
    dialog = page.get_by_role("dialog", name=DIALOG)
    pass_time(page, 2)
    expect(dialog).to_be_visible(timeout=6_000)
    dialog.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1, name="Sign in")).to_be_visible()


def test_warning_is_not_shown_while_another_tab_keeps_the_session_alive(council, live_server, page, settings):
    settings.SESSION_IDLE_TIMEOUT_SECONDS = 8
    settings.SESSION_TIMEOUT_WARNING_SECONDS = 4
    page.clock.install()
    sign_in(page, live_server, "asha", through_form=True)
    other = page.context.new_page()
    # The other tab is used every second; the first asks the server before warning (4 seconds in), hears
    # that the session has more than that left, and does not warn.
    with page.expect_response(is_session_request("GET")) as asked:
        for _ in range(7):
            other.request.post(
                live_server.url + "/accounts/session/",
                headers={"X-CSRFToken": page.locator("dialog input[name=csrfmiddlewaretoken]").input_value()},
            )
            pass_time(page, 1)
    answer = asked.value.json()
    assert answer["signed_in"] and answer["seconds_left"] > 4, answer
    expect(page.get_by_role("dialog", name=DIALOG)).to_be_hidden()


# --- nothing typed is lost ----------------------------------------------------------------------------------


def test_session_ends_while_typing_then_save_sign_in_and_the_form_comes_back(council, live_server, page):
    family = asha_family()
    sign_in(page, live_server, "asha", through_form=True)
    type_into_add_person(page, live_server, family)

    age_session(page, 31 * 60)  # the worker was called away for half an hour
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("heading", level=1, name="Sign in")).to_be_visible()
    expect(page.get_by_text("before your changes were saved")).to_be_visible()
    assert_no_serious_axe_violations(page)
    assert not Person.objects.filter(first_name="Marigold").exists()

    sign_in_to(page)
    expect_typing_back(page, family)
    assert_no_serious_axe_violations(page)

    # They check it and save it themselves.
    page.get_by_role("button", name="Save").click()
    added = page.get_by_text(f"Marigold {SURNAME} added to the family")
    asked = page.get_by_text("Is this the same person?")
    expect(added.or_(asked)).to_be_visible()  # wait for the answer before looking at which it is
    if asked.count():  # the duplicate check may ask first
        page.get_by_label(re.compile("not the same person|different person", re.I)).first.check()
        page.get_by_role("button", name="Save").click()
    expect(page.get_by_text(f"Marigold {SURNAME} added to the family")).to_be_visible()
    assert Person.objects.filter(first_name="Marigold", known_as="Goldie").count() == 1


def test_when_the_warning_runs_out_what_was_typed_is_kept_for_after_sign_in(
    council, live_server, page, settings
):
    family = asha_family()
    page.clock.install()
    sign_in(page, live_server, "asha", through_form=True)
    settings.SESSION_IDLE_TIMEOUT_SECONDS = 8
    settings.SESSION_TIMEOUT_WARNING_SECONDS = 5
    type_into_add_person(page, live_server, family)
    pass_time(page, 3)
    expect(page.get_by_role("dialog", name=DIALOG)).to_be_visible(timeout=8_000)

    # Nobody answers the warning: the session ends and the script hands the typing to the server.
    pass_time(page, 6)
    expect(page.get_by_role("heading", level=1, name="Sign in")).to_be_visible(timeout=12_000)
    expect(page.get_by_text("before your changes were saved")).to_be_visible()
    assert not Person.objects.filter(first_name="Marigold").exists()

    settings.SESSION_IDLE_TIMEOUT_SECONDS = 30 * 60
    settings.SESSION_TIMEOUT_WARNING_SECONDS = 2 * 60
    sign_in_to(page)
    expect_typing_back(page, family)


def test_when_the_warning_runs_out_on_a_page_with_nothing_typed_it_goes_to_sign_in(
    council, live_server, page, settings
):
    settings.SESSION_IDLE_TIMEOUT_SECONDS = 5
    settings.SESSION_TIMEOUT_WARNING_SECONDS = 3
    page.clock.install()
    sign_in(page, live_server, "asha", through_form=True)
    pass_time(page, 2)
    expect(page.get_by_role("dialog", name=DIALOG)).to_be_visible(timeout=6_000)
    pass_time(page, 4)  # the warning runs out
    expect(page.get_by_role("heading", level=1, name="Sign in")).to_be_visible(timeout=10_000)
    expect(
        page.get_by_text(re.compile(r"You were signed out after \d+ minutes without activity"))
    ).to_be_visible()
    expect(page).to_have_url(re.compile(r"/accounts/sign-in/\?next=/my-families/$"))


# --- two-step sign-in ---------------------------------------------------------------------------------------


def test_set_up_an_authenticator_app_then_sign_in_with_a_code(council, live_server, page, settings):
    settings.REQUIRE_TWO_FACTOR = True
    page.goto(live_server.url + "/accounts/sign-in/")
    sign_in_to(page)
    expect(page.get_by_role("heading", level=1, name="Set up two-step sign-in")).to_be_visible()
    expect(page.get_by_role("img", name="QR code to scan with your authenticator app")).to_be_visible()
    assert_no_serious_axe_violations(page)

    device = TOTPDevice.objects.get(user__username="asha", confirmed=False)
    shown = page.locator("#secret-key").inner_text()
    assert re.fullmatch(r"([A-Z2-7]{4} )+[A-Z2-7]{1,4}", shown)
    page.get_by_label("Security code").fill("000000" if code_for(device) != "000000" else "111111")
    page.get_by_role("button", name="Set up two-step sign-in").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert_no_serious_axe_violations(page)

    page.wait_for_timeout(1_200)  # django-otp holds the device back for a second after a wrong code
    page.get_by_label("Security code").fill(code_for(device))
    page.get_by_role("button", name="Set up two-step sign-in").click()
    expect(page.get_by_role("heading", level=1, name="My families")).to_be_visible()
    expect(page.get_by_text("Two-step sign-in is set up")).to_be_visible()

    page.get_by_role("button", name=re.compile("^Sign out")).click()
    sign_in_to(page)
    expect(page.get_by_role("heading", level=1, name="Enter your security code")).to_be_visible()
    assert_no_serious_axe_violations(page)
    page.goto(live_server.url + "/my-families/")  # no way round it
    expect(page.get_by_role("heading", level=1, name="Enter your security code")).to_be_visible()

    device.refresh_from_db()
    page.get_by_label("Security code").fill(code_for(device, steps_ahead=1))  # the next code: not a replay
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1, name="My families")).to_be_visible()


def test_demo_user_sets_up_two_step_sign_in_from_the_account_page(council, live_server, page):
    sign_in(page, live_server, "dan", through_form=True)
    page.get_by_role("link", name="Account").click()
    expect(page.get_by_role("heading", level=1, name="Your account")).to_be_visible()
    assert_no_serious_axe_violations(page)
    page.get_by_role("button", name="Set up two-step sign-in").click()
    expect(page.get_by_label("Security code")).to_be_visible()  # the device exists once the page is back
    device = TOTPDevice.objects.get(user__username="dan", confirmed=False)
    page.get_by_label("Security code").fill(code_for(device))
    page.get_by_role("button", name="Set up two-step sign-in").click()
    expect(page.get_by_role("heading", level=1, name="Your account")).to_be_visible()
    expect(
        page.get_by_text("You enter a code from your authenticator app each time you sign in")
    ).to_be_visible()


# --- Content-Security-Policy in the browser ----------------------------------------------------------------


def collect_policy_violations(page: Page) -> list[str]:
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text)
            if "Content Security Policy" in message.text or "Refused to" in message.text
            else None
        ),
    )
    return violations


def test_service_pages_run_under_the_policy_without_violations(council, live_server, page):
    violations = collect_policy_violations(page)
    response = page.goto(live_server.url + "/accounts/sign-in/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    sign_in(page, live_server, "asha", through_form=True)
    family = asha_family()
    for path in [f"/families/{family.pk}/", f"/families/{family.pk}/people/new/", "/search/", "/accounts/"]:
        page.goto(live_server.url + path)
        # GOV.UK Frontend's script ran (it marks the components it starts): scripts load under the policy.
        expect(page.locator("[data-govuk-skip-link-init]")).to_have_count(1)
    page.goto(live_server.url + "/search/")
    page.get_by_label("Search for a person").fill(family.name.split()[0])
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", level=2, name=re.compile(r"result"))).to_be_visible()
    assert "?" not in page.url  # searched by POST: no name in the address
    assert violations == []


def test_admin_works_under_the_policy(council, live_server, page):
    violations = collect_policy_violations(page)
    page.goto(live_server.url + "/admin/")
    expect(page.get_by_role("heading", level=1, name="Sign in")).to_be_visible()  # our sign-in page
    sign_in_to(page, "sami")
    expect(page).to_have_url(re.compile(r"/admin/$"))
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()

    page.goto(live_server.url + "/admin/accounts/user/")
    # The admin's own JavaScript runs: "select all" ticks every row and the action counter updates.
    page.locator("#action-toggle").check()
    expect(page.locator("input.action-select").first).to_be_checked()
    expect(page.locator(".action-counter")).to_contain_text("selected")

    page.goto(live_server.url + "/admin/accounts/user/add/")
    expect(page.get_by_role("heading", level=1, name="Add user")).to_be_visible()
    page.goto(live_server.url + "/admin/otp_totp/totpdevice/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("TOTP device")
    assert violations == []
