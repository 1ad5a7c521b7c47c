"""Malformed and hostile input through every form and query parameter.

Whatever is typed or put in a URL, the service answers with a page, never a server error: the input is
either saved, refused with a GOV.UK error message, or answered with a 4xx. Anything echoed back is
HTML-escaped, so typed markup never reaches the browser as markup. NUL bytes are refused by the forms
(PostgreSQL cannot store them), so both databases behave alike.
"""

from __future__ import annotations

import datetime
import itertools
import uuid
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safeguarding.accounts.models import Team, User
from safeguarding.allocation.models import Allocation, CaseRole
from safeguarding.core.forms import GovukDateWidget
from safeguarding.demo import personas
from safeguarding.journey import models as journey
from safeguarding.journey.forms import CORRECT_FORMS, STEP_FORMS
from safeguarding.journey.tests.journeys import POSTS, do
from safeguarding.people import services as people_services
from safeguarding.people.models import Family, FamilyMember

SCRIPT = "<script>alert(1)</script>"
HOSTILE = {
    "script tag": SCRIPT,
    "attribute break-out": '"><img src=x onerror=alert(1)>',
    "100k characters": "A" * 100_000,
    "NUL byte": "Mia\x00Carter",
    "right-to-left override": "Mia \u202eretraC\u202c",
    "SQL": "Robert'); DROP TABLE people_person;--",
    "SQL wildcards": "%' OR '1'='1' --_",
    "emoji": "Mia 👩‍👧‍👦🧸",
    "huge number": "99999999999999999999",
    "negative number": "-1",
    "only spaces": "   ",
    "template syntax": "{{ request.user.password }}{% debug %}",
}
# Values a form must refuse, whatever the field: no field accepts 100k characters or a NUL byte.
MUST_REFUSE = {"100k characters", "NUL byte"}
RAW_MARKUP = (SCRIPT, "<img src=x onerror=alert(1)>")
HYPOTHESIS = settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def assert_no_raw_markup(response) -> str:
    body = response.content.decode()
    for markup in RAW_MARKUP:
        assert markup not in body, f"unescaped {markup!r} on {response.request['PATH_INFO']}"
    return body


def assert_handled(client, response, label: str) -> str:
    """Saved (a redirect to a page that renders), refused with an error summary, or a 4xx. Never a 5xx."""
    assert response.status_code < 500, f"{label}: {response.status_code}"
    body = assert_no_raw_markup(response)
    if response.status_code == 302:
        landing = client.get(response["Location"])
        assert landing.status_code == 200, f"{label}: landing page {landing.status_code}"
        assert_no_raw_markup(landing)
        return "saved"
    if response.status_code == 200:
        assert "govuk-error-summary" in body or 'id="duplicate-warning"' in body, f"{label}: no message shown"
        return "refused"
    assert 400 <= response.status_code < 500, f"{label}: {response.status_code}"
    return "4xx"


# --- the council and the forms -----------------------------------------------------------------------


@dataclass
class Council:
    asha: User
    maria: User
    owen: User
    ben: User
    family: Family
    child: object
    adult: object
    _workers = itertools.count()

    def fresh_allocation(self) -> Allocation:
        """An open allocation to end: each post that succeeds closes one, so every value gets its own."""
        n = next(self._workers)
        worker = User.objects.create(
            username=f"hostile-worker-{n}", role="family_support_worker", team=self.family.team
        )
        return Allocation.objects.create(
            family=self.family,
            worker=worker,
            case_role=CaseRole.FAMILY_SUPPORT_WORKER,
            start_date=datetime.date(2024, 1, 1),
        )

    def journey_child(self, *steps: str):
        """A new child in the family with these journey steps recorded: made once for each list of steps,
        so that a form's posts all go to a child whose journey is ready for that step."""
        made = self.__dict__.setdefault("journey_children", {})
        if steps not in made:
            child = people_services.person_create(
                actor=self.asha,
                family=self.family,
                member_type="child",
                values={
                    "first_name": "Hostile",
                    "last_name": f"Journey{len(made)}",
                    "date_of_birth": datetime.date(2018, 5, 1),
                },
            )
            do(self.asha, child, *steps)
            made[steps] = child
        return made[steps]

    def free_worker(self) -> User:
        return (
            User.objects.filter(team=self.family.team, role="family_support_worker")
            .exclude(allocations__family=self.family, allocations__end_date=None)
            .first()
        ) or User.objects.create(
            username="hostile-free-worker", role="family_support_worker", team=self.family.team
        )


