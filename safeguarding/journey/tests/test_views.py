"""The child's journey pages through the real views: recording each step, rule errors on the form, who may
record and correct, corrections kept with their history, and a journey page whose query count does not
grow with the child's history."""

from __future__ import annotations

import datetime
import re
import uuid
from html.parser import HTMLParser

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from safeguarding.accounts.models import User
from safeguarding.accounts.tests.factories import TeamFactory, UserFactory
from safeguarding.allocation.models import CaseRole
from safeguarding.allocation.tests.factories import AllocationFactory
from safeguarding.audit.models import AuditEvent
from safeguarding.journey import models as journey
from safeguarding.journey import records, services
from safeguarding.journey.forms import STEP_FORMS
from safeguarding.journey.records import journey_page
from safeguarding.journey.steps import CORRECTABLE_FIELDS, STEPS, STEPS_BY_SLUG
from safeguarding.people.tests.factories import FamilyMemberFactory
from safeguarding.tasks.models import Deadline
from tests.dates import shows_date

from .journeys import CP_PLAN, DONE, POSTS, dates, day, do, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


def allocated(world, **user) -> User:
    worker = UserFactory(team=world.team, **user)
    AllocationFactory(family=world.family, worker=worker, case_role=CaseRole.OTHER)
    return worker


def step_url(world, slug: str, person=None) -> str:
    return reverse("journey:step", args=[(person or world.child).pk, slug])


def journey_url(world, person=None) -> str:
    return reverse("journey:child-journey", args=[(person or world.child).pk])


def record_count() -> int:
    return sum(model.objects.count() for model in {step.model for step in STEPS})


def test_every_step_has_a_form_and_a_post_in_these_tests():
    assert set(POSTS) == set(STEPS_BY_SLUG) == set(STEP_FORMS)


def test_every_steps_section_is_on_the_journey_page(world):
    titles = {section.title for section in journey_page(world.sw, world.child)["sections"]}
    assert {step.section for step in STEPS} <= titles


# --- recording each step -------------------------------------------------------------------------------


@pytest.mark.parametrize("slug", list(POSTS))
def test_a_social_worker_records_each_step_through_its_page(client, world, slug):
    before, data = POSTS[slug]
    do(world.sw, world.child, *before)
    client.force_login(world.sw)
    step = STEPS_BY_SLUG[slug]

    page = client.get(step_url(world, slug))
    assert page.status_code == 200
    assert escape(step.title) in page.content.decode()

    found_before = step.find(world.child) if step.mode == "complete" else None
    count_before = step.model.objects.filter(child=world.child).count()
    response = client.post(step_url(world, slug), data)

    assert response.status_code == 302, response.content.decode()
    assert response["Location"].startswith(journey_url(world))
    if step.mode == "create":
        assert step.model.objects.filter(child=world.child).count() == count_before + 1
    else:
        assert step.find(world.child) != found_before or step.slug == "cp-plan-category"
    landing = client.get(response["Location"])
    assert landing.status_code == 200
    assert "govuk-notification-banner--success" in landing.content.decode()


def test_recording_says_what_was_recorded_and_what_is_due_next(client, world):
    client.force_login(world.sw)
    response = client.post(step_url(world, "referral"), POSTS["referral"][1], follow=True)
    body = response.content.decode()
    assert shows_date(body, day(0), before="Referral on ", after=" recorded")
    deadline = Deadline.objects.filter(child=world.child).order_by("due_date").first()
    if deadline is not None:  # the assessment's 45 working days run from the referral
        next_due = f"Next due: {deadline.get_kind_display().lower()} by "
        assert shows_date(body, deadline.due_date, before=next_due)
    else:
        assert "Nothing is due for" in body


def test_a_rule_error_from_the_service_is_shown_on_the_form_and_nothing_is_saved(client, world):
    plan = do(world.sw, world.child, "referral", "strategy-discussion", "initial-conference", "cp-plan")
    client.force_login(world.sw)
    data = {**dates("end_date", plan.start_date), "end_reason": "no_longer_needed"}

    response = client.post(step_url(world, "cp-plan-end"), data)

    assert response.status_code == 200
    body = response.content.decode()
    assert "govuk-error-summary" in body
    assert "cannot start and end on the same day" in body
    plan.refresh_from_db()
    assert plan.end_date is None


