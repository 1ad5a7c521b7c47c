"""What parent measures add to the pages below them: their kinds of task (My tasks, Timeliness), a flag on
the family page while an alert is open, a link from a family member's page to their measures, and the
header's link to the council's before and after (Parent outcomes)."""

from safeguarding.access.policies import uuid_or_none
from safeguarding.core import navigation, panels
from safeguarding.people.models import FamilyMember
from safeguarding.tasks.registry import register_kinds
from safeguarding.workbook import assessment_sources, drafts
from safeguarding.workbook.selectors.assessments import section

from . import instruments, selectors, services, work
from .models import Measure, MeasureAlert
from .policies import MeasuresAccess, outcomes_page_shown

register_kinds("measures", work.KINDS)


def _family_panel(user, family, disclosure, *, today):
    access = MeasuresAccess(user, family, disclosure)
    if not access.can_open:
        return None
    context = selectors.family_alerts(access, family)
    if context is not None:
        context["today"] = today
    return context


def _person_panel(user, person, family, disclosure, memberships, *, today):
    """A link to a family member's measures from their page, for the family's team."""
    if not any(m.family_id == family.pk for m in memberships):
        return None
    access = MeasuresAccess(user, family, disclosure)
    if not access.can_open:
        return None
    is_adult = any(
        m.family_id == family.pk and m.member_type == FamilyMember.MemberType.ADULT for m in memberships
    )
    return {
        "family": family,
        "person": person,
        "disclosure": access.for_adult(person.pk),
        "is_adult": is_adult,
    }


# Early on the family page, after the overdue work: an open safety check is what the team must see first.
panels.register(
    panels.FamilyPanel(
        slug="measures", order=5, template="measures/_family_panel.html", context=_family_panel
    )
)
panels.register_person_panel(
    panels.PersonPanel(
        slug="measures", order=15, template="measures/_person_panel.html", context=_person_panel
    )
)


def _assessment_sections(*, access, family, adults, kind, since):
    """The integrated family and parenting assessments quote each parent's questionnaire scores, first and
    latest with the change between them: one section per adult, `adult_special` about them, so the
    assessment withholds it from a reader the sharing rules do not reach (and the compiler sees who to ask
    when they themselves may not read it)."""
    quoted = selectors.assessment_lines(
        family=family, adults=adults, disclosure=access.disclosure, found=instruments.every()
    )
    return [
        section(
            "measures",
            f"Questionnaire scores: {adult.full_name}",
            "\n".join(lines),
            note="From the questionnaires the team recorded",
            sensitivity=Measure.sensitivity,
            about=adult.pk,
            ask=f"{withheld.label}: {withheld.ask}" if withheld else "",
        )
        for adult, lines, withheld in quoted
    ]


assessment_sources.register("measures", _assessment_sections)

# The council's before and after: for managers and analysts, after Timeliness.
navigation.register(
    navigation.NavigationEntry("Parent outcomes", "measures:outcomes", 45, outcomes_page_shown)
)


def _alert_writable(user, family, record_id):
    """An open alert's outcome draft: for whoever may close it (its owner, the family's team manager)."""
    alert = MeasureAlert.objects.filter(pk=uuid_or_none(record_id), family=family).first()
    if alert is None or not MeasuresAccess(user, family).can_close(alert):
        return None
    return alert


drafts.register(
    drafts.DraftTarget(
        record_type=services.ALERT_DRAFT_TYPE,
        writable=_alert_writable,
        fields=lambda: services.ALERT_TEXT_FIELDS,
    )
)


def _judgement_writable(user, family, record_id):
    """An unsaved DASH's reason for a current adult of the family: for whoever may record their measures."""
    member = (
        FamilyMember.objects.filter(family=family, person_id=uuid_or_none(record_id), left_on__isnull=True)
        .select_related("person")
        .first()
    )
    if member is None or not MeasuresAccess(user, family).can_record(member.person_id):
        return None
    return member.person


def _correction_writable(user, family, record_id):
    """A correction of a measure: for whoever may record that adult's measures."""
    measure = Measure.objects.filter(pk=uuid_or_none(record_id), family=family).first()
    if measure is None or not MeasuresAccess(user, family).can_record(measure.person_id):
        return None
    return measure


drafts.register(
    drafts.DraftTarget(
        record_type=services.JUDGEMENT_DRAFT_TYPE,
        writable=_judgement_writable,
        fields=lambda: services.JUDGEMENT_TEXT_FIELDS,
    )
)
drafts.register(
    drafts.DraftTarget(
        record_type=services.CORRECTION_DRAFT_TYPE,
        writable=_correction_writable,
        fields=lambda: services.CORRECTION_TEXT_FIELDS,
    )
)
