"""Hostile ids in the Timeliness pages' URLs (the values and checks are in inputs.py)."""

from __future__ import annotations

import pytest

from tests.hostile.inputs import (
    assert_bad_ids_not_found,
)

URL_SHAPES = [
    "/timeliness/{}/",
    "/timeliness/{}/overdue/",
]


@pytest.mark.parametrize("shape", URL_SHAPES)
def test_invalid_or_unknown_ids_in_urls_are_not_found(client, council, shape):
    assert_bad_ids_not_found(client, council, shape)
