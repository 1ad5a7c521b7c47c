"""The measures pages: choosing and recording a questionnaire (every error in the summary, the
missing-answers rule explained), the result with its change since last time, the adult's page with a
chart and a table per instrument (or Restricted), closing an alert, the family page's flag and the
person page's link; and the adult's page in the same queries whatever the number of measures."""

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
from safeguarding.tasks.models import Deadline

from ..models import Measure, MeasureAlert
from ..services import measure_correct
from ..work import SAFETY
from .world import TODAY, build_world, phq9, record

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


@pytest.fixture
def w():
    return build_world()


def url(name, w, *more, person=None):
    return reverse(f"measures:{name}", args=[w.family.pk, (person or w.mother).pk, *more])


def post_data(scores, day=None, **change):
    day = day or timezone.localdate()
    data = {
        "administered_on_day": day.day,
        "administered_on_month": day.month,
        "administered_on_year": day.year,
        "answered_by": "self",
    }
    data.update({f"item_{n}": str(s) for n, s in enumerate(scores, start=1) if s is not None})
    return data | change


def test_the_practitioner_chooses_records_and_sees_the_score_and_band(client, w):
    client.force_login(w.mhp)
    page = client.get(url("choose", w)).content.decode()
    assert "PHQ-9" in page and "DASH" in page
    # WEMWBS needs the council's licence: not offered, and the page says why.
    assert 'value="wemwbs"' not in page and "until the council holds its licence" in page
    response = client.post(url("choose", w), {"instrument": "phq9"})
    assert response.status_code == 302 and response["Location"] == url("record", w, "phq9")
    form = client.get(url("record", w, "phq9")).content.decode()
    assert form.count('type="radio"') == 9 * 4 + 2
    response = client.post(url("record", w, "phq9"), post_data([2, 2, 1, 1, 1, 1, 1, 1, 0]))
    measure = Measure.objects.get()
    assert response["Location"] == url("result", w, measure.pk)
    result = client.get(response["Location"]).content.decode()
    assert "data-score>10 out of 27" in result and "Moderate. In the clinical range" in result
    assert "The first PHQ-9 scored for" in result


def test_an_empty_form_lists_every_error_and_explains_missing_answers(client, w):
    client.force_login(w.mhp)
    page = client.post(url("record", w, "core10"), {}).content.decode()
    summary = page.split('class="govuk-error-summary"')[1].split("</ul>")[0]
    assert "Enter the date the questionnaire was completed" in summary
    assert "Select who answered the questions" in summary
    for number in range(1, 11):
        assert f"Select an answer to question {number}, or say some questions were left unanswered" in summary
    assert "can be scored with up to 1 question unanswered" in page
    assert not Measure.objects.exists()


def test_a_core10_with_one_question_left_unanswered_is_prorated_and_with_two_is_kept_unscored(client, w):
    client.force_login(w.mhp)
    client.post(
        url("record", w, "core10"), post_data([2, 2, 2, 2, 2, 0, 2, 2, 3, None], left_unanswered="on")
    )
    one = Measure.objects.get()
    assert (str(one.total), one.prorated) == ("18.9", True)
    client.post(
        url("record", w, "core10"), post_data([2, 2, 2, 2, 2, 0, 2, 2, None, None], left_unanswered="on")
    )
    two = Measure.objects.latest("created_at")
    assert two.total is None
    page = client.get(url("result", w, two.pk)).content.decode()
    assert "Not scored: 2 items (9, 10) were not answered" in page


def test_item_9_above_zero_shows_the_safety_check_on_the_result_and_in_my_tasks(client, w):
    client.force_login(w.mhp)
    response = client.post(url("record", w, "phq9"), post_data([1, 1, 1, 1, 1, 1, 1, 1, 1]))
    result = client.get(response["Location"]).content.decode()
    assert "Safety check" in result and "check the adult&#x27;s safety today" in result
    tasks = client.get(reverse("tasks:my-tasks")).content.decode()
    alert = MeasureAlert.objects.get()
    assert "Safety check after a measure" in tasks and url("alert", w, alert.pk) in tasks
    assert Deadline.objects.get(kind=SAFETY).due_date == timezone.localdate()


def test_the_result_shows_reliable_change_since_last_time(client, w):
    record(w, answers=phq9([2, 2, 2, 2, 2, 2, 2, 1, 0]), on=TODAY - 30 * DAY)  # 15
    second = record(w, answers=phq9([1, 1, 1, 1, 1, 1, 1, 1, 0]))  # 8
    client.force_login(w.mhp)
    page = client.get(url("result", w, second.pk)).content.decode()
    assert "Down 7: recovery (reliable improvement to below the clinical cut-off)" in page