@pytest.fixture
def council(demo_council) -> Council:
    """The demo council (built once per test database: see conftest.py at the top of the repository)."""
    asha = User.objects.get(username="asha")
    family = (
        Family.objects.filter(
            team__name=personas.NORTH_TEAM, allocations__worker=asha, allocations__end_date=None
        )
        .order_by("name")
        .first()
    )
    members = FamilyMember.objects.filter(family=family).select_related("person")
    return Council(
        asha=asha,
        maria=User.objects.get(username="maria"),
        owen=User.objects.get(username="owen"),
        ben=User.objects.get(username="ben"),
        family=family,
        child=next(m.person for m in members if m.member_type == "child"),
        adult=next(m.person for m in members if m.member_type == "adult"),
    )


def dates(name: str, day=3, month=4, year=2019) -> dict:
    return {f"{name}_day": str(day), f"{name}_month": str(month), f"{name}_year": str(year)}


DATE_PARTS = ("day", "month", "year")
PERSON_TEXT = [
    "first_name",
    "middle_names",
    "last_name",
    "known_as",
    "first_language",
    "nhs_number",
    "upn",
    "council_id",
]
# One box of each date: the three boxes are parsed by the same code, and the hypothesis tests below put
# anything in all three.
PERSON_FIELDS = [
    *PERSON_TEXT,
    "sex",
    "ethnicity",
    "disabilities",
    "date_of_birth_day",
    "expected_date_of_birth_month",
    "date_of_death_year",
]


def person_data(person=None) -> dict:
    if person is None:
        return {
            "member_type": "child",
            "first_name": "Juniper",
            "last_name": "Oakridge",
            "sex": "F",
            "ethnicity": "NOBT",
            "confirm_not_duplicate": "yes",
            **dates("date_of_birth"),
        }
    born = person.date_of_birth
    return {
        "first_name": person.first_name,
        "last_name": person.last_name,
        "sex": person.sex,
        "ethnicity": person.ethnicity,
        "confirm_not_duplicate": "yes",
        **(dates("date_of_birth", born.day, born.month, born.year) if born else {}),
    }


@dataclass(frozen=True)
class FormUnderTest:
    user: str | None  # who posts it (None: signed out)
    url: object  # Council -> path; called for every post
    data: object  # Council -> the valid data the hostile value is put into
    fields: tuple[str, ...]


