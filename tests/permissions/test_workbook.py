"""The permission matrix for the Workbook (issue #9; the table and its cells are explained in matrix.py).

The Workbook is the team's record: everyone allocated to the family and the family's managers read it
(wb, cyc, chap); business support and emergency (break-glass) access may open the family but not its
Workbook (403). Each allocated worker starts their own chapter (wchs); nobody but its author changes a
chapter or adds an addendum to it (wced, wadd), and the autosave endpoint answers "not found" for a
chapter that is not the user's own (drft). The family's managers close a cycle by hand (clos). The team
reads and records sessions (sess, srec) and flags significant events (sevr); significant events are
ordinary case records, so everyone who may open the family reads them (sevl), emergency access included.
The team reads the assessments and the programme of work with the parents (asl, asmt, asv, modl, modw);
only the lead social worker compiles, edits and sends an assessment (ascm, ased, assd: nobody in the
matrix is the lead, so 403); only the family's managers return or authorise one sent to them (asrt, asau),
and never one they wrote.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from safeguarding.workbook.models import ChapterAddendum, ChapterPart, FamilyAssessment, TextDraft
from tests.permissions.matrix import make_user, parse_table, row_outcomes, rows

COLUMNS = {
    "wb": "workbook:workbook",  # the family's Workbook page
    "cyc": "workbook:cycle",  # cycle 1's shared chapters
    "chap": "workbook:chapter-detail",  # the lead social worker's shared chapter
    "wchs": "workbook:chapter-start",  # start your own chapter (POST)
    "wced": "workbook:chapter-edit",  # change the lead's chapter
    "wadd": "workbook:chapter-addendum",  # add an addendum to the lead's chapter
    "clos": "workbook:cycle-close",  # close the cycle by hand
    "drft": "workbook:draft-save",  # autosave a draft of the lead's chapter (POST)
    "sess": "workbook:sessions",  # the family's sessions
    "srec": "workbook:session-record",  # record a session
    "sevl": "workbook:significant-events",  # the family's significant events (ordinary records)
    "sevr": "workbook:significant-event-record",  # flag a significant event
    "asl": "workbook:assessments",  # the family's assessments
    "ascm": "workbook:assessment-compile",  # compile an integrated family assessment
    "asmt": "workbook:assessment",  # the integrated assessment the lead is writing
    "ased": "workbook:assessment-edit",  # edit it
    "assd": "workbook:assessment-send",  # send it to the team manager
    "asv": "workbook:assessment-version",  # a kept version of it
    "asrt": "workbook:assessment-return",  # return the parenting assessment sent to the manager
    "asau": "workbook:assessment-authorise",  # authorise it
    "modl": "workbook:modules",  # the programme of work with the parents
    "modw": "workbook:module-work",  # the mother's work on the first module
}

# fmt: off
MATRIX = """
role                  relationship wb   cyc  chap wchs wced wadd clos drft sess srec sevl sevr asl  ascm asmt ased assd asv  asrt asau modl modw
social_worker         allocated    200  200  200  302  403  403  403  404  200  200  200  200  200  403  200  403  403  200  403  403  200  200
social_worker         ended        404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404
social_worker         same_team    404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404
social_worker         other_team   404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404
social_worker         none         404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404
social_worker         emergency    403  403  403  403  403  403  403  404  403  403  200  403  403  403  403  403  403  403  403  403  403  403
adult_practitioner    allocated    200  200  200  302  403  403  403  404  200  200  200  200  200  403  200  403  403  200  403  403  200  200
adult_practitioner    ended        404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404
adult_practitioner    same_team    404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404
adult_practitioner    other_team   404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404
adult_practitioner    none         404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404
adult_practitioner    emergency    404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404
family_support_worker allocated    200  200  200  302  403  403  403  404  200  200  200  200  200  403  200  403  403  200  403  403  200  200
family_support_worker ended        404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404
family_support_worker same_team    404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404
family_support_worker other_team   404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404
family_support_worker none         404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404
family_support_worker emergency    403  403  403  403  403  403  403  404  403  403  200  403  403  403  403  403  403  403  403  403  403  403
team_manager          allocated    200  200  200  302  403  403  200  404  200  200  200  200  200  403  200  403  403  200  200  200  200  200
team_manager          ended        200  200  200  403  403  403  200  404  200  200  200  200  200  403  200  403  403  200  200  200  200  200
team_manager          same_team    200  200  200  403  403  403  200  404  200  200  200  200  200  403  200  403  403  200  200  200  200  200
team_manager          other_team   404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404
team_manager          none         404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404
team_manager          emergency    403  403  403  403  403  403  403  404  403  403  200  403  403  403  403  403  403  403  403  403  403  403
business_support      allocated    200  200  200  302  403  403  403  404  200  200  200  200  200  403  200  403  403  200  403  403  200  200
business_support      ended        403  403  403  403  403  403  403  404  403  403  200  403  403  403  403  403  403  403  403  403  403  403
business_support      same_team    403  403  403  403  403  403  403  404  403  403  200  403  403  403  403  403  403  403  403  403  403  403
business_support      other_team   404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404
business_support      none         404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404
business_support      emergency    403  403  403  403  403  403  403  404  403  403  200  403  403  403  403  403  403  403  403  403  403  403
service_manager       allocated    200  200  200  302  403  403  200  404  200  200  200  200  200  403  200  403  403  200  200  200  200  200
service_manager       ended        200  200  200  403  403  403  200  404  200  200  200  200  200  403  200  403  403  200  200  200  200  200
service_manager       same_team    200  200  200  403  403  403  200  404  200  200  200  200  200  403  200  403  403  200  200  200  200  200
service_manager       other_team   200  200  200  403  403  403  200  404  200  200  200  200  200  403  200  403  403  200  200  200  200  200
service_manager       none         200  200  200  403  403  403  200  404  200  200  200  200  200  403  200  403  403  200  200  200  200  200
service_manager       emergency    200  200  200  403  403  403  200  404  200  200  200  200  200  403  200  403  403  200  200  200  200  200
performance_analyst   allocated    404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404
performance_analyst   ended        404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404
performance_analyst   same_team    404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404
performance_analyst   other_team   404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404
performance_analyst   none         404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404
performance_analyst   emergency    404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404
auditor               allocated    404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404
auditor               ended        404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404
auditor               same_team    404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404
auditor               other_team   404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404
auditor               none         404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404
auditor               emergency    404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404
system_administrator  allocated    404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404
system_administrator  ended        404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404
system_administrator  same_team    404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404
system_administrator  other_team   404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404
system_administrator  none         404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404
system_administrator  emergency    404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404
"""
# fmt: on

EXPECTED = parse_table(COLUMNS, MATRIX)
MATRIX_ROWS = rows(EXPECTED)


@pytest.mark.parametrize(("role", "relationship"), MATRIX_ROWS, ids=[":".join(r) for r in MATRIX_ROWS])
def test_permission_matrix(client, world, role, relationship):
    assert row_outcomes(client, world, role, relationship, COLUMNS) == EXPECTED[(role, relationship)]


ROWS = sorted(EXPECTED)


@pytest.mark.parametrize(("role", "relationship"), ROWS, ids=[":".join(r) for r in ROWS])
def test_nobody_but_the_author_writes_into_a_chapter(client, world, role, relationship):
    """A POST to change the lead's chapter, add an addendum or save a draft of it is refused to everyone
    else, whatever their role, and changes nothing."""
    client.force_login(make_user(role, relationship, world))
    family, chapter = world["family"], world["chapter"]
    part = chapter.parts.get()
    field = f"part-{part.pk}-worries"
    for name, data in (
        ("workbook:chapter-edit", {"version": chapter.version, field: "Overwritten", "share": "yes"}),
        ("workbook:chapter-addendum", {"part": part.pk, "text": "Added", "reason": "Because"}),
        ("workbook:draft-save", {"version": chapter.version, field: "Drafted"}),
    ):
        response = client.post(
            reverse(
                name,
                args=[family.pk, chapter.pk]
                if name != "workbook:draft-save"
                else [family.pk, "chapter", chapter.pk],
            ),
            data,
        )
        assert response.status_code in (403, 404), name
    assert ChapterPart.objects.get(pk=part.pk).worries == "Synthetic worry"
    assert not ChapterAddendum.objects.exists()
    assert not TextDraft.objects.exists()


@pytest.mark.parametrize(("role", "relationship"), ROWS, ids=[":".join(r) for r in ROWS])
def test_nobody_but_the_lead_or_the_familys_managers_moves_an_assessment(client, world, role, relationship):
    """Posts that edit, send, return or authorise an assessment are refused to everyone the matrix says
    may not, and change nothing."""
    client.force_login(make_user(role, relationship, world))
    family, draft, sent = world["family"], world["assessment"], world["sent_assessment"]
    expected = EXPECTED[(role, relationship)]
    for column, name, assessment, data in (
        ("ased", "workbook:assessment-edit", draft, {"version": draft.version, "risks": "Overwritten"}),
        ("assd", "workbook:assessment-send", draft, {}),
        ("asrt", "workbook:assessment-return", sent, {"comments": "Returned in the matrix"}),
        ("asau", "workbook:assessment-authorise", sent, {}),
    ):
        if expected[column] == "200":
            continue
        response = client.post(reverse(name, args=[family.pk, assessment.pk]), data)
        assert response.status_code in (403, 404), name
    assert FamilyAssessment.objects.get(pk=draft.pk).status == FamilyAssessment.Status.DRAFT
    assert FamilyAssessment.objects.get(pk=draft.pk).analysis == {}
    if expected["asau"] != "200":
        assert FamilyAssessment.objects.get(pk=sent.pk).status == FamilyAssessment.Status.SENT
