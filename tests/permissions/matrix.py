"""The permission matrix's engine: who may open and change a family's record, by role and relationship to it.

The matrix is the security model. Each app's pages have their own table, in tests/permissions/test_<app>.py
(one column per page, named in that module's COLUMNS); test_whole_site.py checks what holds across them
(every page has a column or a reason not to, refused users cannot save, identical 404s, ...). Each row
is one test: it signs in as a user with that role and that relationship to one family (in the North
team, say; the `world` fixture in conftest.py), tries every column's action through the real URL, and
compares the whole row with the table, so a failure lists every cell that differs. Each cell runs in its
own savepoint, rolled back after it, so no cell sees another's writes (see `row_outcomes`).

- 200: the page opens;  403: the user may see the family but not do this;
- 404: the family is invisible to them: the same answer as for a family that does not exist;
- yes/no: whether the family (or its child) is listed on My families / in search results (the page
  itself opens, or its status code is given instead).

Relationships to the family:
- allocated:  in the family's team and currently allocated to it;
- ended:      in the family's team, allocated once but the allocation has ended;
- same_team:  in the family's team, never allocated;
- other_team: in another team, never allocated;
- none:       in no team, never allocated.
- emergency:  in another team, with current emergency (break-glass) access to the family: read-only, and
              only council casework roles can hold it (for anyone else the grant counts for nothing).
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from safeguarding.access.models import EmergencyAccess, SharingBasis
from safeguarding.accounts.tests.factories import UserFactory
from safeguarding.allocation.models import Allocation, CaseRole
from safeguarding.allocation.tests.factories import AllocationFactory
from safeguarding.journey.models import Correction, EpisodeOfNeed, Visit
from safeguarding.measures.models import Measure, MeasureAlert
from safeguarding.people.models import Address, AdultDetail, Family, Person, Relationship
from safeguarding.readiness.models import ReadinessRecord
from safeguarding.supervision.models import GroupSupervision, SupervisionAction, SupervisionAddendum
from safeguarding.workbook.models import Chapter, ChapterPart, Cycle, Session, SignificantEvent, TextDraft

RELATIONSHIPS = ("allocated", "ended", "same_team", "other_team", "none", "emergency")

SEARCH_SURNAME = "Zyxmatrix"


# Column -> the URL name it exercises, from every app's COLUMNS as parse_table reads its table.
URL_NAME: dict[str, str] = {}


def parse_table(columns: dict[str, str], table: str) -> dict[tuple[str, str], dict[str, str]]:
    """An app's table as {(role, relationship): {column: outcome}}; its header must list `columns`."""
    header, *rows = [line.split() for line in table.strip().splitlines()]
    assert header[2:] == list(columns), "matrix header and COLUMNS disagree"
    for column, name in columns.items():
        assert URL_NAME.setdefault(column, name) == name, f"column {column} is in two apps' tables"
    parsed = {}
    for row in rows:
        assert len(row) == len(header), f"matrix row has the wrong number of cells: {row}"
        parsed[(row[0], row[1])] = dict(zip(header[2:], row[2:], strict=True))
    return parsed


def rows(expected: dict[tuple[str, str], dict[str, str]]) -> list[tuple[str, str]]:
    """Every (role, relationship) of a table: the parameters of each app's test_permission_matrix."""
    return sorted(expected)


def row_outcomes(client, world, role: str, relationship: str, columns) -> dict[str, str]:
    """What a user with this role and relationship to the world's family gets from each column's action.

    One user, one sign-in and one copy of the world for the row (with the test's own set-up they were about
    a third of a cell's time when each cell was its own test); each cell in a savepoint rolled back after it, so a cell that writes (a POST-only column, the
    session's last activity, the audit event of a view) leaves the database as the next cell expects."""
    client.force_login(make_user(role, relationship, world))
    outcomes = {}
    for column in columns:
        with transaction.atomic():
            outcomes[column] = outcome_of(client, column, world)
            transaction.set_rollback(True)
    return outcomes


def make_user(role: str, relationship: str, world, organisation=None):
    team = {"other_team": world["other"], "emergency": world["other"], "none": None}.get(
        relationship, world["home"]
    )
    if role == "adult_practitioner":
        user = UserFactory(
            partner=True, team=team, **({"organisation": organisation} if organisation else {})
        )
    elif role == "system_administrator":
        user = UserFactory(superuser=True, team=team)
    else:
        user = UserFactory(role=role, team=team)
    if relationship in ("allocated", "ended"):
        AllocationFactory(
            family=world["family"], worker=user, case_role=CaseRole.OTHER, ended=relationship == "ended"
        )
    if relationship == "emergency":
        now = timezone.now()
        EmergencyAccess.objects.create(
            worker=user,
            family=world["family"],
            reason="Matrix test",
            expires_at=now + datetime.timedelta(hours=1),
        )
    return user