def test_a_form_error_is_shown_with_the_field_and_nothing_is_saved(client, world):
    client.force_login(world.sw)
    tomorrow = timezone.localdate() + datetime.timedelta(days=2)
    data = {**POSTS["visit"][1], **dates("date", tomorrow)}

    response = client.post(step_url(world, "visit"), data)

    assert response.status_code == 200
    assert "Date of the visit must be today or in the past" in response.content.decode()
    assert not journey.Visit.objects.exists()


def test_a_step_waiting_for_a_record_says_what_to_record_first(client, world):
    client.force_login(world.sw)
    page = client.get(step_url(world, "cp-plan-end")).content.decode()
    assert "There is no open child protection plan" in page
    assert '<form method="post" novalidate>' not in page

    response = client.post(step_url(world, "cp-plan-end"), POSTS["cp-plan-end"][1])
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    assert record_count() == 0


def test_the_conference_page_shows_when_the_conference_is_due(client, world):
    enquiry = do(world.sw, world.child, "referral", "strategy-discussion")
    client.force_login(world.sw)
    body = client.get(step_url(world, "initial-conference")).content.decode()
    assert shows_date(body, enquiry.icpc_target)
    assert "Initial child protection conference due by" in body


def test_the_authorisation_page_shows_when_the_assessment_is_due(client, world):
    from safeguarding.journey.clocks import assessment_due

    do(world.sw, world.child, "referral", "assessment")
    client.force_login(world.sw)
    body = client.get(step_url(world, "assessment-authorisation")).content.decode()
    assert shows_date(body, assessment_due(day(0)))
    assert "45 working days from the referral" in body


def test_the_factors_are_grouped_with_the_parents_problems_first(client, world):
    do(world.sw, world.child, "referral", "assessment")
    client.force_login(world.sw)
    body = client.get(step_url(world, "assessment-authorisation")).content.decode()
    heading = body.index("The adults' problems Family Safeguarding works on")
    parent = body.index('value="1B"')
    other = body.index('value="1A"')
    none = body.index('value="21"')
    assert heading < parent < other < none
    assert 'value="21" data-behaviour="exclusive"' in body


def test_unknown_step_is_not_found(client, world):
    client.force_login(world.sw)
    assert client.get(step_url(world, "no-such-step")).status_code == 404
    assert client.post(step_url(world, "no-such-step"), {}).status_code == 404


# --- who may see and record ----------------------------------------------------------------------------


def test_a_partner_agency_practitioner_reads_the_journey_but_may_not_record(client, world):
    do(world.sw, world.child, "referral")
    practitioner = allocated(world, partner=True)
    client.force_login(practitioner)

    page = client.get(journey_url(world))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Referral on" in body
    assert step_url(world, "assessment") not in body
    assert client.get(step_url(world, "assessment")).status_code == 403
    before = record_count()
    assert client.post(step_url(world, "visit"), POSTS["visit"][1]).status_code == 403
    assert record_count() == before
    assert client.get(reverse("journey:child-chronology", args=[world.child.pk])).status_code == 200


def test_a_family_support_worker_records_a_visit_but_not_a_referral(client, world):
    worker = allocated(world, role=User.Role.FAMILY_SUPPORT_WORKER)
    client.force_login(worker)

    body = client.get(journey_url(world)).content.decode()
    assert step_url(world, "visit") in body
    assert step_url(world, "referral") not in body
    assert client.post(step_url(world, "visit"), POSTS["visit"][1]).status_code == 302
    assert journey.Visit.objects.get().visited_by == worker
    assert client.get(step_url(world, "referral")).status_code == 403
    assert client.post(step_url(world, "referral"), POSTS["referral"][1]).status_code == 403
    assert not journey.EpisodeOfNeed.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        lambda w: journey_url(w),
        lambda w: step_url(w, "visit"),
        lambda w: reverse("journey:child-chronology", args=[w.child.pk]),
        lambda w: reverse("journey:family-chronology", args=[w.family.pk]),
    ],
    ids=["journey", "step", "chronology", "family chronology"],
)
def test_an_unrelated_social_worker_is_told_not_found_and_the_refusal_is_audited(client, world, url):
    stranger = UserFactory(team=TeamFactory())
    client.force_login(stranger)

    assert client.get(url(world)).status_code == 404
    assert AuditEvent.objects.filter(actor=stranger, action=AuditEvent.Action.DENIED).exists()
    assert not AuditEvent.objects.filter(actor=stranger, action=AuditEvent.Action.VIEW).exists()