FORMS = {
    "sign in": FormUnderTest(
        None,
        lambda c: reverse("accounts:sign-in"),
        lambda c: {"username": "asha", "password": "wrong"},
        ("username", "password", "next"),
    ),
    "family create": FormUnderTest(
        "maria", lambda c: reverse("casefile:family-create"), lambda c: {"name": "Quill family"}, ("name",)
    ),
    "family create with a team": FormUnderTest(
        "owen",
        lambda c: reverse("casefile:family-create"),
        lambda c: {"name": "Quill family", "team": str(c.family.team_id)},
        ("name", "team"),
    ),
    "family edit": FormUnderTest(
        "asha",
        lambda c: reverse("casefile:family-edit", args=[c.family.pk]),
        lambda c: {"name": c.family.name},
        ("name",),
    ),
    "person create": FormUnderTest(
        "asha",
        lambda c: reverse("casefile:person-create", args=[c.family.pk]),
        lambda c: person_data(),
        ("member_type", *PERSON_FIELDS),
    ),
    "person edit": FormUnderTest(
        "asha",
        lambda c: reverse("casefile:person-edit", args=[c.child.pk]),
        lambda c: person_data(c.child),
        (*PERSON_TEXT, "sex", "date_of_birth_year"),  # the same form class as create: its own save path
    ),
    "relationship": FormUnderTest(
        "asha",
        lambda c: reverse("casefile:relationship-create", args=[c.family.pk]),
        lambda c: {
            "person": str(c.adult.pk),
            "kind": "other",
            "relative": str(c.child.pk),
            "description": "Aunt",
        },
        ("person", "kind", "relative", "description"),
    ),
    "address": FormUnderTest(
        "asha",
        lambda c: reverse("casefile:address-create", args=[c.family.pk, c.child.pk]),
        lambda c: {"line_1": "1 Test Street", "town": "Demoborough", "postcode": "DB1 1AA"},
        ("line_1", "line_2", "town", "postcode", "moved_in_on_day"),
    ),
    "allocation create": FormUnderTest(
        "maria",
        lambda c: reverse("casefile:allocation-create", args=[c.family.pk]),
        lambda c: {"worker": str(c.free_worker().pk), "case_role": CaseRole.OTHER},
        ("worker", "case_role", "start_date_month"),
    ),
    "allocation end": FormUnderTest(
        "maria",
        lambda c: reverse("casefile:allocation-end", args=[c.family.pk, c.fresh_allocation().pk]),
        lambda c: {"reason_code": "other", "reason": "Worker left the team", "confirm": "yes"},
        ("reason_code", "reason", "end_date_year"),
    ),
    "emergency access": FormUnderTest(
        "ben",
        lambda c: reverse("access:emergency-access"),
        lambda c: {"reference": c.family.reference, "reason": "Police called the duty line tonight"},
        ("reference", "reason"),
    ),
    "sharing basis": FormUnderTest(
        "maria",
        lambda c: reverse("access:sharing-basis-create", args=[c.family.pk, c.adult.pk]),
        lambda c: {"basis": "consent", "explanation": "Agreed at the home visit"},
        ("basis", "explanation"),
    ),
    "adult detail": FormUnderTest(
        "maria",
        lambda c: reverse("casefile:adult-detail-create", args=[c.family.pk, c.adult.pk]),
        lambda c: {"topic": "mental_health", "summary": "Synthetic note"},
        ("topic", "summary"),
    ),
    "allocation of an adult practitioner": FormUnderTest(
        "maria",
        lambda c: reverse("casefile:allocation-create", args=[c.family.pk]),
        lambda c: {
            "worker": str(c.free_worker().pk),
            "case_role": CaseRole.RECOVERY_WORKER,
            "works_with": str(c.adult.pk),
        },
        ("works_with",),
    ),
}


def _boxes(form_class) -> tuple[str, ...]:
    """The fields of a journey form to put hostile values in: every field, and the first date's day box
    (the boxes of every date are parsed by the same code, which the person form's tests cover)."""
    dated = [n for n, f in form_class.base_fields.items() if isinstance(f.widget, GovukDateWidget)]
    return tuple(n for n in form_class.base_fields if n not in dated) + tuple(f"{n}_day" for n in dated[:1])


def _journey_step_form(slug: str) -> FormUnderTest:
    before, data = POSTS[slug]
    return FormUnderTest(
        "asha",
        lambda c: reverse("journey:step", args=[c.journey_child(*before).pk, slug]),
        lambda c: dict(data),
        _boxes(STEP_FORMS[slug]),
    )


def _correction_url(c, model, *steps) -> str:
    child = c.journey_child(*steps)
    record = model.objects.filter(child=child).latest("created_at")
    return reverse("journey:record-correct", args=[child.pk, model._meta.model_name, record.pk])


