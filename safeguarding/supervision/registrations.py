"""What group supervision registers with the pages below it: its header link, the family page's panel,
its kinds of task (My tasks, Timeliness) and the meeting record's autosave drafts."""

from safeguarding.core import navigation, panels
from safeguarding.people.models import FamilyMember
from safeguarding.tasks.registry import register_kinds
from safeguarding.workbook import drafts, signals

from . import work
from .models import GroupSupervision
from .policies import SupervisionAccess, supervisions_page_shown
from .services import ANALYSIS_TEXT_FIELDS, RECORD_DRAFT_TYPE, RECORD_TEXT_FIELDS


def _family_panel(user, family, disclosure, *, today):
    from . import selectors

    access = SupervisionAccess(user, family, disclosure)
    if not access.can_view():
        return None
    return selectors.family_panel(access, family, today=today)


panels.register(
    panels.FamilyPanel(
        slug="supervision", order=20, template="supervision/_panel.html", context=_family_panel
    )
)

navigation.register(
    navigation.NavigationEntry(
        "Supervisions",
        "supervision:home",
        35,
        supervisions_page_shown,
        active_on=frozenset({"supervision:team"}),
    )
)

register_kinds("supervision", work.KINDS)


def _refresh_family_tasks(sender, *, family, **kwargs):
    """A chapter shared after a sign-off ends its worker's "not shared by the supervision" task now; a
    Workbook that opens makes the family due its first supervision now (not at the nightly rebuild)."""
    work.supervision_tasks_refresh([family.pk])


signals.chapter_shared.connect(_refresh_family_tasks, dispatch_uid="supervision-chapter-shared")
signals.workbook_opened.connect(_refresh_family_tasks, dispatch_uid="supervision-workbook-opened")


def _record_writable(user, family, record_id):
    supervision = (
        GroupSupervision.objects.filter(pk=record_id, family=family).select_related("family").first()
    )
    if supervision is None or not SupervisionAccess(user, family).can_record(supervision):
        return None
    return supervision


def _record_fields(record) -> list[str]:
    children = FamilyMember.objects.filter(
        family_id=record.family_id, left_on__isnull=True, member_type="child"
    ).values_list("person_id", flat=True)
    return [
        *RECORD_TEXT_FIELDS,
        *[f"child-{child_id}-{field}" for child_id in children for field in ANALYSIS_TEXT_FIELDS],
    ]


drafts.register(
    drafts.DraftTarget(record_type=RECORD_DRAFT_TYPE, writable=_record_writable, fields=_record_fields)
)
