"""Reads of a family's sessions and significant events, each in a fixed number of queries.

`family_significant_events` and `worker_sessions` are what the Workbook page and a chapter's pre-fill ask
for; the list pages use `family_sessions_page` and `significant_events_page`.
"""

from __future__ import annotations

import dataclasses
import datetime

from django.core.paginator import Paginator
from django.db.models import Prefetch

from safeguarding.access.policies import SHOWN, Disclosure
from safeguarding.accounts.models import User
from safeguarding.people.models import FamilyMember, Person

from ..models import Session, SessionParticipant, SignificantEvent

PAGE_SIZE = 25


def _participants() -> Prefetch:
    # Eldest first; the pages split children from adults by their place in the family.
    return Prefetch(
        "participants",
        queryset=SessionParticipant.objects.select_related("person", "visit").order_by(
            "person__date_of_birth", "person__first_name"
        ),
    )


def sessions_of(family):
    """The family's sessions, newest first, with who recorded them, the module and who took part."""
    return (
        Session.objects.filter(family=family)
        .select_related("recorded_by", "module")
        .prefetch_related(_participants())
        .order_by("-date", "-created_at")
    )


def worker_sessions(family, worker, *, since: datetime.date, until: datetime.date) -> list[Session]:
    """The sessions one worker recorded with the family from `since` to `until` (both included), oldest
    first, as a chapter lists them: two queries whatever their number."""
    return list(
        sessions_of(family)
        .filter(recorded_by=worker, date__gte=since, date__lte=until)
        .order_by("date", "created_at")
    )


def _people() -> Prefetch:
    return Prefetch("people", queryset=Person.objects.order_by("date_of_birth", "first_name"))


def significant_events_of(family):
    return (
        SignificantEvent.objects.filter(family=family)
        .select_related("recorded_by")
        .prefetch_related(_people())
        .order_by("-date", "-created_at")
    )


def family_significant_events(
    family,
    *,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
    limit: int | None = None,
) -> list[SignificantEvent]:
    """The family's significant events, newest first, from `since` to `until` (both included, either
    open), at most `limit`: two queries whatever their number."""
    events = significant_events_of(family)
    if since is not None:
        events = events.filter(date__gte=since)
    if until is not None:
        events = events.filter(date__lte=until)
    if limit is not None:
        events = events[:limit]
    return list(events)


# ---- The pages ----------------------------------------------------------------------------------------


def _page_number(raw) -> int:
    raw = str(raw or "1")
    number = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 7 else 1
    return max(number, 1)


def recorders(family) -> list[User]:
    """The workers who have recorded sessions with the family, for the list's filter (one query)."""
    return list(
        User.objects.filter(pk__in=Session.objects.filter(family=family).values("recorded_by")).order_by(
            "first_name", "last_name"
        )
    )


@dataclasses.dataclass(frozen=True)
class SessionRow:
    session: Session
    participants: list[SessionParticipant]
    children: list[SessionParticipant]
    adults: list[SessionParticipant]
    note_disclosure: Disclosure

    @property
    def visits(self) -> list[SessionParticipant]:
        return [p for p in self.children if p.visit_id]


def note_disclosure(user, disclosure, session: Session, participants) -> Disclosure:
    """Whether the user reads the session's note.

    A note by an adult's own practitioner about adults only is special-category data about each of them
    (ADR 10): it is shown only where every adult in it may be disclosed to this user, and the worker who
    wrote it always reads it. The date, the type of session and who took part are the team's to know."""
    if session.sensitivity == "ordinary" or session.recorded_by_id == user.pk:
        return SHOWN
    for participant in participants:
        shown = disclosure.for_record(session.sensitivity, participant.person_id)
        if not shown.visible:
            return shown
    return SHOWN


def family_sessions_page(user, disclosure, family, *, worker_id=None, page=None):
    """One page of the family's sessions (25), newest first, optionally one worker's: 4 queries (count,
    page, participants, the family's memberships)."""
    sessions = sessions_of(family)
    if worker_id is not None:
        sessions = sessions.filter(recorded_by_id=worker_id)
    paginator = Paginator(sessions, PAGE_SIZE)
    page_obj = paginator.get_page(_page_number(page))
    adult_ids = set(
        FamilyMember.objects.filter(family=family, member_type=FamilyMember.MemberType.ADULT).values_list(
            "person_id", flat=True
        )
    )
    rows = []
    for session in page_obj.object_list:
        participants = list(session.participants.all())
        rows.append(
            SessionRow(
                session=session,
                participants=participants,
                children=[p for p in participants if p.person_id not in adult_ids],
                adults=[p for p in participants if p.person_id in adult_ids],
                note_disclosure=note_disclosure(user, disclosure, session, participants),
            )
        )
    return page_obj, rows


def significant_events_page(family, *, page=None):
    """One page of the family's significant events (25), newest first: 3 queries."""
    paginator = Paginator(significant_events_of(family), PAGE_SIZE)
    return paginator.get_page(_page_number(page))
