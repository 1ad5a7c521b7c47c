import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
application = get_wsgi_application()

from safeguarding.core.heap import freeze_after, freeze_now  # noqa: E402 - needs the loaded application

# Everything loaded so far (Django, the URL patterns, templates, the registries) lives as long as the
# process, and so do the caches the first requests fill. Frozen, they are out of the collector's reach,
# so full collections, which walk every tracked object, no longer land inside requests at up to 45 ms
# (safeguarding/core/heap.py, docs/benchmarks.md). Run in each worker as it loads the application
# (gunicorn without --preload), and once more after its first requests.
freeze_now()
freeze_after()