def url_for(column: str, world, *, family_id=None, person_id=None, allocation_id=None) -> str:
    """The URL a column exercises, for the world's family (or the ids given instead)."""
    family_id = family_id or world["family"].pk
    person_id = person_id or world["child"].pk
    allocation_id = allocation_id or world["lead"].pk
    name = URL_NAME[column]
    kwargs = {
        "fam": {"family_id": family_id},
        "edit": {"family_id": family_id},
        "addp": {"family_id": family_id},
        "rel": {"family_id": family_id},
        "allo": {"family_id": family_id},
        "pers": {"person_id": person_id},
        "ed_p": {"person_id": person_id},
        "addr": {"family_id": family_id, "person_id": person_id},
        "end": {"family_id": family_id, "allocation_id": allocation_id},
        "alog": {"family_id": family_id},
        "acsv": {"family_id": family_id},
        "plog": {"person_id": person_id},
        "pcsv": {"person_id": person_id},
        "sar": {"person_id": person_id},
        "adet": {"family_id": family_id, "person_id": world["mother"].pk},
        "basis": {"family_id": family_id, "person_id": world["mother"].pk},
        "wdrw": {"family_id": family_id, "person_id": world["mother"].pk, "basis_id": world["basis"].pk},
        "jour": {"person_id": person_id},
        "step": {"person_id": person_id, "step": "referral"},
        "svis": {"person_id": person_id, "step": "visit"},
        "corr": {"person_id": person_id, "record_type": "episodeofneed", "record_id": world["episode"].pk},
        "chr": {"person_id": person_id},
        "fchr": {"family_id": family_id},
        "ttim": {"team_id": world["home"].pk},
        "tovd": {"team_id": world["home"].pk},
        "wb": {"family_id": family_id},
        "cyc": {"family_id": family_id, "number": 1},
        "chap": {"family_id": family_id, "chapter_id": world["chapter"].pk},
        "wchs": {"family_id": family_id},
        "wced": {"family_id": family_id, "chapter_id": world["chapter"].pk},
        "wadd": {"family_id": family_id, "chapter_id": world["chapter"].pk},
        "clos": {"family_id": family_id},
        "drft": {"family_id": family_id, "record_type": "chapter", "record_id": world["chapter"].pk},
        "sess": {"family_id": family_id},
        "srec": {"family_id": family_id},
        "sevl": {"family_id": family_id},
        "sevr": {"family_id": family_id},
        "asl": {"family_id": family_id},
        "ascm": {"family_id": family_id, "kind": "integrated"},
        "asmt": {"family_id": family_id, "assessment_id": world["assessment"].pk},
        "ased": {"family_id": family_id, "assessment_id": world["assessment"].pk},
        "assd": {"family_id": family_id, "assessment_id": world["assessment"].pk},
        "asv": {"family_id": family_id, "assessment_id": world["assessment"].pk, "number": 1},
        "asrt": {"family_id": family_id, "assessment_id": world["sent_assessment"].pk},
        "asau": {"family_id": family_id, "assessment_id": world["sent_assessment"].pk},
        "modl": {"family_id": family_id},
        "modw": {"family_id": family_id, "person_id": world["mother"].pk, "module_id": world["module"].pk},
        "rdh": {"family_id": family_id, "person_id": world["mother"].pk},
        "rdr": {"family_id": family_id, "person_id": world["mother"].pk},
        "rdc": {"family_id": family_id, "person_id": world["mother"].pk, "record_id": world["readiness"].pk},
        "msh": {"family_id": family_id, "person_id": world["mother"].pk},
        "msn": {"family_id": family_id, "person_id": world["mother"].pk},
        "msr": {"family_id": family_id, "person_id": world["mother"].pk, "code": "phq9"},
        "msv": {"family_id": family_id, "person_id": world["mother"].pk, "measure_id": world["measure"].pk},
        "msc": {"family_id": family_id, "person_id": world["mother"].pk, "measure_id": world["measure"].pk},
        "msa": {
            "family_id": family_id,
            "person_id": world["mother"].pk,
            "alert_id": world["measure_alert"].pk,
        },
        "svtm": {"team_id": world["home"].pk},
        "svfm": {"family_id": family_id},
        "svsc": {"family_id": family_id},
        "svpk": {"family_id": family_id, "supervision_id": world["supervision"].pk},
        "svrs": {"family_id": family_id, "supervision_id": world["supervision"].pk},
        "svrc": {"family_id": family_id, "supervision_id": world["supervision"].pk},
        "svso": {"family_id": family_id, "supervision_id": world["supervision"].pk},
        "svad": {"family_id": family_id, "supervision_id": world["last_supervision"].pk},
        "svdn": {
            "family_id": family_id,
            "supervision_id": world["last_supervision"].pk,
            "action_id": world["supervision_action"].pk,
        },
    }.get(column, {})
    url = reverse(name, kwargs=kwargs)
    if column == "och":  # the drill-down names its figure and period in the query
        url += "?figure=cp_plans_at&period=2025-y"
    return url


