"""Keep a server process's long-lived objects out of the garbage collector's full collections.

A full collection walks every object the collector tracks. The application loaded at start-up (Django, the
URL patterns, the registries) lives as long as the process, and so do the caches its first requests fill:
each template's compiled node tree, the URL resolvers' lookups, the SQL compiled once per shape
(core/compiled.py). Left in the collector, they made each full collection that landed in a request cost up
to 45 ms on the large council (docs/benchmarks.md, stop 18), once every few dozen requests: the slow end
of every page's timings. Frozen (`gc.freeze()`), they are never walked again; a collection then walks
only what requests made since.

`freeze_now()` is called once the application is loaded (config/wsgi.py, in each worker); `freeze_after()`
freezes once more when the worker has served its first requests and filled its caches. Anything frozen is
never collected, so each freeze first collects: only live objects are frozen, and the second happens once
per worker, after a request, not in it.
"""

from __future__ import annotations

import gc

from django.core.signals import request_finished

# Enough requests for a worker to have rendered the pages people open most (each page's template is
# compiled on its first request); measured on the benchmark's 25 pages.
WARMED_AFTER_REQUESTS = 200


def freeze_now() -> None:
    gc.collect()
    gc.freeze()


def freeze_after(requests: int = WARMED_AFTER_REQUESTS) -> None:
    """Freeze once more after this process has finished `requests` requests."""
    remaining = requests

    def count(**_kwargs) -> None:
        nonlocal remaining
        remaining -= 1
        if remaining <= 0:
            request_finished.disconnect(count, dispatch_uid=__name__)
            freeze_now()

    request_finished.connect(count, weak=False, dispatch_uid=__name__)