FORMS.update({f"journey: {slug}": _journey_step_form(slug) for slug in POSTS})
FORMS["journey: correct a referral"] = FormUnderTest(
    "asha",
    lambda c: _correction_url(c, journey.EpisodeOfNeed, "referral"),
    lambda c: {
        **POSTS["referral"][1],
        "referral_source": "6",
        "reason": "The police made the referral",
    },
    _boxes(CORRECT_FORMS[journey.EpisodeOfNeed]),
)
FORMS["journey: correct an assessment"] = FormUnderTest(
    "asha",
    lambda c: _correction_url(c, journey.Assessment, "referral", "assessment"),
    lambda c: {**POSTS["assessment"][1], "reason": "Started a day later"},
    _boxes(CORRECT_FORMS[journey.Assessment]),
)
FORM_FIELDS = [(form, field) for form, spec in FORMS.items() for field in spec.fields]


@pytest.mark.parametrize(("form", "field"), FORM_FIELDS, ids=[f"{f}: {field}" for f, field in FORM_FIELDS])
def test_hostile_value_in_any_form_field_is_saved_escaped_or_refused_never_a_server_error(
    client, council, form, field
):
    spec = FORMS[form]
    if spec.user:
        client.force_login(getattr(council, spec.user))
    for label, value in HOSTILE.items():
        data = {**spec.data(council), field: value}
        response = client.post(spec.url(council), data)
        outcome = assert_handled(client, response, f"{form} {field} = {label}")
        if label in MUST_REFUSE and field != "next":
            assert outcome == "refused", f"{form} {field} = {label}: {outcome}"


@pytest.mark.parametrize("form", [f for f, spec in FORMS.items() if spec.user], ids=str)
def test_lists_where_single_values_are_expected_are_handled(client, council, form):
    spec = FORMS[form]
    client.force_login(getattr(council, spec.user))
    data = spec.data(council)
    doubled = {key: [value, SCRIPT] for key, value in data.items()}
    assert_handled(client, client.post(spec.url(council), doubled), f"{form} with every value twice")


@pytest.mark.parametrize(
    "form",
    [
        "family create",
        "family edit",
        "person create",
        "relationship",
        "address",
        "allocation end",
        "journey: visit",
        "journey: correct a referral",
    ],
)
@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_other_http_methods_on_a_form_are_refused_with_405(client, council, form, method):
    spec = FORMS[form]
    client.force_login(getattr(council, spec.user))
    assert getattr(client, method)(spec.url(council)).status_code == 405


def test_nul_byte_in_a_name_is_refused_with_a_message_and_nothing_saved(client, council):
    client.force_login(council.maria)
    families_before = Family.objects.count()
    response = client.post(reverse("casefile:family-create"), {"name": "Quill\x00 family"})
    assert "Null characters are not allowed." in response.content.decode()
    assert Family.objects.count() == families_before


def test_nul_byte_in_the_sign_in_username_is_refused_without_a_server_error(client, council):
    # The failed sign-in is audited with the username tried: PostgreSQL's JSON cannot hold a NUL byte.
    response = client.post(reverse("accounts:sign-in"), {"username": "asha\x00", "password": "x"})
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()


def test_markup_saved_in_a_family_name_is_shown_escaped(client, council):
    client.force_login(council.maria)
    response = client.post(reverse("casefile:family-create"), {"name": f"{SCRIPT} family"})
    page = client.get(response["Location"])
    body = assert_no_raw_markup(page)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; family" in body


def test_markup_in_a_refused_field_is_echoed_escaped(client, council):
    client.force_login(council.asha)
    data = {**person_data(), "first_name": SCRIPT, "nhs_number": "123"}
    response = client.post(reverse("casefile:person-create", args=[council.family.pk]), data)
    body = assert_no_raw_markup(response)
    assert 'value="&lt;script&gt;alert(1)&lt;/script&gt;"' in body


def test_markup_in_a_duplicate_warning_is_escaped(client, council):
    client.force_login(council.asha)
    url = reverse("casefile:person-create", args=[council.family.pk])
    data = {**person_data(), "first_name": SCRIPT}
    assert client.post(url, data).status_code == 302
    del data["confirm_not_duplicate"]
    response = client.post(url, data)
    body = assert_no_raw_markup(response)
    assert 'id="duplicate-warning"' in body and "&lt;script&gt;" in body


