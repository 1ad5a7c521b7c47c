"""The row tags of My tasks and the overdue list write their markup themselves (templatetags/task_rows.py):
whatever a family, child or task is called, it reaches the page as text, never as markup."""

from __future__ import annotations

import datetime
import uuid

from django.template import Context, Template

from safeguarding.tasks.selectors import OVERDUE, TaskRow

SCRIPT = "<script>alert(1)</script>"


def row(**change) -> TaskRow:
    values = {
        "child_id": uuid.uuid4(),
        "child_name": f"Mia {SCRIPT}",
        "child_url": '/children/1/?a=1&b="2"',
        "family_id": uuid.uuid4(),
        "family_name": '"><img src=x onerror=alert(1)> family',
        "family_reference": "FAM-0001",
        "kind": "cp_visit",
        "kind_label": "Child protection visit",
        "due_date": datetime.date(2026, 1, 5),
        "basis": "Every 10 working days & <b>no more</b>",
        "status": OVERDUE,
        "days_overdue": 3,
        "due_label": "5 Jan 2026",
        "overdue_label": "3 days overdue",
    }
    return TaskRow(**(values | change))


def render(tag: str, rows) -> str:
    return Template("{% load task_rows %}{% " + tag + " rows %}").render(Context({"rows": rows}))


def test_names_and_words_in_the_rows_are_escaped():
    for tag in ("my_task_rows", "overdue_rows"):
        html = render(tag, [row()])
        assert SCRIPT not in html and "<img" not in html and "<b>" not in html, tag
        assert "Mia &lt;script&gt;alert(1)&lt;/script&gt;" in html, tag
        assert 'href="/children/1/?a=1&amp;b=&quot;2&quot;"' in html, tag
        assert "Every 10 working days &amp; &lt;b&gt;no more&lt;/b&gt;" in html, tag


def test_a_missing_value_is_shown_as_the_template_showed_it_not_an_error():
    html = render("my_task_rows", [row(family_id=None, child_name="", basis=None)])
    assert "No current family" in html
    assert "The whole family" in html
    assert '<span class="govuk-body-s">None</span>' in html
    assert "None" in render("overdue_rows", [row(lead=None)])
