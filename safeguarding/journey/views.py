"""Pages for a child's statutory journey and chronology (placeholder: being written)."""

from django.http import Http404


def _todo(request, **kwargs):
    raise Http404


child_journey = step_record = record_correct = child_chronology = family_chronology = _todo
