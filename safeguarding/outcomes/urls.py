"""Outcomes' URLs: the council's figures by month and year, its evaluation measures, the monthly indicator
table, the comparison with similar councils, and a manager's drill-down to the children behind a figure."""

from .views import urlpatterns  # noqa: F401

app_name = "outcomes"