@pytest.mark.parametrize(
    "url",
    [
        lambda w: journey_url(w, w.mother),
        lambda w: step_url(w, "visit", w.mother),
        lambda w: reverse("journey:child-chronology", args=[w.mother.pk]),
    ],
    ids=["journey", "step", "chronology"],
)
def test_an_adults_pages_are_not_found_the_journey_is_a_childs(client, world, url):
    client.force_login(world.sw)
    assert client.get(url(world)).status_code == 404
    assert client.post(step_url(world, "visit", world.mother), POSTS["visit"][1]).status_code == 404
    assert not journey.Visit.objects.exists()


def test_viewing_the_journey_is_audited_as_a_view_of_the_child(client, world):
    client.force_login(world.sw)
    client.get(journey_url(world))
    event = AuditEvent.objects.filter(actor=world.sw, action=AuditEvent.Action.VIEW).latest("id")
    assert event.object_id == str(world.child.pk)
    assert event.family_id == world.family.pk


def test_recording_is_audited_by_the_service(client, world):
    client.force_login(world.sw)
    client.post(step_url(world, "visit"), POSTS["visit"][1])
    visit = journey.Visit.objects.get()
    assert AuditEvent.objects.filter(
        actor=world.sw, action=AuditEvent.Action.CREATE, object_id=str(visit.pk)
    ).exists()


# --- the journey page ----------------------------------------------------------------------------------


class JourneyPage(HTMLParser):
    """What the journey page offers, read from its HTML: the steps linked before the Other steps heading
    (those that follow from the records now) and after it, and the first element in <main> with the text
    of the success banner, where the banner is one."""

    def __init__(self, html: str, child):
        super().__init__(convert_charrefs=True)
        self.step_link = re.compile(
            rf"^{re.escape(reverse('journey:child-journey', args=[child.pk]))}([a-z-]+)/$"
        )
        self.suggested: list[str] = []
        self.other: list[str] = []
        self.ids: set[str] = set()
        self.main_first: tuple[str, dict] | None = None
        self.banner_heading = ""
        self.banner_links: list[str] = []
        self._past_other_heading = False
        self._in_main = False
        self._in_banner_heading = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if attrs.get("id") == "other-steps":
            self._past_other_heading = True
        if tag == "main":
            self._in_main = True
            return
        if self._in_main and self.main_first is None:
            self.main_first = (tag, attrs)
        classes = (attrs.get("class") or "").split()
        if "govuk-notification-banner__heading" in classes:
            self._in_banner_heading = True
        if tag == "a":
            if self._in_banner_heading:
                self.banner_links.append(attrs.get("href", ""))
            step = self.step_link.match(attrs.get("href") or "")
            if step:
                (self.other if self._past_other_heading else self.suggested).append(step.group(1))

    def handle_endtag(self, tag):
        if tag == "p":
            self._in_banner_heading = False

    def handle_data(self, data):
        if self._in_banner_heading:
            self.banner_heading += data


def journey_page_html(client, world) -> JourneyPage:
    response = client.get(journey_url(world))
    assert response.status_code == 200
    return JourneyPage(response.content.decode(), world.child)


def test_the_journey_page_offers_first_the_steps_that_can_be_recorded_now(client, world):
    client.force_login(world.sw)
    page = journey_page_html(client, world)
    for always in ("referral", "visit", "pre-proceedings", "care-proceedings", "looked-after"):
        assert always in page.suggested
    for waiting in (
        "assessment",
        "cp-plan-end",
        "closure",
        "hearing",
        "looked-after-end",
        "looked-after-review",
        "missing",
    ):
        assert waiting not in page.suggested
        assert waiting in page.other

    do(world.sw, world.child, "referral")
    page = journey_page_html(client, world)
    assert "assessment" in page.suggested
    assert "closure" in page.suggested


