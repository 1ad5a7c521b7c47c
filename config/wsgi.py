import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
application = get_wsgi_application()

# Everything loaded so far (Django, the URL patterns, templates, the registries) lives as long as the
# process. Moving it out of the collector's reach stops full collections, which walk every live object,
# from landing inside requests: on the large council they added up to 160 ms to one request in a hundred
# (docs/benchmarks.md). Run in each worker as it loads the application (gunicorn without --preload).
gc.collect()
gc.freeze()