# Pages that only take a POST (a button, the autosave endpoint): the matrix posts to them.
POST_ONLY = {
    "wchs": lambda w: {},
    "drft": lambda w: {"version": "1", "part-x-worries": "Typed by someone else"},
    "orf": lambda w: {"next": "outcomes:home"},
}


def outcome_of(client, column: str, world) -> str:
    if column == "srch":  # search is a POST: no names in URLs
        response = client.post(url_for(column, world), {"q": SEARCH_SURNAME})
    elif column in POST_ONLY:
        response = client.post(url_for(column, world), POST_ONLY[column](world))
    else:
        response = client.get(url_for(column, world))
    if response.status_code != 200:
        return str(response.status_code)
    if column == "mine":
        return "yes" if world["family"].reference in response.content.decode() else "no"
    if column == "srch":
        child_url = reverse("casefile:person-detail", args=[world["child"].pk])
        return "yes" if child_url in response.content.decode() else "no"
    return str(response.status_code)


# What a refused user tries to save on each page that writes. A refusal must hold for POST as for GET.
ATTEMPTS = {
    "edit": lambda w: {"name": "Renamed family"},
    "ed_p": lambda w: {"first_name": "Renamed", "last_name": "Person", "sex": "U", "ethnicity": "NOBT"},
    "addp": lambda w: {
        "member_type": "adult",
        "first_name": "Added",
        "last_name": "Person",
        "sex": "U",
        "ethnicity": "NOBT",
        "confirm_not_duplicate": "yes",
    },
    "rel": lambda w: {"person": w["mother"].pk, "relative": w["child"].pk, "kind": "mother"},
    "addr": lambda w: {"line_1": "1 New Road", "town": "Demoborough", "postcode": "DB1 1AA"},
    "allo": lambda w: {"worker": w["spare"].pk, "case_role": CaseRole.OTHER},
    "end": lambda w: {"reason_code": "worker_left", "confirm": "yes"},
    "newf": lambda w: {"name": "Added family", "team": w["home"].pk},
    "adet": lambda w: {"topic": "mental_health", "summary": "Synthetic note"},
    "basis": lambda w: {"basis": "consent", "scope": "team"},
    "wdrw": lambda w: {},
    "wchs": lambda w: {},
    # A phone call with the mother: a session that makes no statutory visit, for any role that may record.
    "srec": lambda w: {
        **_date_boxes("date", timezone.localdate() - datetime.timedelta(days=1)),
        "kind": "phone",
        "participants": [str(w["mother"].pk)],
        "note": "Talked through the week",
    },
    "sevr": lambda w: {
        **_date_boxes("date", timezone.localdate() - datetime.timedelta(days=1)),
        "kind": "police_da",
        "what_happened": "Police called to the home after shouting",
        "people": [str(w["mother"].pk), str(w["child"].pk)],
        "impact": "high",
        "impact_on_child": "The child was awake",
    },
    "clos": lambda w: {**_date_boxes("closed_on", timezone.localdate()), "note": "Closed in the matrix"},
    "emer": lambda w: {"reference": w["family"].reference, "reason": "Refused user tries emergency access"},
    # A reading of the mother's readiness to change, and a correction of the one recorded.
    "rdr": lambda w: _readiness(timezone.localdate() - datetime.timedelta(days=1)),
    "rdc": lambda w: {
        **_readiness(datetime.date(2024, 2, 1), importance="9"),
        "version": "1",
        "reason": "Recorded the wrong way round",
    },
    # Parent measures: record a PHQ-9, correct the one recorded, close its safety check.
    "msr": lambda w: _phq9(timezone.localdate() - datetime.timedelta(days=1)),
    "msc": lambda w: {**_phq9(datetime.date(2024, 2, 1)), "version": "1", "reason": "Item 1 misread"},
    "msa": lambda w: {"outcome": "Safety plan agreed in the matrix"},
    "step": lambda w: {
        **_date_boxes("referral_date", timezone.localdate() - datetime.timedelta(days=3)),
        "referral_source": "6",
        "no_further_action": "false",
    },
    "svis": lambda w: {
        **_date_boxes("date", timezone.localdate() - datetime.timedelta(days=1)),
        "child_seen": "true",
        "seen_alone": "false",
    },
    "corr": lambda w: {
        **_date_boxes("referral_date", datetime.date(2024, 1, 8)),
        "referral_source": "6",
        "no_further_action": "false",
        **_date_boxes("closure_date", datetime.date(2024, 3, 1)),
        "closure_reason": "RC7",
        "reason": "The police made the referral",
    },
    # Group supervision: move the next one, record it, sign it off, add to the last one, mark its action
    # done.
    "svrs": lambda w: {
        **_date_boxes("scheduled_for", timezone.localdate() + datetime.timedelta(days=7)),
        "chair": str(w["lead"].worker.pk),
    },
    "svrc": lambda w: {
        "version": str(w["supervision"].version),
        f"attendance-{w['lead'].worker.pk}": "attended",
        "family_views": "The mother joined by phone",
        "decisions": ["continue"],
    },
    "svso": lambda w: {"confirm": "on"},
    "svad": lambda w: {"text": "Police attended after the meeting", "reason": "Came to light later"},
    "svdn": lambda w: {"outcome": "Visited", **_date_boxes("done_on", timezone.localdate())},
}