ALL_STEPS = frozenset(STEPS_BY_SLUG)
# Steps that need nothing open first (new pre-proceedings or care proceedings: while none are open).
ANY_TIME = {"visit", "pre-proceedings", "care-proceedings", "looked-after"}
ON_A_REFERRAL = {"assessment", "strategy-discussion", "cin-plan", "closure"}
ON_A_CP_PLAN = {"review-conference", "core-group", "cp-plan-category", "cp-plan-end"}
# A looked-after review and a missing episode are of a child in care (rules._looked_after_review; SSDA903's
# missing table is of children missing from a placement).
IN_CARE = {"looked-after-review", "missing"}


@pytest.mark.parametrize(
    ("done", "suggested"),
    [
        pytest.param([], {"referral"} | ANY_TIME, id="no open referral: record one, nothing to close or end"),
        pytest.param(
            ["referral"], ON_A_REFERRAL | {"cp-plan"} | ANY_TIME, id="open referral: no second referral"
        ),
        pytest.param(
            ["referral", "assessment"],
            (ON_A_REFERRAL - {"assessment", "closure"}) | {"assessment-authorisation", "cp-plan"} | ANY_TIME,
            id="assessment in progress: authorise it, do not start another, do not close yet",
        ),
        pytest.param(
            ["referral", "assessment", "assessment-authorisation"],
            ON_A_REFERRAL | {"cp-plan"} | ANY_TIME,
            id="assessment authorised: a new one, or close the referral",
        ),
        pytest.param(
            ["referral", "strategy-discussion"],
            (ON_A_REFERRAL - {"strategy-discussion", "closure"})
            | {"initial-conference", "cp-plan"}
            | ANY_TIME,
            id="section 47 enquiry open: its conference, not a second enquiry, not closing the referral",
        ),
        pytest.param(
            CP_PLAN,
            (ON_A_REFERRAL - {"cin-plan", "closure"}) | ON_A_CP_PLAN | ANY_TIME,
            id="open child protection plan: its meetings and its end; no CIN plan and no closure while open",
        ),
        pytest.param(
            ["referral", "cin-plan"],
            (ON_A_REFERRAL - {"cin-plan", "closure"}) | {"cin-plan-end"} | ANY_TIME,
            id="open child in need plan: end it before a step-up to a CP plan or closing the referral",
        ),
        pytest.param(
            ["looked-after"],
            {"referral", "looked-after-end"} | ANY_TIME | IN_CARE,
            id="looked after: a new episode (a move), the end of care, reviews and missing episodes",
        ),
        pytest.param(
            ["looked-after", "looked-after-end"],
            {"referral"} | ANY_TIME,
            id="left care: no review and no missing episode from care",
        ),
        pytest.param(
            ["pre-proceedings", "care-proceedings"],
            {"referral", "pre-proceedings-meeting", "pre-proceedings-decision", "hearing", "final-order"}
            | (ANY_TIME - {"pre-proceedings", "care-proceedings"}),
            id="in pre-proceedings and proceedings: their meetings, hearings and decisions, not new ones",
        ),
    ],
)
def test_the_journey_page_splits_the_steps_by_the_childs_records(client, world, done, suggested):
    do(world.sw, world.child, *done)
    client.force_login(world.sw)
    page = journey_page_html(client, world)
    assert set(page.suggested) == suggested
    # Every other step is still offered, once, under Other steps: a worker may try it and read the rule.
    assert sorted(page.other) == sorted(ALL_STEPS - suggested)
    assert len(page.suggested) == len(set(page.suggested))


# A break of an agreed series of short breaks (SSDA903 legal status V3): one episode per break, each
# started with reason S and ended when the child goes home (E4A).
SHORT_BREAK = {
    "start_date": day(10),
    "reason_new_episode": "S",
    "legal_status": "V3",
    "category_of_need": "N2",
    "placement_type": "U6",
    "placement_provider": "PR1",
}


def short_break_taken(world, reason_ceased="E4A"):
    """A short break from day 10 to day 13."""
    services.journey_record(actor=world.sw, child=world.child, step="looked-after", values=SHORT_BREAK)
    services.journey_record(
        actor=world.sw,
        child=world.child,
        step="looked-after-end",
        values={"end_date": day(13), "reason_ceased": reason_ceased},
    )


