"""A server worker freezes its heap once more after its first requests (safeguarding/core/heap.py)."""

from __future__ import annotations

import gc

from django.core.signals import request_finished
from django.db import close_old_connections

from safeguarding.core import heap


def _finish_requests(n: int) -> None:
    # As Django's test client does: the end of a pretend request must not close the database connection.
    request_finished.disconnect(close_old_connections)
    try:
        for _ in range(n):
            request_finished.send(sender=None)
    finally:
        request_finished.connect(close_old_connections)


def test_the_caches_filled_by_the_first_requests_are_frozen_once_after_them():
    gc.unfreeze()
    try:
        heap.freeze_after(3)
        _finish_requests(2)
        assert gc.get_freeze_count() == 0
        _finish_requests(1)
        frozen = gc.get_freeze_count()
        assert frozen > 0
        # Once only: the handler is gone, so later requests never pay for another full collection. A second
        # freeze would add these lists, made since; a frozen object that dies meanwhile can only lower the
        # count (which once made an exact comparison fail, 427,163 against 427,164).
        _made_since = [[] for _ in range(10_000)]  # alive until the test ends
        _finish_requests(10)
        assert gc.get_freeze_count() <= frozen
    finally:
        request_finished.disconnect(dispatch_uid=heap.__name__)
        # Frozen again, as the suite keeps its long-lived objects (conftest.py at the top of the repository).
        heap.freeze_now()
