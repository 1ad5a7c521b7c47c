"""Readiness's URLs: an adult's history, recording a reading and correcting one."""

from .views import urlpatterns  # noqa: F401

app_name = "readiness"