def suggested_slugs(world) -> set[str]:
    return {
        link.step.slug
        for section in journey_page(world.sw, world.child)["sections"]
        for link in section.steps
    }


def test_no_work_is_suggested_on_a_referral_decided_no_further_action(world):
    # rules._within_episode: the census reads work on an NFA referral as an error.
    referral_decided_nfa(world)
    suggested = suggested_slugs(world)
    assert not suggested & {"assessment", "strategy-discussion", "cp-plan", "cin-plan"}
    assert "closure" in suggested


def test_only_pre_birth_work_is_suggested_for_an_unborn_child(world):
    not_yet_born(world)
    # rules.PRE_BIRTH_RECORDS: an unborn child cannot be looked after or the subject of care proceedings.
    assert not suggested_slugs(world) & {"looked-after", "care-proceedings"}
    assert {"referral", "visit", "pre-proceedings"} <= suggested_slugs(world)


def test_a_child_on_short_breaks_is_offered_a_review_between_breaks_but_no_missing_episode(world):
    short_break_taken(world)
    suggested = suggested_slugs(world)
    assert "looked-after-review" in suggested  # reg 48: reviewed as one arrangement, at home too
    assert "missing" not in suggested  # at home: not missing from a placement
    review = services.journey_record(
        actor=world.sw,
        child=world.child,
        step="looked-after-review",
        values={"date": day(60), "participation": "PN1"},
    )
    assert review.pk


def test_a_short_breaks_arrangement_ended_otherwise_than_by_going_home_offers_no_review(world):
    # E8, ceased for any other reason: the arrangement itself was brought to an end.
    short_break_taken(world, reason_ceased="E8")
    assert "looked-after-review" not in suggested_slugs(world)


# Children in the states a worker meets, built through the services: every step the page suggests must not
# be refused because of the child's state (a message for the record as a whole, not for one of its fields:
# "End the child protection plan before closing the referral"). A field's date may still be wrong for the
# form's test values; that is the worker's to fix, and says nothing about what the page suggested.
STATES = {
    "nothing recorded": [],
    "referral": ["referral"],
    "assessment in progress": ["referral", "assessment"],
    "assessment authorised": ["referral", "assessment", "assessment-authorisation"],
    "section 47 enquiry": ["referral", "strategy-discussion"],
    "child protection plan": CP_PLAN,
    "child in need plan": ["referral", "cin-plan"],
    "looked after": ["looked-after"],
    "left care": ["looked-after", "looked-after-end"],
    "pre-proceedings and proceedings": ["pre-proceedings", "care-proceedings"],
}


class _RolledBack(Exception):
    pass


def state_refusal(world, slug: str) -> list[str]:
    """What the service says about the whole record when the step is recorded with its test post (rolled
    back either way)."""
    form = STEP_FORMS[slug](POSTS[slug][1])
    assert form.is_valid(), (slug, form.errors)
    try:
        with transaction.atomic():
            services.journey_record(actor=world.sw, child=world.child, step=slug, values=form.values())
            raise _RolledBack
    except _RolledBack:
        return []
    except ValidationError as error:
        return getattr(error, "error_dict", {NON_FIELD_ERRORS: error.messages}).get(NON_FIELD_ERRORS, [])


def referral_decided_nfa(world):
    services.journey_record(
        actor=world.sw,
        child=world.child,
        step="referral",
        values={**DONE["referral"], "no_further_action": True},
    )


def not_yet_born(world):
    world.child.date_of_birth = None
    world.child.expected_date_of_birth = timezone.localdate() + datetime.timedelta(days=60)
    world.child.save()


BUILT_OTHERWISE = {
    "between short breaks": short_break_taken,
    "referral decided no further action": referral_decided_nfa,
    "unborn": not_yet_born,
}


@pytest.mark.parametrize("state", [*STATES, *BUILT_OTHERWISE])
def test_no_suggested_step_is_refused_for_the_childs_state(world, state):
    if state in BUILT_OTHERWISE:
        BUILT_OTHERWISE[state](world)
    else:
        do(world.sw, world.child, *STATES[state])
    suggested = suggested_slugs(world)
    assert suggested
    refused = {slug: state_refusal(world, slug) for slug in sorted(suggested)}
    assert {slug: messages for slug, messages in refused.items() if messages} == {}