@pytest.mark.parametrize(
    "target", [SCRIPT, "javascript:alert(1)", "https://evil.example/", "//evil.example/", "/\\evil.example/"]
)
def test_sign_in_next_parameter_is_escaped_and_never_followed_off_site(client, council, target):
    page = client.get(reverse("accounts:sign-in"), {"next": target})
    assert_no_raw_markup(page)
    response = client.post(
        reverse("accounts:sign-in"), {"username": "asha", "password": personas.DEMO_PASSWORD, "next": target}
    )
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert (location.scheme, location.netloc) == ("", "")
    assert "<" not in response["Location"] and "evil" not in response["Location"]


# --- query parameters and URLs -----------------------------------------------------------------------


@pytest.mark.parametrize("label", HOSTILE, ids=str)
def test_hostile_search_is_answered_with_results_or_a_message(client, council, label):
    client.force_login(council.asha)
    response = client.post(reverse("casefile:search"), {"q": HOSTILE[label]})
    assert response.status_code == 200
    body = assert_no_raw_markup(response)
    if label in MUST_REFUSE | {"only spaces"}:
        assert "govuk-error-summary" in body
    else:
        assert "result" in body and "govuk-error-summary" not in body


def _emergency_search(client, council, **changes):
    client.force_login(council.ben)
    data = {"last_name": council.child.last_name, "first_name": "", **dates("date_of_birth"), **changes}
    return client.post(reverse("access:emergency-access-search"), data)


@pytest.mark.parametrize("field", ["last_name", "first_name", "date_of_birth_day"])
@pytest.mark.parametrize("label", HOSTILE, ids=str)
def test_hostile_emergency_access_search_is_answered_with_matches_or_a_message(client, council, label, field):
    response = _emergency_search(client, council, **{field: HOSTILE[label]})
    assert response.status_code == 200
    body = assert_no_raw_markup(response)
    if label in MUST_REFUSE:
        assert "govuk-error-summary" in body
    else:
        assert "govuk-error-summary" in body or 'id="results"' in body


def test_emergency_access_search_with_every_value_twice_is_answered(client, council):
    data = {"last_name": council.child.last_name, "first_name": "", **dates("date_of_birth")}
    doubled = {key: [value, SCRIPT] for key, value in data.items()}
    response = _emergency_search(client, council, **doubled)
    assert response.status_code == 200
    assert_no_raw_markup(response)


def test_search_with_the_query_twice_is_answered(client, council):
    client.force_login(council.asha)
    response = client.post(reverse("casefile:search"), {"q": [council.child.last_name, "<script>"]})
    assert response.status_code == 200
    assert_no_raw_markup(response)


def test_search_results_show_a_hostile_name_escaped(client, council):
    people_services.person_create(
        actor=council.asha,
        family=council.family,
        member_type="child",
        values={
            "first_name": SCRIPT,
            "last_name": "Quillfeather",
            "date_of_birth": datetime.date(2019, 4, 3),
        },
    )
    client.force_login(council.asha)
    response = client.post(reverse("casefile:search"), {"q": "Quillfeather"})
    body = assert_no_raw_markup(response)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Quillfeather" in body


@given(query=st.text(max_size=300))
@HYPOTHESIS
def test_any_search_text_is_answered_with_results_or_a_message(client, council, query):
    client.force_login(council.asha)
    response = client.post(reverse("casefile:search"), {"q": query + SCRIPT})
    assert response.status_code == 200
    assert_no_raw_markup(response)
    response = client.post(reverse("casefile:search"), {"q": query})
    assert response.status_code == 200


@pytest.mark.parametrize("team", [*HOSTILE.values(), "00000000-0000-0000-0000-000000000000"], ids=repr)
def test_team_caseload_with_an_unknown_team_is_not_found(client, council, team):
    client.force_login(council.maria)
    response = client.get(reverse("casefile:team-caseload"), {"team": team})
    assert response.status_code == 404
    assert_no_raw_markup(response)


