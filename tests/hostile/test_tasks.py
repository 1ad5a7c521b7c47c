"""Hostile ids in the Timeliness pages' URLs (the values and checks are in inputs.py)."""

from __future__ import annotations

import pytest

from tests.hostile.inputs import (
    BAD_IDS,
    assert_no_raw_markup,
)

URL_SHAPES = [
    "/timeliness/{}/",
    "/timeliness/{}/overdue/",
]


@pytest.mark.parametrize("shape", URL_SHAPES)
def test_invalid_or_unknown_ids_in_urls_are_not_found(client, council, shape):
    client.force_login(council.maria)
    for bad in BAD_IDS:
        response = client.get(shape.format(bad, family=council.family.pk, child=council.child.pk))
        assert response.status_code == 404, f"{shape} with {bad!r}: {response.status_code}"
        assert_no_raw_markup(response)