@pytest.mark.parametrize(
    "done",
    [
        [],
        ["referral", "assessment"],
        ["referral", "strategy-discussion"],
        CP_PLAN,
        ["referral", "cin-plan"],
        ["looked-after"],
        ["pre-proceedings", "care-proceedings"],
    ],
)
def test_the_page_finds_the_open_records_the_steps_own_finders_find(world, done):
    do(world.sw, world.child, *done)
    loaded = {model: list(model.objects.filter(child=world.child)) for model in CORRECTABLE_FIELDS}
    open_now = records.open_records(loaded)
    for step in STEPS:
        if step.find is not None:
            assert bool(open_now.get(step.needs_open)) == (step.find(world.child) is not None), step.slug


def test_a_family_support_worker_is_offered_only_the_visit(client, world):
    worker = allocated(world, role=User.Role.FAMILY_SUPPORT_WORKER)
    client.force_login(worker)
    page = journey_page_html(client, world)
    assert (page.suggested, page.other) == (["visit"], [])


def test_after_a_save_the_success_banner_is_the_first_thing_in_main_and_takes_focus(client, world):
    client.force_login(world.sw)
    response = client.post(step_url(world, "visit"), POSTS["visit"][1])

    # No #fragment: the browser would scroll to the record after the banner took focus.
    assert response["Location"] == journey_url(world)
    page = JourneyPage(client.get(response["Location"]).content.decode(), world.child)
    tag, attrs = page.main_first
    assert tag == "div"
    assert "govuk-notification-banner--success" in attrs["class"].split()
    # GOV.UK Frontend focuses a banner with role="alert" on load unless auto-focus is turned off.
    assert attrs["role"] == "alert"
    assert attrs["data-module"] == "govuk-notification-banner"
    assert "data-disable-auto-focus" not in attrs
    visit = journey.Visit.objects.get()
    when = f"{visit.date:%-d %B %Y}"
    assert " ".join(page.banner_heading.split()) == (
        f"Visit on {when} recorded. Nothing is due for {world.child.full_name} now. Go to the visit on {when}"
    )
    assert page.banner_links == [f"#visit-{visit.pk}"]
    assert f"visit-{visit.pk}" in page.ids


def test_after_a_correction_the_success_banner_is_the_first_thing_in_main(client, world):
    episode = do(world.sw, world.child, "referral")
    client.force_login(world.sw)
    data = {
        **dates("referral_date", day(0)),
        "referral_source": "6",
        "primary_need": "N1",
        "no_further_action": "false",
        "reason": "The police made the referral, not the school",
    }
    response = client.post(
        reverse("journey:record-correct", args=[world.child.pk, "episodeofneed", episode.pk]), data
    )

    assert response["Location"] == journey_url(world)
    page = JourneyPage(client.get(response["Location"]).content.decode(), world.child)
    tag, attrs = page.main_first
    assert (tag, attrs["role"]) == ("div", "alert")
    assert "govuk-notification-banner--success" in attrs["class"].split()
    when = f"{episode.referral_date:%-d %B %Y}"
    assert " ".join(page.banner_heading.split()) == (
        f"Correction to the referral on {when} saved. The previous values are kept. "
        f"Go to the referral on {when}"
    )
    assert page.banner_links == [f"#episodeofneed-{episode.pk}"]


def test_the_journey_page_shows_the_records_values_and_next_due_dates(client, world):
    do(world.sw, world.child, "referral", "assessment")
    Deadline.objects.create(
        child=world.child,
        family=world.family,
        kind=journey.DeadlineKind.ASSESSMENT,
        due_date=timezone.localdate() - datetime.timedelta(days=3),
        basis="45 working days from the referral",
    )
    client.force_login(world.sw)
    body = client.get(journey_url(world)).content.decode()
    assert "Schools" in body  # the referral source, as words
    assert "N1 Abuse, neglect and exploitation" in body
    assert "Assessments" in body and shows_date(body, day(1))
    assert "Next due" in body and "Overdue" in body


JOURNEY_PAGE_QUERIES = 29


