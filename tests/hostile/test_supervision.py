"""Hostile input through group supervision's forms (reschedule, the meeting record, sign-off, addendum,
marking an action done), the team page's paging, and bad ids in their URLs (the values and checks are in
inputs.py)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from safeguarding.allocation.models import Allocation
from safeguarding.supervision.models import GroupSupervision, SupervisionAction
from safeguarding.supervision.services import invited_people, supervision_schedule
from tests.hostile.inputs import (
    HOSTILE,
    HYPOTHESIS,
    FormUnderTest,
    assert_bad_ids_not_found,
    assert_handled,
    assert_no_raw_markup,
    assert_other_methods_refused,
    date_part,
    dates,
    post_each_hostile_value,
    post_every_value_twice,
)

TODAY = timezone.localdate()


@pytest.fixture
def sv(council):
    """The council family's next supervision, held today (maria chairs), and a signed-off one before it
    with an open action asha owns."""
    family = council.family
    upcoming = GroupSupervision.objects.filter(family=family).exclude(status="signed_off").first()
    if upcoming is None:
        upcoming = supervision_schedule(actor=council.maria, family=family, scheduled_for=TODAY, today=TODAY)
    GroupSupervision.objects.filter(pk=upcoming.pk).update(scheduled_for=TODAY, chair=council.maria)
    last = GroupSupervision.objects.create(
        family=family,
        scheduled_for=TODAY - datetime.timedelta(days=28),
        status="signed_off",
        chair=council.maria,
        signed_off_at=timezone.now(),
        signed_off_by=council.maria,
    )
    action = SupervisionAction.objects.create(
        supervision=last, text="Visit at school", owner=council.asha, due_date=TODAY
    )
    council.__dict__.update(supervision=upcoming, last_supervision=last, action=action)
    return council


def _one(c, name, *extra):
    return reverse(name, args=[c.family.pk, c.supervision.pk, *extra])


def _record(c) -> dict:
    supervision = GroupSupervision.objects.get(pk=c.supervision.pk)
    people = invited_people(
        supervision, list(Allocation.objects.current().filter(family=c.family).select_related("worker"))
    )
    return {
        "version": str(supervision.version),
        **{f"attendance-{u.pk}": "attended" for u in people},
        "family_views": "The mother joined by phone",
        "hypotheses": "Stress at work",
        "decisions": ["continue"],
        "decision_other": "",
        "action-0-text": "Visit the children at school",
        "action-0-owner": str(c.asha.pk),
        **dates("action-0-due_date", TODAY.day, TODAY.month, TODAY.year),
    }


def _action_open_again(c) -> None:
    """Each post marks the action done: open it again, so every value is tried against an open action."""
    SupervisionAction.objects.filter(pk=c.action.pk).update(done_on=None, done_by=None, outcome="")


FORMS = {
    "supervision: reschedule": FormUnderTest(
        "maria",
        lambda c: _one(c, "supervision:reschedule"),
        lambda c: {
            **dates("scheduled_for", TODAY.day, TODAY.month, TODAY.year),
            "chair": str(c.maria.pk),
            "invitees": [],
        },
        ("scheduled_for_day", "scheduled_for_year", "chair", "invitees"),
    ),
    "supervision: record": FormUnderTest(
        "maria",
        lambda c: _one(c, "supervision:record"),
        _record,
        (
            "version",
            "family_views",
            "hypotheses",
            "decisions",
            "decision_other",
            "action-0-text",
            "action-0-owner",
            "action-0-due_date_month",
        ),
    ),
    "supervision: addendum": FormUnderTest(
        "maria",
        lambda c: reverse("supervision:addendum", args=[c.family.pk, c.last_supervision.pk]),
        lambda c: {"text": "Police attended after the meeting", "reason": "Came to light later"},
        ("text", "reason"),
    ),
    "supervision: action done": FormUnderTest(
        "asha",
        lambda c: reverse("supervision:action-done", args=[c.family.pk, c.last_supervision.pk, c.action.pk]),
        lambda c: (
            _action_open_again(c)
            or {"outcome": "Visited", **dates("done_on", TODAY.day, TODAY.month, TODAY.year)}
        ),
        ("outcome", "done_on_day"),
    ),
    "supervision: sign off": FormUnderTest(
        # Its one field is a tick box (any value is a tick): the valid post, doubled values and other
        # methods are tried, not each hostile value.
        "maria",
        lambda c: _one(c, "supervision:sign-off"),
        lambda c: {"confirm": "on"},
        (),
    ),
}
FORM_FIELDS = [(form, field) for form, spec in FORMS.items() for field in spec.fields]


@pytest.mark.parametrize("form", list(FORMS), ids=str)
def test_the_valid_posts_the_hostile_values_go_into_are_saved(client, sv, form):
    spec = FORMS[form]
    client.force_login(getattr(sv, spec.user))
    if form == "supervision: sign off":  # a record first, to sign off
        client.post(_one(sv, "supervision:record"), _record(sv))
    assert assert_handled(client, client.post(spec.url(sv), spec.data(sv)), form) == "saved"


@pytest.mark.parametrize(("form", "field"), FORM_FIELDS, ids=[f"{f}: {field}" for f, field in FORM_FIELDS])
def test_hostile_value_in_any_form_field_is_saved_escaped_or_refused_never_a_server_error(
    sv, client, form, field
):
    post_each_hostile_value(client, sv, FORMS[form], form, field)


@pytest.mark.parametrize("form", list(FORMS), ids=str)
def test_lists_where_single_values_are_expected_are_handled(client, sv, form):
    post_every_value_twice(client, sv, FORMS[form], form)


@pytest.mark.parametrize("form", list(FORMS), ids=str)
@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_other_http_methods_on_a_form_are_refused_with_405(client, sv, form, method):
    assert_other_methods_refused(client, sv, FORMS[form], method)


@given(
    judgement=st.text(max_size=4),
    attendance=st.text(max_size=12),
    day=date_part,
    month=date_part,
    year=date_part,
    owner=st.text(max_size=12),
)
@HYPOTHESIS
def test_any_judgement_attendance_owner_and_due_date_in_the_record_are_saved_or_refused(
    client, sv, judgement, attendance, day, month, year, owner
):
    client.force_login(sv.maria)
    data = {
        **_record(sv),
        f"child-{sv.child.pk}-safety_judgement": judgement,
        f"attendance-{sv.maria.pk}": attendance,
        "action-0-owner": owner,
        **dates("action-0-due_date", day, month, year),
    }
    url = _one(sv, "supervision:record")
    assert assert_handled(client, client.post(url, data), repr(data)) in ("saved", "refused")


@pytest.mark.parametrize("label", HOSTILE, ids=str)
def test_hostile_paging_on_the_team_page_is_answered(client, sv, label):
    client.force_login(sv.maria)
    response = client.get(reverse("supervision:team", args=[sv.family.team_id]), {"page": HOSTILE[label]})
    assert response.status_code == 200
    assert_no_raw_markup(response)


URL_SHAPES = [
    "/families/{}/supervision/",
    "/families/{}/supervision/schedule/",
    "/families/{family}/supervision/{}/",
    "/families/{family}/supervision/{}/record/",
    "/families/{family}/supervision/{}/sign-off/",
    "/families/{family}/supervision/{}/addendum/",
    "/supervisions/teams/{}/",
]


@pytest.mark.parametrize("shape", URL_SHAPES)
def test_invalid_or_unknown_ids_in_urls_are_not_found(client, sv, shape):
    assert_bad_ids_not_found(client, sv, shape)