def test_the_adults_page_has_a_chart_with_bands_and_a_table_per_instrument(client, w):
    record(w, answers=phq9([2, 2, 2, 2, 2, 2, 2, 1, 0]), on=TODAY - 30 * DAY)
    record(w, answers=phq9([1, 1, 1, 1, 1, 1, 1, 1, 0]))
    record(w, "gad7", {n: 1 for n in range(1, 8)})
    client.force_login(w.mhp)
    page = client.get(url("history", w)).content.decode()
    assert re.search(r'<svg[^>]*role="img"[^>]*aria-labelledby="instrument-1-chart-title"', page)
    assert "style=" not in page
    assert "2 scores from" in page and "The total fell from 15 to 8; latest band: Mild." in page
    assert "Shaded bands, lowest score first: None or minimal 0 to 4, Mild 5 to 9" in page
    assert page.count("<rect") >= 5  # the PHQ-9's five bands
    table = page.split('id="instrument-1-table"')[1].split("</table>")[0]
    assert table.count("data-measure=") == 2 and "data-score>15<" in table and "data-score>8<" in table
    assert "Down 7: recovery" in table
    assert 'id="instrument-2-table"' in page


def test_someone_in_the_team_without_a_basis_sees_restricted_and_nothing_of_the_measures(client, w):
    record(w, answers=phq9([1] * 9))
    client.force_login(w.sw)
    page = client.get(url("history", w)).content.decode()
    assert "Restricted" in page and escape(w.mhp.display_name) in page
    assert "PHQ-9" not in page and "<svg" not in page
    measure = Measure.objects.get()
    assert client.get(url("result", w, measure.pk)).status_code == 404


def test_the_family_page_flags_the_open_alert_until_it_is_closed(client, w):
    record(w, answers=phq9([0] * 8 + [2]))
    family_url = reverse("casefile:family-detail", args=[w.family.pk])
    client.force_login(w.mhp)
    page = client.get(family_url).content.decode()
    flag = page.split('id="measures-alerts"')[1].split("</div>\n</div>")[0]
    assert "Safety check: " in flag and escape(w.mother.full_name) in flag
    # A colleague without a basis sees that an alert is open and whom to ask, not what it is.
    client.force_login(w.sw)
    page = client.get(family_url).content.decode()
    flag = page.split('id="measures-alerts"')[1].split("</div>\n</div>")[0]
    assert "Restricted" in flag and "Safety check" not in flag
    # Closed by the team manager with an outcome: the flag and the task go.
    alert = MeasureAlert.objects.get()
    client.force_login(w.manager)
    assert client.post(url("alert", w, alert.pk), {"outcome": " "}).status_code == 200
    response = client.post(url("alert", w, alert.pk), {"outcome": "GP contacted; safety plan in place"})
    assert response.status_code == 302
    assert 'id="measures-alerts"' not in client.get(family_url).content.decode()
    assert not Deadline.objects.filter(kind=SAFETY).exists()


def test_a_worker_who_may_not_close_an_alert_sees_it_without_the_form(client, w):
    record(w, answers=phq9([0] * 8 + [2]))
    alert = MeasureAlert.objects.get()
    w.share(w.mother, SharingBasis.Scope.TEAM)
    client.force_login(w.lead)
    page = client.get(url("alert", w, alert.pk)).content.decode()
    assert "<textarea" not in page and "Only" in page
    assert client.post(url("alert", w, alert.pk), {"outcome": "x"}).status_code == 403
    assert MeasureAlert.objects.get().is_open


def test_an_outcome_typed_and_left_comes_back_and_goes_once_the_alert_is_closed(client, w):
    """Nothing lost: the outcome of a safety check is autosaved as the worker's draft, restored when the
    alert is opened again (after a time-out, on another device), and discarded once it is closed."""
    from safeguarding.workbook.models import TextDraft

    record(w, answers=phq9([0] * 8 + [2]))
    alert = MeasureAlert.objects.get()
    client.force_login(w.mhp)
    page = client.get(url("alert", w, alert.pk)).content.decode()
    save_url = reverse("workbook:draft-save", args=[w.family.pk, "measure-alert", alert.pk])
    assert f'data-autosave-url="{save_url}"' in page
    typed = "Synthetic: rang her GP, who will see her today; crisis line number given"
    assert client.post(save_url, {"outcome": typed}, HTTP_ACCEPT="application/json").status_code == 200
    page = client.get(url("alert", w, alert.pk)).content.decode()
    assert "We restored text you had not saved" in page and escape(typed) in page
    # Someone who may not close it cannot keep a draft of its outcome either.
    client.force_login(w.lead)
    assert client.post(save_url, {"outcome": "x"}, HTTP_ACCEPT="application/json").status_code in (403, 404)
    client.force_login(w.mhp)
    assert client.post(url("alert", w, alert.pk), {"outcome": typed}).status_code == 302
    assert not TextDraft.objects.filter(record_type="measure-alert").exists()


def test_the_person_page_links_to_the_measures(client, w):
    client.force_login(w.mhp)
    page = client.get(reverse("casefile:person-detail", args=[w.mother.pk])).content.decode()
    assert url("history", w) in page