def test_the_journey_page_costs_the_same_queries_for_one_record_or_many(client, world):
    def add_history(n: int, offset: int):
        for i in range(n):
            journey.Visit.objects.create(child=world.child, date=day(offset + i), child_seen=True)
            journey.ReviewConference.objects.create(child=world.child, plan=plan, date=day(20 + offset + i))
            journey.CoreGroupMeeting.objects.create(child=world.child, plan=plan, date=day(15 + offset + i))
            journey.LookedAfterReview.objects.create(
                child=world.child, date=day(70 + offset + i), participation="PN1"
            )
            journey.MissingEpisode.objects.create(
                child=world.child, kind="M", start_date=day(80 + offset + i)
            )
            journey.Correction.objects.create(
                child=world.child,
                record_type="episodeofneed",
                record_id=episode.pk,
                changes={"referral_source": ["Schools", "Police"]},
                reason=f"Typed wrongly {i}",
                corrected_by=world.sw,
            )

    episode = do(world.sw, world.child, "referral")
    plan = do(world.sw, world.child, "strategy-discussion", "initial-conference", "cp-plan")
    do(world.sw, world.child, "looked-after")
    add_history(1, 0)
    client.force_login(world.sw)
    url = journey_url(world)

    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    add_history(15, 1)
    with CaptureQueriesContext(connection) as big:
        assert client.get(url).status_code == 200

    assert len(big) == len(small), "\n".join(q["sql"] for q in big.captured_queries)
    # What the page costs today plus one (it was 38 when each step's finder asked the database): which
    # steps follow from the records is worked out from the records the page loads anyway.
    assert len(small) <= JOURNEY_PAGE_QUERIES, "\n".join(q["sql"] for q in small.captured_queries)
    assert "Showing the latest 10 of 16" in client.get(url).content.decode()


# --- corrections ---------------------------------------------------------------------------------------


def correct_url(world, record) -> str:
    return reverse("journey:record-correct", args=[world.child.pk, record._meta.model_name, record.pk])


def test_a_correction_is_saved_with_its_reason_and_the_history_is_shown(client, world):
    episode = do(world.sw, world.child, "referral")
    client.force_login(world.sw)
    page = client.get(correct_url(world, episode)).content.decode()
    assert "Why are you correcting this?" in page
    assert f'value="{day(0).day}"' in page  # prefilled

    data = {
        **dates("referral_date", day(0)),
        "referral_source": "6",
        "primary_need": "N1",
        "no_further_action": "false",
        "reason": "The police made the referral, not the school",
    }
    response = client.post(correct_url(world, episode), data)

    assert response.status_code == 302
    episode.refresh_from_db()
    assert episode.referral_source == "6"
    correction = journey.Correction.objects.get()
    assert correction.changes == {"referral_source": ["Schools", "Police"]}
    journey_body = client.get(journey_url(world)).content.decode()
    assert "The police made the referral, not the school" in journey_body
    assert "Schools changed to Police" in journey_body
    assert f"by {escape(world.sw.display_name)}" in journey_body
    correct_body = client.get(correct_url(world, episode)).content.decode()
    assert "Corrected on" in correct_body and "The police made the referral, not the school" in correct_body


def test_a_correction_needs_a_reason(client, world):
    episode = do(world.sw, world.child, "referral")
    client.force_login(world.sw)
    data = {**dates("referral_date", day(1)), "referral_source": "2A", "no_further_action": "false"}
    response = client.post(correct_url(world, episode), data)
    assert response.status_code == 200
    assert "Enter why you are correcting this" in response.content.decode()
    episode.refresh_from_db()
    assert episode.referral_date == day(0)


def test_a_correction_that_changes_nothing_is_refused_with_a_message(client, world):
    episode = do(world.sw, world.child, "referral")
    client.force_login(world.sw)
    data = {
        **dates("referral_date", day(0)),
        "referral_source": "2A",
        "primary_need": "N1",
        "no_further_action": "false",
        "reason": "Checking",
    }
    response = client.post(correct_url(world, episode), data)
    assert response.status_code == 200
    assert "You have not changed anything" in response.content.decode()
    assert not journey.Correction.objects.exists()


