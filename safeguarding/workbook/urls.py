"""The Workbook's URLs: each views module (workbooks, sessions, assessments) lists its own."""

from .views import assessments, sessions, workbooks

app_name = "workbook"

urlpatterns = [*workbooks.urlpatterns, *sessions.urlpatterns, *assessments.urlpatterns]
