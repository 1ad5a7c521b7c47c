"""Measures' URLs: a person's measures, recording one, its result, correcting it, and an alert."""

from .views import urlpatterns  # noqa: F401

app_name = "measures"