def test_correcting_needs_a_known_record_of_this_child_and_a_worker_who_may_correct(client, world):
    episode = do(world.sw, world.child, "referral")
    client.force_login(world.sw)
    unknown_type = reverse("journey:record-correct", args=[world.child.pk, "person", episode.pk])
    assert client.get(unknown_type).status_code == 404
    missing = reverse("journey:record-correct", args=[world.child.pk, "episodeofneed", uuid.uuid4()])
    assert client.get(missing).status_code == 404
    sibling = FamilyMemberFactory(family=world.family).person
    not_theirs = reverse("journey:record-correct", args=[sibling.pk, "episodeofneed", episode.pk])
    assert client.get(not_theirs).status_code == 404

    client.force_login(allocated(world, role=User.Role.FAMILY_SUPPORT_WORKER))
    assert client.get(correct_url(world, episode)).status_code == 403
    client.force_login(allocated(world, partner=True))
    assert client.get(correct_url(world, episode)).status_code == 403
    body = client.get(journey_url(world)).content.decode()
    assert correct_url(world, episode) not in body


# --- the person and family pages -----------------------------------------------------------------------


def test_a_childs_page_links_to_the_journey_and_shows_the_next_due_dates(client, world):
    Deadline.objects.create(
        child=world.child,
        family=world.family,
        kind=journey.DeadlineKind.CP_VISIT,
        due_date=timezone.localdate() + datetime.timedelta(days=1),
        basis="10 working days from the last visit",
    )
    client.force_login(world.sw)
    body = client.get(reverse("casefile:person-detail", args=[world.child.pk])).content.decode()
    assert journey_url(world) in body
    assert reverse("journey:child-chronology", args=[world.child.pk]) in body
    assert "Child protection visit" in body and "Due soon" in body

    adult = client.get(reverse("casefile:person-detail", args=[world.mother.pk])).content.decode()
    assert journey_url(world, world.mother) not in adult


def test_the_family_page_shows_the_latest_events_and_links_to_the_chronology(client, world):
    do(world.sw, world.child, "referral")
    client.force_login(world.sw)
    body = client.get(reverse("casefile:family-detail", args=[world.family.pk])).content.decode()
    assert "Referral received" in body and "for Mia" in body
    assert reverse("journey:family-chronology", args=[world.family.pk]) in body


def test_a_child_who_moved_here_on_another_councils_plan_starts_it_at_the_transfer_in_conference(
    client, world
):
    """No section 47 enquiry or initial conference here: the worker answers the transfer-in question, and
    the plan's clocks run from the transfer-in conference."""
    do(world.sw, world.child, "referral")
    client.force_login(world.sw)
    post = {**dates("start_date", day(10)), "initial_category": "NEG"}

    refused = client.post(step_url(world, "cp-plan"), post)
    assert refused.status_code == 200
    assert "answer yes to the transfer-in conference question" in refused.content.decode()
    assert not journey.ChildProtectionPlan.objects.exists()

    response = client.post(step_url(world, "cp-plan"), {**post, "started_at_transfer_in": "true"})
    assert response.status_code == 302
    plan = journey.ChildProtectionPlan.objects.get(child=world.child)
    assert plan.started_at_transfer_in and plan.start_date == day(10)
    assert world.child.deadlines.filter(kind=journey.DeadlineKind.FIRST_CORE_GROUP).exists()


def test_where_a_looked_after_child_is_placed_is_withheld_from_the_parents_practitioner(client, world):
    # The child's social worker, who visits them, sees the placement's postcode on the journey; the domestic
    # abuse practitioner working with the mother (a partner agency) reads the journey without it.
    episode = do(world.sw, world.child, "looked-after")
    journey.LookedAfterEpisode.objects.filter(pk=episode.pk).update(placement_postcode="DB4 4QQ")
    practitioner = AllocationFactory(
        family=world.family,
        worker=UserFactory(partner=True, team=world.team),
        case_role=CaseRole.DA_VICTIM_PRACTITIONER,
    ).worker
    url = reverse("journey:child-journey", args=[world.child.pk])
    client.force_login(world.sw)
    assert "DB4 4QQ" in client.get(url).content.decode()
    client.force_login(practitioner)
    body = client.get(url).content.decode()
    assert "DB4 4QQ" not in body and "Withheld: only the child" in body
