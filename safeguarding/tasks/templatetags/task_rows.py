"""The rows of My tasks and of the overdue drill-down, written out here rather than in a template loop.

A busy worker's My tasks lists three hundred deadlines; rendering each row through the template engine
(a dozen variables, four conditions) was two thirds of the page's time. These tags write exactly the
markup the loops wrote, each value escaped as the template's autoescaping escaped it (`conditional_escape`,
what the template engine runs: any value as its text, None as "None", safe text left as it is), so the
page is byte for byte what it was.
"""

from __future__ import annotations

from django import template
from django.utils.html import conditional_escape as escape
from django.utils.safestring import SafeString

from ..selectors import DUE_SOON, OVERDUE

register = template.Library()

# The status cell's contents (templates/tasks/_deadline_status.html says the same in words and tags).
_DUE_SOON = '<strong class="govuk-tag govuk-tag--yellow">Due soon</strong>'
_LATER = '<strong class="govuk-tag govuk-tag--grey">Later</strong>'
_OVERDUE = '<strong class="govuk-tag govuk-tag--red">Overdue</strong><br><span class="govuk-body-s">'


def _status(row) -> str:
    if row.status == OVERDUE:
        return f"{_OVERDUE}{escape(row.overdue_label)}</span>"
    return _DUE_SOON if row.status == DUE_SOON else _LATER


def _child_cell(row) -> str:
    """The row's first cell, the same in both lists: the child, linked to the page where the task is done."""
    return (
        '\n    <tr class="govuk-table__row">\n      <th scope="row" class="govuk-table__header">'
        f'<a class="govuk-link" href="{escape(row.child_url)}">'
        f"{escape(row.child_name or 'The whole family')}</a></th>\n"
    )


def _kind_due_status(row) -> str:
    return (
        f'      <td class="govuk-table__cell">{escape(row.kind_label)}<br><span class="govuk-body-s">'
        f"{escape(row.basis)}</span></td>\n"
        f'      <td class="govuk-table__cell">{escape(row.due_label)}</td>\n'
        f'      <td class="govuk-table__cell">{_status(row)}</td>\n'
    )


@register.simple_tag
def my_task_rows(rows) -> SafeString:
    """The body rows of one of My tasks' three tables (by due date)."""
    parts = []
    for row in rows:
        if row.family_id:
            family = (
                f"{escape(row.family_name)}<br>"
                f'<span class="govuk-body-s">{escape(row.family_reference)}</span>'
            )
        else:
            family = "No current family"
        parts.append(
            f'{_child_cell(row)}      <td class="govuk-table__cell">{family}</td>\n'
            f"{_kind_due_status(row)}    </tr>\n    "
        )
    return SafeString("".join(parts))


@register.simple_tag
def overdue_rows(rows) -> SafeString:
    """The body rows of a team's overdue deadlines, with each family's lead social worker."""
    parts = []
    for row in rows:
        lead = escape(row.lead.display_name) if row.lead else "None"
        parts.append(
            f'{_child_cell(row)}      <td class="govuk-table__cell">{escape(row.family_name)}<br>'
            f'<span class="govuk-body-s">{escape(row.family_reference)}</span></td>\n'
            f'{_kind_due_status(row)}      <td class="govuk-table__cell">{lead}</td>\n    </tr>\n    '
        )
    return SafeString("".join(parts))
