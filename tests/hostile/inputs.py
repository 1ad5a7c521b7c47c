"""Malformed and hostile input through every form and query parameter: the values and checks every app's
module shares.

Whatever is typed or put in a URL, the service answers with a page, never a server error: the input is
either saved, refused with a GOV.UK error message, or answered with a 4xx. Anything echoed back is
HTML-escaped, so typed markup never reaches the browser as markup. NUL bytes are refused by the forms
(PostgreSQL cannot store them), so both databases behave alike.

One module per app (tests/hostile/test_<app>.py) puts these values through that app's forms, query
parameters and URLs, as the demo council's personas (the `council` fixture in conftest.py). Every test in
a module asks for the council, so the module shares one (see conftest.py at the top of the repository).
"""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

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


def dates(name: str, day=3, month=4, year=2019) -> dict:
    return {f"{name}_day": str(day), f"{name}_month": str(month), f"{name}_year": str(year)}


@dataclass(frozen=True)
class FormUnderTest:
    user: str | None  # who posts it (None: signed out)
    url: object  # Council -> path; called for every post
    data: object  # Council -> the valid data the hostile value is put into
    fields: tuple[str, ...]


def post_each_hostile_value(client, council, spec: FormUnderTest, form: str, field: str) -> None:
    """Post every HOSTILE value into one field of an otherwise valid form: saved escaped or refused with a
    message, never a server error; the values no database keeps (MUST_REFUSE) are refused."""
    if spec.user:
        client.force_login(getattr(council, spec.user))
    for label, value in HOSTILE.items():
        data = {**spec.data(council), field: value}
        response = client.post(spec.url(council), data)
        outcome = assert_handled(client, response, f"{form} {field} = {label}")
        if label in MUST_REFUSE and field != "next":
            assert outcome == "refused", f"{form} {field} = {label}: {outcome}"


def post_every_value_twice(client, council, spec: FormUnderTest, form: str) -> None:
    """A list where the form expects one value (a crafted request) is handled like any other input."""
    client.force_login(getattr(council, spec.user))
    doubled = {key: [value, SCRIPT] for key, value in spec.data(council).items()}
    assert_handled(client, client.post(spec.url(council), doubled), f"{form} with every value twice")


def assert_other_methods_refused(client, council, spec: FormUnderTest, method: str) -> None:
    client.force_login(getattr(council, spec.user))
    assert getattr(client, method)(spec.url(council)).status_code == 405


def assert_bad_ids_not_found(client, council, shape: str) -> None:
    """Every malformed or unknown id in this URL shape answers 404, with nothing of it echoed raw."""
    client.force_login(council.maria)
    for bad in BAD_IDS:
        response = client.get(shape.format(bad, family=council.family.pk, child=council.child.pk))
        assert response.status_code == 404, f"{shape} with {bad!r}: {response.status_code}"
        assert_no_raw_markup(response)


BAD_IDS = [
    "not-a-uuid",
    "99999999999999999999",
    "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "%00",
    "..%2F..%2Fadmin",
    "00000000-0000-0000-0000-000000000000",
    "12345678-1234-5678-1234-56781234567",
]


markup = st.sampled_from([SCRIPT, '"><img src=x onerror=alert(1)>', ""])
name_text = st.tuples(st.text(max_size=40), markup, st.text(max_size=40)).map("".join)
date_part = st.one_of(st.integers().map(str), st.text(max_size=6))