def _readiness(day: datetime.date, **change) -> dict:
    return {
        **_date_boxes("recorded_on", day),
        "behaviour": "safety_from_abuse",
        "importance": "6",
        "confidence": "5",
        "stage": "preparation",
        "in_their_words": "Typed in the matrix",
        **change,
    }


def _phq9(day: datetime.date) -> dict:
    return {
        **_date_boxes("administered_on", day),
        "answered_by": "self",
        **{f"item_{n}": "2" for n in range(1, 10)},
    }


def _date_boxes(name: str, day: datetime.date) -> dict:
    return {f"{name}_day": day.day, f"{name}_month": day.month, f"{name}_year": day.year}


# Who makes each attempt in the test that the attempts are real saves: a service manager can do all but
# ask for emergency access (they see every family already), which a social worker in another team can.
ALLOWED_TO_SAVE = {
    "emer": ("social_worker", "other_team"),
    "wchs": ("social_worker", "allocated"),
    # Readiness is recorded by the family's own team manager (with the mother's basis for sharing), not a
    # service manager.
    "rdr": ("team_manager", "same_team"),
    "rdc": ("team_manager", "same_team"),
    # Measures are recorded by the family's own team manager (with the mother's basis for sharing), and
    # an alert closed by its owner or the family's team manager.
    "msr": ("team_manager", "same_team"),
    "msc": ("team_manager", "same_team"),
    "msa": ("team_manager", "same_team"),
    # The chair's: the family's team manager (the service manager oversees, does not chair).
    "svrc": ("team_manager", "same_team"),
    "svso": ("team_manager", "same_team"),
    "svdn": ("team_manager", "same_team"),
}


def snapshot(world) -> tuple:
    family, child = world["family"], world["child"]
    return (
        Family.objects.values_list("name", flat=True).get(pk=family.pk),
        Family.objects.count(),
        Person.objects.values_list("first_name", flat=True).get(pk=child.pk),
        Person.objects.count(),
        Relationship.objects.count(),
        Address.objects.count(),
        sorted(Allocation.objects.values_list("pk", "end_date")),
        AdultDetail.objects.count(),
        sorted(SharingBasis.objects.values_list("pk", "withdrawn_on")),
        EmergencyAccess.objects.count(),
        EpisodeOfNeed.objects.count(),
        EpisodeOfNeed.objects.values_list("referral_source", flat=True).get(pk=world["episode"].pk),
        Visit.objects.count(),
        Correction.objects.count(),
        Chapter.objects.count(),
        sorted(Cycle.objects.values_list("number", "closed_on")),
        TextDraft.objects.count(),
        Session.objects.count(),
        SignificantEvent.objects.count(),
        ChapterPart.objects.values_list("worries", flat=True).get(chapter=world["chapter"]),
        sorted(ReadinessRecord.objects.values_list("pk", "importance", "version")),
        sorted(
            (str(pk), str(total), version)
            for pk, total, version in Measure.objects.values_list("pk", "total", "version")
        ),
        sorted((str(pk), str(closed)) for pk, closed in MeasureAlert.objects.values_list("pk", "closed_on")),
        sorted(
            (str(pk), status, str(day), chair, views)
            for pk, status, day, chair, views in GroupSupervision.objects.values_list(
                "pk", "status", "scheduled_for", "chair_id", "family_views"
            )
        ),
        SupervisionAddendum.objects.count(),
        sorted((str(pk), str(done)) for pk, done in SupervisionAction.objects.values_list("pk", "done_on")),
    )
