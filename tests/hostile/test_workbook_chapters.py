"""Hostile input through the Workbook's chapter forms: a chapter's sections, an addendum, closing a cycle,
and the autosave endpoint (the values and checks are in inputs.py)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from safeguarding.workbook.models import Chapter, TextDraft
from safeguarding.workbook.services.chapters import chapter_start, part_field
from safeguarding.workbook.services.workbooks import cycle_close
from tests.hostile.inputs import (
    BAD_IDS,
    HOSTILE,
    HYPOTHESIS,
    FormUnderTest,
    assert_handled,
    assert_no_raw_markup,
    dates,
    post_each_hostile_value,
    post_every_value_twice,
)


def ashas_chapter(council) -> Chapter:
    """Asha's chapter in the family's open cycle (started once per module's council)."""
    chapter = chapter_start(actor=council.asha, family=council.family)
    return Chapter.objects.get(pk=chapter.pk)


def _field(council, section="worries") -> str:
    return part_field(ashas_chapter(council).parts.get(), section)


def locked_chapter(council) -> Chapter:
    """A chapter of Asha's in a closed cycle of another family of hers, for addenda."""
    made = council.__dict__.get("locked_chapter")
    if made is None:
        family = council.asha.allocations.filter(end_date=None).exclude(family=council.family).first().family
        chapter = chapter_start(actor=council.asha, family=family)
        if chapter.cycle.closed_on is None:
            cycle_close(actor=council.maria, family=family, closed_on=timezone.localdate())
        made = council.__dict__["locked_chapter"] = Chapter.objects.get(pk=chapter.pk)
    return made


def _locked_args(council) -> list:
    chapter = locked_chapter(council)
    return [chapter.cycle.workbook.family_id, chapter.pk]


FORMS = {
    "chapter": FormUnderTest(
        "asha",
        lambda c: reverse("workbook:chapter-edit", args=[c.family.pk, ashas_chapter(c).pk]),
        # The version as saved now, so each post is judged on its text, not refused as stale.
        lambda c: {"version": str(ashas_chapter(c).version), _field(c): "Synthetic worry"},
        ("version", "worries"),
    ),
    "addendum": FormUnderTest(
        "asha",
        lambda c: reverse(
            "workbook:chapter-addendum",
            args=[locked_chapter(c).cycle.workbook.family_id, locked_chapter(c).pk],
        ),
        lambda c: {"part": str(locked_chapter(c).parts.get().pk), "text": "Synthetic", "reason": "New"},
        ("part", "text", "reason"),
    ),
    "close cycle": FormUnderTest(
        "maria",
        lambda c: reverse("workbook:cycle-close", args=[c.family.pk]),
        lambda c: {**dates("closed_on", *_today_parts()), "note": "Closed by hand"},
        ("closed_on_day", "note"),
    ),
}


def _today_parts():
    today = timezone.localdate()
    return today.day, today.month, today.year


def _resolve(form, field, council):
    return _field(council) if (form, field) == ("chapter", "worries") else field


FORM_FIELDS = [(form, field) for form, spec in FORMS.items() for field in spec.fields]


@pytest.mark.parametrize(("form", "field"), FORM_FIELDS, ids=[f"{f}: {field}" for f, field in FORM_FIELDS])
def test_hostile_value_in_any_workbook_form_field_is_saved_escaped_or_refused(client, council, form, field):
    post_each_hostile_value(client, council, FORMS[form], form, _resolve(form, field, council))


@pytest.mark.parametrize("form", FORMS, ids=str)
def test_lists_where_single_values_are_expected_are_handled(client, council, form):
    post_every_value_twice(client, council, FORMS[form], form)


@pytest.mark.parametrize("label", HOSTILE, ids=str)
def test_any_value_posted_to_the_autosave_endpoint_is_kept_as_text_or_refused(client, council, label):
    client.force_login(council.asha)
    chapter = ashas_chapter(council)
    url = reverse("workbook:draft-save", args=[council.family.pk, "chapter", chapter.pk])
    response = client.post(url, {"version": HOSTILE[label], _field(council): HOSTILE[label]})
    assert response.status_code == 200
    draft = TextDraft.objects.get(author=council.asha, record_id=chapter.pk)
    assert "\x00" not in draft.fields[_field(council)]
    assert len(draft.fields[_field(council)]) <= 20_000


@pytest.mark.parametrize("bad", BAD_IDS, ids=str)
def test_bad_ids_in_workbook_urls_are_not_found(client, council, bad):
    client.force_login(council.asha)
    for shape in (
        "/families/{family}/workbook/chapters/{bad}/",
        "/families/{family}/workbook/chapters/{bad}/edit/",
        "/families/{bad}/workbook/",
        "/families/{family}/workbook/cycles/{bad}/",
    ):
        response = client.get(shape.format(family=council.family.pk, bad=bad))
        assert response.status_code == 404, shape
        assert_no_raw_markup(response)
    assert client.get(f"/families/{council.family.pk}/workbook/cycles/99999/").status_code == 404


@given(text=st.text(max_size=600), reason=st.text(max_size=600))
@HYPOTHESIS
def test_any_text_in_an_addendum_is_handled(client, council, text, reason):
    client.force_login(council.asha)
    chapter = locked_chapter(council)
    response = client.post(
        reverse("workbook:chapter-addendum", args=[chapter.cycle.workbook.family_id, chapter.pk]),
        {"part": str(chapter.parts.get().pk), "text": text, "reason": reason},
    )
    assert_handled(client, response, "addendum")


@given(day=st.text(max_size=6), month=st.text(max_size=6), year=st.integers(-10, 10_000).map(str))
@HYPOTHESIS
def test_any_date_closing_a_cycle_is_handled(client, council, day, month, year):
    client.force_login(council.maria)
    response = client.post(
        reverse("workbook:cycle-close", args=[council.family.pk]),
        {"closed_on_day": day, "closed_on_month": month, "closed_on_year": year},
    )
    assert_handled(client, response, "close cycle")