def test_views_are_audited_naming_the_family_and_the_adult(client, w):
    client.force_login(w.mhp)
    client.get(url("history", w))
    event = AuditEvent.objects.filter(action="view", object_id=str(w.mother.pk)).latest("id")
    assert {(s.kind, s.subject_id) for s in event.subjects.all()} == {
        ("family", w.family.pk),
        ("person", w.mother.pk),
    }


def test_business_support_outsiders_and_strangers(client, w):
    client.force_login(w.support)
    assert client.get(url("history", w)).status_code == 403
    client.force_login(w.outsider)
    assert client.get(url("history", w)).status_code == 404
    client.force_login(w.fsw)
    assert client.get(url("choose", w)).status_code == 403
    assert client.post(url("record", w, "phq9"), post_data([0] * 9)).status_code == 403
    client.force_login(w.mhp)
    assert client.get(url("record", w, "no-such")).status_code == 404
    assert client.get(url("record", w, "wemwbs")).status_code == 404
    assert not Measure.objects.exists()


def test_a_correction_through_the_page(client, w):
    measure = record(w, answers=phq9([1] * 8 + [0]))
    client.force_login(w.mhp)
    form = client.get(url("correct", w, measure.pk)).content.decode()
    assert 'name="version" value="1"' in form
    response = client.post(
        url("correct", w, measure.pk),
        post_data([1] * 9, version="1", reason="Item 9 was missed"),
    )
    assert response.status_code == 302
    measure.refresh_from_db()
    assert (measure.total, measure.version) == (9, 2)
    stale = client.post(url("correct", w, measure.pk), post_data([0] * 9, version="1", reason="Old"))
    assert stale.status_code == 200 and "Someone else corrected this measure" in stale.content.decode()


def test_the_adults_page_costs_the_same_queries_whatever_the_measures(client, w):
    record(w, answers=phq9([1] * 9))
    client.force_login(w.mhp)

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url("history", w)).status_code == 200
        return len(captured)

    small = count()
    for days in range(10, 200, 10):
        last = record(w, answers=phq9([days % 4] * 8 + [0]), on=TODAY - days * DAY)
        record(w, "gad7", {n: days % 4 for n in range(1, 8)}, on=TODAY - days * DAY)
        record(w, "core10", {n: days % 5 for n in range(1, 11)}, on=TODAY - days * DAY)
    measure_correct(
        actor=w.mhp,
        measure=last,
        version=1,
        administered_on=last.administered_on,
        answered_by="self",
        answers=phq9([3] * 8 + [0]),
        reason="r",
        today=TODAY,
    )
    assert count() == small


def test_a_dash_judgement_reason_typed_and_left_comes_back_and_goes_once_the_dash_is_saved(client, w):
    """Nothing lost: why the worker refers on their own judgement is autosaved before the DASH exists (the
    draft is keyed on the adult), restored when the form is opened again, and discarded once it is saved."""
    from safeguarding.workbook.models import TextDraft

    client.force_login(w.dan)
    form = client.get(url("record", w, "dash")).content.decode()
    save_url = reverse("workbook:draft-save", args=[w.family.pk, "measure-judgement", w.mother.pk])
    assert f'data-autosave-url="{save_url}"' in form
    typed = "Synthetic: she says he has threatened to take the children abroad"
    assert client.post(save_url, {"judgement_reason": typed}).status_code == 200
    form = client.get(url("record", w, "dash")).content.decode()
    assert "We restored text you had not saved" in form and escape(typed) in form
    # A questionnaire without a judgement question has nothing to restore.
    assert "We restored text" not in client.get(url("record", w, "phq9")).content.decode()
    # Someone who may not record the mother's measures cannot keep a draft about her either.
    client.force_login(w.fsw)
    assert client.post(save_url, {"judgement_reason": "x"}).status_code == 404
    client.force_login(w.dan)
    saved = client.post(
        url("record", w, "dash"), post_data([0] * 24, judgement="yes", judgement_reason=typed)
    )
    assert saved.status_code == 302
    assert Measure.objects.get().judgement_reason == typed
    assert not TextDraft.objects.filter(record_type="measure-judgement").exists()


def test_a_correction_reason_typed_and_left_comes_back(client, w):
    from safeguarding.workbook.models import TextDraft

    measure = record(w, answers=phq9([1] * 8 + [0]))
    client.force_login(w.mhp)
    save_url = reverse("workbook:draft-save", args=[w.family.pk, "measure-correction", measure.pk])
    assert f'data-autosave-url="{save_url}"' in client.get(url("correct", w, measure.pk)).content.decode()
    assert (
        client.post(
            save_url, {"reason": "Synthetic: item 9 was read out wrongly", "version": "1"}
        ).status_code
        == 200
    )
    form = client.get(url("correct", w, measure.pk)).content.decode()
    assert "We restored text you had not saved" in form and "item 9 was read out wrongly" in form
    assert (
        client.post(
            url("correct", w, measure.pk),
            post_data([1] * 9, version="1", reason="Synthetic: item 9 was read out wrongly"),
        ).status_code
        == 302
    )
    assert not TextDraft.objects.filter(record_type="measure-correction").exists()