def test_team_caseload_without_a_team_shows_the_managers_own_team(client, council):
    client.force_login(council.maria)
    body = client.get(reverse("casefile:team-caseload"), {"team": ""}).content.decode()
    assert f'<h1 class="govuk-heading-l">{personas.NORTH_TEAM}</h1>' in body


def test_team_caseload_for_a_team_the_manager_does_not_manage_is_not_found(client, council):
    """The same answer as for a team that does not exist: another team's caseload is not hers to see."""
    client.force_login(council.maria)
    south = Team.objects.get(name=personas.SOUTH_TEAM)
    response = client.get(reverse("casefile:team-caseload"), {"team": str(south.pk)})
    assert response.status_code == 404
    assert personas.SOUTH_TEAM not in response.content.decode()


def test_team_caseload_with_the_team_twice_takes_one(client, council):
    client.force_login(council.owen)
    south = Team.objects.get(name=personas.SOUTH_TEAM)
    response = client.get(reverse("casefile:team-caseload") + f"?team=not-a-uuid&team={south.pk}")
    assert response.status_code == 200
    assert f'<h1 class="govuk-heading-l">{personas.SOUTH_TEAM}</h1>' in response.content.decode()


BAD_IDS = [
    "not-a-uuid",
    "99999999999999999999",
    "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "%00",
    "..%2F..%2Fadmin",
    "00000000-0000-0000-0000-000000000000",
    "12345678-1234-5678-1234-56781234567",
]
URL_SHAPES = [
    "/children/{}/journey/",
    "/children/{}/journey/visit/",
    "/children/{}/chronology/",
    "/families/{}/chronology/",
    "/children/{child}/journey/episodeofneed/{}/correct/",
    "/timeliness/{}/",
    "/timeliness/{}/overdue/",
    "/families/{}/",
    "/families/{}/edit/",
    "/families/{}/people/new/",
    "/families/{}/relationships/new/",
    "/families/{family}/people/{}/addresses/new/",
    "/people/{}/",
    "/people/{}/edit/",
    "/families/{}/allocations/new/",
    "/families/{family}/allocations/{}/end/",
]


@pytest.mark.parametrize("shape", URL_SHAPES)
def test_invalid_or_unknown_ids_in_urls_are_not_found(client, council, shape):
    client.force_login(council.maria)
    for bad in BAD_IDS:
        response = client.get(shape.format(bad, family=council.family.pk, child=council.child.pk))
        assert response.status_code == 404, f"{shape} with {bad!r}: {response.status_code}"
        assert_no_raw_markup(response)


# --- the person form, by hypothesis ------------------------------------------------------------------

markup = st.sampled_from([SCRIPT, '"><img src=x onerror=alert(1)>', ""])
name_text = st.tuples(st.text(max_size=40), markup, st.text(max_size=40)).map("".join)
date_part = st.one_of(st.integers().map(str), st.text(max_size=6))


@given(first_name=name_text, last_name=name_text, known_as=st.text(max_size=120), nhs=st.text(max_size=25))
@HYPOTHESIS
def test_any_text_in_the_person_form_is_saved_escaped_or_refused(
    client, council, first_name, last_name, known_as, nhs
):
    client.force_login(council.asha)
    data = {
        **person_data(),
        "first_name": first_name,
        "last_name": last_name,
        "known_as": known_as,
        "nhs_number": nhs,
    }
    response = client.post(reverse("casefile:person-create", args=[council.family.pk]), data)
    assert_handled(client, response, repr(data))


@given(day=date_part, month=date_part, year=date_part, died=st.dates())
@HYPOTHESIS
def test_any_date_parts_in_the_person_form_are_saved_or_refused(client, council, day, month, year, died):
    client.force_login(council.asha)
    data = {
        **person_data(),
        **dates("date_of_birth", day, month, year),
        **dates("date_of_death", died.day, died.month, died.year),
    }
    response = client.post(reverse("casefile:person-create", args=[council.family.pk]), data)
    assert assert_handled(client, response, repr(data)) in ("saved", "refused")


