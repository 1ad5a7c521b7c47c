"""Group supervision's URLs (views.py lists them)."""

from .views import urlpatterns as urlpatterns

app_name = "supervision"
