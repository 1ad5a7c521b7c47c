"""A server worker freezes its heap once more after its first requests (safeguarding/core/heap.py)."""

from __future__ import annotations

import gc

from django.core.signals import request_finished

from safeguarding.core import heap


def _finish_requests(n: int) -> None:
    for _ in range(n):
        request_finished.send(sender=None)


def test_the_caches_filled_by_the_first_requests_are_frozen_once_after_them():
    gc.unfreeze()
    try:
        heap.freeze_after(3)
        _finish_requests(2)
        assert gc.get_freeze_count() == 0
        _finish_requests(1)
        frozen = gc.get_freeze_count()
        assert frozen > 0
        # Once only: the handler is gone, so later requests never pay for another full collection.
        _finish_requests(10)
        assert gc.get_freeze_count() == frozen
    finally:
        request_finished.disconnect(dispatch_uid=heap.__name__)
        gc.unfreeze()
