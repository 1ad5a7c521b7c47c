"""My tasks and Timeliness (placeholder: being written)."""

from django.http import Http404


def _todo(request, **kwargs):
    raise Http404


my_tasks = timeliness = team_timeliness = team_overdue = _todo
