"""Arbitrary and hostile text in every input of the audit pages: the worker filter, the date boxes, the
page number, the record lookup. Whatever is typed, the answer is a page (never a server error), and
anything echoed back is escaped.

Not the demo council: the audit pages' own small council (the Carter family and an auditor), from
safeguarding/governance/tests/conftest.py, in place of tests/hostile/conftest.py's.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safeguarding.governance.tests import conftest as governance

# The audit pages' council fixture, in place of the demo council of tests/hostile/conftest.py.
council = governance.council

HYPOTHESIS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
SCRIPT = "<script>alert(1)</script>"
# Text PostgreSQL can store: NUL bytes are refused by the forms' CharFields before they reach a query.
TEXT = st.text(max_size=300)
DATE_PART = st.one_of(st.text(max_size=12), st.integers(-(10**12), 10**12).map(str))


def assert_page(response) -> None:
    assert response.status_code in (200, 302), response.status_code
    if response.status_code == 200 and not response.streaming:
        assert SCRIPT not in response.content.decode()


@pytest.fixture
def auditor_client(client, council):
    client.force_login(council.auditor)
    return client


@HYPOTHESIS
@given(worker=TEXT, day=DATE_PART, month=DATE_PART, year=DATE_PART, page=TEXT)
def test_access_log_filters_take_anything(auditor_client, council, worker, day, month, year, page):
    params = {
        "worker": worker,
        "date_from_day": day,
        "date_from_month": month,
        "date_from_year": year,
        "date_to_day": day,
        "date_to_month": month,
        "date_to_year": year,
        "page": page,
    }
    for name in ("governance:family-access-log", "governance:family-access-log-csv"):
        response = auditor_client.get(reverse(name, args=[council.carter.pk]), params)
        assert_page(response)
        if response.streaming:
            b"".join(response.streaming_content)


@HYPOTHESIS
@given(day=DATE_PART, month=DATE_PART, year=DATE_PART)
def test_report_period_takes_anything(auditor_client, day, month, year):
    params = {"date_from_day": day, "date_from_month": month, "date_from_year": year}
    assert_page(auditor_client.get(reverse("governance:unusual-access"), params))


@HYPOTHESIS
@given(reference=TEXT, identifier=TEXT)
def test_record_lookup_takes_anything(auditor_client, reference, identifier):
    assert_page(
        auditor_client.post(
            reverse("governance:home"), {"family_reference": reference, "person_identifier": identifier}
        )
    )


@pytest.mark.parametrize(
    "hostile", [SCRIPT, '"><img src=x onerror=alert(1)>', "%' OR '1'='1", "\x00", "A" * 10_000]
)
def test_hostile_text_is_refused_or_escaped(auditor_client, council, hostile):
    for response in (
        auditor_client.get(
            reverse("governance:family-access-log", args=[council.carter.pk]), {"worker": hostile}
        ),
        auditor_client.post(
            reverse("governance:home"), {"family_reference": hostile, "person_identifier": hostile}
        ),
    ):
        assert response.status_code == 200
        body = response.content.decode()
        assert SCRIPT not in body and "<img src=x" not in body