@given(reference=st.text(max_size=40), reason=st.text(max_size=1200))
@HYPOTHESIS
def test_any_text_in_the_emergency_access_form_is_handled(client, council, reference, reason):
    client.force_login(council.ben)
    response = client.post(reverse("access:emergency-access"), {"reference": reference, "reason": reason})
    assert_handled(client, response, "emergency access")


@given(last_name=st.text(max_size=120), first_name=st.text(max_size=120), day=date_part, year=date_part)
@HYPOTHESIS
def test_any_text_in_the_emergency_access_search_is_handled(
    client, council, last_name, first_name, day, year
):
    response = _emergency_search(
        client,
        council,
        last_name=last_name,
        first_name=first_name,
        date_of_birth_day=day,
        date_of_birth_year=year,
    )
    assert response.status_code == 200
    body = assert_no_raw_markup(response)
    assert "govuk-error-summary" in body or 'id="results"' in body


@given(topic=st.text(max_size=40), summary=st.text(max_size=4200), basis=st.text(max_size=40))
@HYPOTHESIS
def test_any_text_in_the_adult_detail_and_sharing_basis_forms_is_handled(
    client, council, topic, summary, basis
):
    client.force_login(council.maria)
    url = reverse("casefile:adult-detail-create", args=[council.family.pk, council.adult.pk])
    assert_handled(client, client.post(url, {"topic": topic, "summary": summary}), "adult detail")
    url = reverse("access:sharing-basis-create", args=[council.family.pk, council.adult.pk])
    assert_handled(client, client.post(url, {"basis": basis, "explanation": summary}), "sharing basis")


# --- the journey's pages, by hypothesis and query parameter ------------------------------------------


@given(day=date_part, month=date_part, year=date_part, seen=st.text(max_size=8), alone=st.text(max_size=8))
@HYPOTHESIS
def test_any_date_parts_and_answers_in_the_visit_form_are_saved_or_refused(
    client, council, day, month, year, seen, alone
):
    client.force_login(council.asha)
    data = {**dates("date", day, month, year), "child_seen": seen, "seen_alone": alone}
    url = reverse("journey:step", args=[council.journey_child().pk, "visit"])
    assert assert_handled(client, client.post(url, data), repr(data)) in ("saved", "refused")


@given(court=st.text(max_size=130), case_number=st.text(max_size=50))
@HYPOTHESIS
def test_any_text_in_the_care_proceedings_form_is_handled(client, council, court, case_number):
    client.force_login(council.asha)
    before, data = POSTS["care-proceedings"]
    url = reverse("journey:step", args=[council.journey_child(*before).pk, "care-proceedings"])
    assert_handled(client, client.post(url, {**data, "court": court, "case_number": case_number}), "court")


@pytest.mark.parametrize("label", HOSTILE, ids=str)
def test_hostile_chronology_filters_and_pages_are_answered(client, council, label):
    client.force_login(council.asha)
    for url in (
        reverse("journey:child-chronology", args=[council.child.pk]),
        reverse("journey:family-chronology", args=[council.family.pk]),
    ):
        for params in (
            {"kind": HOSTILE[label]},
            {"page": HOSTILE[label]},
            {"kind": ["visit", HOSTILE[label]]},
        ):
            response = client.get(url, params)
            assert response.status_code == 200, f"{url} {params}"
            assert_no_raw_markup(response)


def test_an_unknown_step_or_record_type_in_a_url_is_not_found(client, council):
    client.force_login(council.asha)
    for step in ("nope", "VISIT", "visit-", "..", "%3Cscript%3E"):
        assert client.get(f"/children/{council.child.pk}/journey/{step}/").status_code == 404
    for record_type in ("person", "deadline", "correction", "visits"):
        url = f"/children/{council.child.pk}/journey/{record_type}/{uuid.UUID(int=0)}/correct/"
        assert client.get(url).status_code == 404
