"""What a new chapter opens with: what the system already holds for the worker's cycle, so nothing is
typed twice (issue #9 item 2). The worker edits it like any other text.

- "What I did": the next steps the worker wrote in the same part last cycle ("Last time I said I
  would ..."), then the sessions they recorded this cycle and the statutory visits they made that no
  session recorded, each dated, with who took part.
- "What has changed": the significant events of the cycle (for a part about one adult, those naming them).

Five queries whatever the number of sessions, visits and events.
"""

from __future__ import annotations

from collections import defaultdict

from safeguarding.journey.models import Visit
from safeguarding.people.models import FamilyMember

from .models import Chapter, ChapterPart, Cycle, Session, SessionParticipant, SignificantEvent


def _date(value) -> str:
    return f"{value:%-d %B %Y}"


def _names(people) -> str:
    names = [p.known_as or p.first_name for p in people]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def previous_next_steps(*, cycle: Cycle, author) -> dict:
    """{about person id or None: the next steps the author wrote in that part last cycle}."""
    previous = (
        ChapterPart.objects.filter(
            chapter__author=author,
            chapter__cycle__workbook_id=cycle.workbook_id,
            chapter__cycle__number=cycle.number - 1,
        )
        .exclude(next_steps="")
        .values_list("about_person_id", "next_steps")
    )
    return dict(previous)


def chapter_prefill(*, family, cycle: Cycle, author, about: list) -> dict:
    """{about person id or None: {section: text}} for a chapter being started."""
    until = cycle.closed_on
    sessions = Session.objects.filter(family=family, recorded_by=author, date__gte=cycle.started_on)
    if until:
        sessions = sessions.filter(date__lte=until)
    sessions = list(sessions.order_by("date", "created_at"))
    participants = defaultdict(list)
    visit_ids = set()
    for row in SessionParticipant.objects.filter(session__in=sessions).select_related("person"):
        participants[row.session_id].append(row)
        if row.visit_id:
            visit_ids.add(row.visit_id)
    child_ids = FamilyMember.objects.filter(family=family, member_type=FamilyMember.MemberType.CHILD).values(
        "person_id"
    )
    visits = Visit.objects.filter(
        child_id__in=child_ids, visited_by=author, date__gte=cycle.started_on
    ).select_related("child")
    if until:
        visits = visits.filter(date__lte=until)
    visits = [v for v in visits.order_by("date") if v.pk not in visit_ids]
    events = SignificantEvent.objects.filter(family=family, date__gte=cycle.started_on)
    if until:
        events = events.filter(date__lte=until)
    events = list(events.prefetch_related("people").order_by("date", "created_at"))
    last_time = previous_next_steps(cycle=cycle, author=author)

    prefills = {}
    for person in about:
        person_id = person.pk if person is not None else None
        work_done: list[str] = []
        if last_time.get(person_id):
            work_done.append(f"Last time I said I would: {last_time[person_id]}")
        lines = []
        for session in sessions:
            rows = participants[session.pk]
            if person_id is not None and not any(r.person_id == person_id for r in rows):
                continue
            line = f"- {_date(session.date)}: {session.get_kind_display().lower()} with "
            line += _names([r.person for r in rows]) or "the family"
            alone = [r.person for r in rows if r.seen_alone]
            if alone:
                line += f" ({_names(alone)} seen alone)"
            if session.note:
                line += f". {session.note}"
            lines.append(line)
        if person_id is None:
            for visit in visits:
                seen = "seen alone" if visit.seen_alone else ("seen" if visit.child_seen else "not seen")
                lines.append(f"- {_date(visit.date)}: statutory visit to {_names([visit.child])} ({seen})")
        if lines:
            work_done.append("Sessions and visits this cycle:\n" + "\n".join(lines))
        changed = []
        for event in events:
            people = list(event.people.all())
            if person_id is not None and not any(p.pk == person_id for p in people):
                continue
            first_line = event.what_happened.strip().splitlines()[0] if event.what_happened.strip() else ""
            changed.append(
                f"- {_date(event.date)}: {event.get_kind_display()} ({_names(people)}). {first_line}"
            )
        prefills[person_id] = {
            "work_done": "\n\n".join(work_done),
            "what_changed": ("Significant events this cycle:\n" + "\n".join(changed)) if changed else "",
        }
    return prefills


def last_time_you_said(chapter: Chapter) -> dict:
    """For the chapter page: {about person id or None: last cycle's next steps}, shown beside the boxes."""
    return previous_next_steps(cycle=chapter.cycle, author=chapter.author)
