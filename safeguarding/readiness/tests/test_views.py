"""The readiness pages: an adult's history (a chart beside a table of the same readings, or Restricted),
recording a reading, correcting one with a stale-version merge, the autosave drafts, the family page's
panel and the person page's link; and the history page's query count."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from safeguarding.access.models import SharingBasis
from safeguarding.audit.models import AuditEvent
from safeguarding.people.tests.factories import FamilyMemberFactory
from safeguarding.workbook.models import TextDraft

from ..models import Behaviour, ReadinessCorrection, ReadinessRecord, Stage
from ..services import new_draft_id
from .world import TODAY, build_world, reading

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture
def w():
    return build_world()


def history_url(w, adult=None):
    return reverse("readiness:history", args=[w.family.pk, (adult or w.mother).pk])


def record_url(w, adult=None):
    return reverse("readiness:record", args=[w.family.pk, (adult or w.mother).pk])


def today():
    return timezone.localdate()


def post_data(day=None, **change):
    day = day or today()
    return {
        "recorded_on_day": day.day,
        "recorded_on_month": day.month,
        "recorded_on_year": day.year,
        "behaviour": Behaviour.SAFETY_FROM_ABUSE,
        "behaviour_other": "",
        "importance": "6",
        "confidence": "4",
        "stage": Stage.PREPARATION,
        "in_their_words": "I've told my sister what's been happening",
        "version": "0",
        **change,
    }


def test_the_practitioner_records_a_reading_and_sees_it_as_a_chart_and_a_table(client, w):
    client.force_login(w.dan)
    assert client.get(record_url(w)).status_code == 200
    response = client.post(record_url(w), post_data())
    assert response.status_code == 302 and response["Location"] == history_url(w)
    record = ReadinessRecord.objects.get()
    assert (record.importance, record.confidence, record.stage, record.recorded_by) == (
        6,
        4,
        "preparation",
        w.dan,
    )
    page = client.get(history_url(w)).content.decode()
    # The chart: an SVG image with a title and description, no style attribute anywhere.
    assert re.search(
        r'<svg[^>]*role="img"[^>]*aria-labelledby="behaviour-1-chart-title"'
        r' aria-describedby="behaviour-1-chart-desc"',
        page,
    )
    assert "style=" not in page
    assert '<title id="behaviour-1-chart-title">' in page and '<desc id="behaviour-1-chart-desc">' in page
    # The table beside it holds the same reading.
    assert 'data-ruler="importance">6<' in page and 'data-ruler="confidence">4<' in page
    assert f'datetime="{today().isoformat()}"' in page
    assert "I&#x27;ve told my sister" in page


def test_someone_in_the_team_without_a_basis_sees_restricted_and_who_to_ask(client, w):
    reading(w, words="Something only Dan may read")
    client.force_login(w.sw)
    page = client.get(history_url(w)).content.decode()
    assert "Restricted" in page and escape(w.dan.display_name) in page
    assert "Something only Dan may read" not in page and "<svg" not in page
    assert "Safety from abuse" not in page


def test_viewing_the_history_is_audited_naming_the_family_and_the_adult(client, w):
    reading(w)
    client.force_login(w.dan)
    client.get(history_url(w))
    event = AuditEvent.objects.filter(action="view", object_id=str(w.mother.pk)).latest("id")
    assert {(s.kind, s.subject_id) for s in event.subjects.all()} == {
        ("family", w.family.pk),
        ("person", w.mother.pk),
    }


def test_business_support_and_outsiders_do_not_open_the_history(client, w):
    client.force_login(w.support)
    assert client.get(history_url(w)).status_code == 403
    client.force_login(w.outsider)
    assert client.get(history_url(w)).status_code == 404


def test_a_child_or_a_stranger_has_no_readiness_page(client, w):
    client.force_login(w.dan)
    assert client.get(history_url(w, adult=w.child)).status_code == 404
    # An adult of another family, through this family's URL.
    stranger = FamilyMemberFactory(adult=True).person
    assert client.get(history_url(w, adult=stranger)).status_code == 404
    assert client.get(record_url(w, adult=stranger)).status_code == 404


def test_a_worker_who_may_not_record_is_refused_and_nothing_is_saved(client, w):
    client.force_login(w.fsw)
    assert client.get(record_url(w)).status_code == 403
    assert client.post(record_url(w), post_data()).status_code == 403
    client.force_login(w.rory)
    assert client.post(record_url(w), post_data()).status_code == 403
    assert not ReadinessRecord.objects.exists()


def test_the_form_says_what_to_put_right(client, w):
    client.force_login(w.dan)
    page = client.post(
        record_url(w),
        post_data(
            behaviour=Behaviour.OTHER,
            behaviour_other="",
            importance="eleven",
            confidence="11",
            stage="",
            in_their_words=" ",
        ),
    ).content.decode()
    for message in (
        "Enter the behaviour the reading is about",
        "Enter the adult&#x27;s importance as a whole number from 0 to 10",
        "Enter the adult&#x27;s confidence as a whole number from 0 to 10",
        "Select the adult&#x27;s stage of change",
        "Enter what the adult said, in their own words",
    ):
        assert message in page, message
    assert "<title>Error:" in page
    assert not ReadinessRecord.objects.exists()


def test_a_future_date_is_refused(client, w):
    client.force_login(w.dan)
    page = client.post(record_url(w), post_data(day=today() + DAY)).content.decode()
    assert "must be today or in the past" in page
    assert not ReadinessRecord.objects.exists()


def test_the_record_form_keeps_the_autosave_contract_and_restores_a_draft(client, w):
    client.force_login(w.dan)
    draft_url = reverse(
        "workbook:draft-save", args=[w.family.pk, "readiness", new_draft_id(w.family.pk, w.mother.pk)]
    )
    page = client.get(record_url(w)).content.decode()
    assert f'data-autosave-url="{draft_url}"' in page
    assert 'name="version"' in page and "data-autosave-status" in page
    assert client.post(draft_url, {"version": "0", "in_their_words": "Half a thought"}).status_code == 200
    page = client.get(record_url(w)).content.decode()
    assert "We restored text you had not saved" in page and "Half a thought" in page
    client.post(record_url(w), post_data())
    assert not TextDraft.objects.exists()


def test_nobody_else_keeps_a_draft_of_a_reading(client, w):
    for who in (w.sw, w.rory, w.support):
        client.force_login(who)
        url = reverse(
            "workbook:draft-save", args=[w.family.pk, "readiness", new_draft_id(w.family.pk, w.mother.pk)]
        )
        assert client.post(url, {"version": "0", "in_their_words": "x"}).status_code == 404
    assert not TextDraft.objects.exists()


def correct_url(w, record):
    return reverse("readiness:correct", args=[w.family.pk, w.mother.pk, record.pk])


def test_a_correction_keeps_the_old_reading_and_a_stale_one_shows_both_texts(client, w):
    record = reading(w, importance=2, confidence=9, words="First words")
    client.force_login(w.dan)
    page = client.get(correct_url(w, record)).content.decode()
    assert 'name="version" value="1"' in page
    response = client.post(
        correct_url(w, record),
        post_data(
            day=record.recorded_on,
            importance="9",
            confidence="2",
            in_their_words="Second words",
            reason="Swapped",
            version="1",
        ),
    )
    assert response.status_code == 302
    assert ReadinessCorrection.objects.get().importance == 2
    # A second tab still on version 1.
    page = client.post(
        correct_url(w, record),
        post_data(day=record.recorded_on, in_their_words="Third words", reason="Again", version="1"),
    ).content.decode()
    assert "Someone saved this since you opened it" in page
    assert "Second words" in page and "Third words" in page
    assert 'name="version" value="2"' in page
    assert ReadinessRecord.objects.get().in_their_words == "Second words"
    history = client.get(history_url(w)).content.decode()
    assert "Corrected by" in history and "Swapped" in history


def test_the_history_page_costs_the_same_queries_whatever_the_readings(client, w):
    w.share(w.mother, SharingBasis.Scope.TEAM)
    reading(w)
    client.force_login(w.lead)

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(history_url(w)).status_code == 200
        return len(captured)

    small = count()
    for days in range(10, 120, 10):
        for behaviour in (Behaviour.ALCOHOL, Behaviour.DRUGS, Behaviour.PARENTING, Behaviour.MENTAL_HEALTH):
            record = reading(w, behaviour=behaviour, on=TODAY - days * DAY)
    from ..services import readiness_correct

    readiness_correct(
        actor=w.dan,
        record=record,
        version=1,
        behaviour=record.behaviour,
        behaviour_other="",
        importance=1,
        confidence=1,
        stage=record.stage,
        in_their_words="x",
        recorded_on=record.recorded_on,
        reason="r",
    )
    assert count() == small


def test_the_family_page_lists_each_adults_latest_reading_or_restricted(client, w):
    reading(w, importance=3, on=TODAY - 30 * DAY)
    reading(w, importance=7, stage=Stage.ACTION)
    family_url = reverse("casefile:family-detail", args=[w.family.pk])
    client.force_login(w.dan)
    page = client.get(family_url).content.decode()
    panel = page[page.index('id="readiness-heading"') :]
    assert "Safety from abuse: importance 7, confidence 4, action" in panel
    assert history_url(w) in panel and record_url(w) in panel
    # Dan records for the mother, not the father.
    assert record_url(w, w.father) not in panel
    client.force_login(w.sw)
    panel = client.get(family_url).content.decode()
    panel = panel[panel.index('id="readiness-heading"') :]
    assert "Restricted" in panel and "importance 7" not in panel
    client.force_login(w.support)
    assert 'id="readiness-heading"' not in client.get(family_url).content.decode()


def test_the_adults_page_links_to_their_readiness(client, w):
    client.force_login(w.dan)
    page = client.get(reverse("casefile:person-detail", args=[w.mother.pk])).content.decode()
    assert history_url(w) in page
    child_page = client.get(reverse("casefile:person-detail", args=[w.child.pk])).content.decode()
    assert "/readiness/" not in child_page and "Readiness to change" not in child_page
