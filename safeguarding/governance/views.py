"""Audit pages: who has seen a record, the unusual-access report, finding a record, subject access.

Thin: parse, call one policy or selector or service, render. Every page here is itself audited.
"""

from __future__ import annotations

from itertools import islice
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from safeguarding.access.policies import family_can_view, people_visible_to
from safeguarding.audit.services import Action, audit_record
from safeguarding.core.exports import csv_response

from . import selectors, services
from .forms import AccessLogFilterForm, AuditLookupForm, ReportPeriodForm
from .policies import (
    access_family_log,
    access_person_log,
    access_subject,
    audit_pages_can_use,
    families_with_access_log_visible_to,
    people_with_access_log_visible_to,
    subject_access_can_produce,
)

LOG_CSV_HEADER = [
    "Date and time",
    "Worker username",
    "Worker name",
    "Action",
    "Record",
    "What happened",
    "IP address",
]
# Rows described per query when streaming a CSV: one lookup of the people named in each batch.
CSV_BATCH = 500


@require_http_methods(["GET", "POST"])
def home(request):
    """Find a family by its reference, or a person by council child ID or NHS number, and open its access
    log. POST, so that an NHS number never sits in a URL (browser history, proxy logs)."""
    if not audit_pages_can_use(request.user):
        raise PermissionDenied
    form = AuditLookupForm(request.POST if request.method == "POST" else None)  # an empty POST is still a try
    found = None
    if request.method == "POST" and form.is_valid():
        found = selectors.find_records(
            families=families_with_access_log_visible_to(request.user),
            people=people_with_access_log_visible_to(request.user),
            family_reference=form.cleaned_data["family_reference"],
            person_identifier=form.cleaned_data["person_identifier"],
        )
        audit_record(
            actor=request.user,
            action=Action.SEARCH,
            request=request,
            detail={
                "audit_lookup": True,
                "family_reference": form.cleaned_data["family_reference"],
                "person_identifier": form.cleaned_data["person_identifier"],
                "results": len(found["families"]) + len(found["people"]),
            },
        )
    return render(
        request,
        "governance/home.html",
        {"form": form, "found": found, "can_produce_bundles": subject_access_can_produce(request.user)},
    )


def _log_page(request, *, record, kind: str, events_for, csv_url: str, back_url: str | None):
    form = AccessLogFilterForm(request.GET or None)
    events = events_for(form.filters())
    paginator = Paginator(events.none() if form.errors else events, selectors.PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    context = {
        "record": record,
        "kind": kind,
        "form": form,
        "page": page,
        "page_range": paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
        "rows": selectors.describe(list(page.object_list)),
        "csv_url": csv_url,
        "back_url": back_url,
    }
    return render(request, "governance/access_log.html", context)


def _batched(iterable, size):
    iterator = iter(iterable)
    while batch := list(islice(iterator, size)):
        yield batch


def _log_csv(name: str, events):
    def rows():
        for batch in _batched(events.iterator(chunk_size=CSV_BATCH), CSV_BATCH):
            for row in selectors.describe(batch):
                yield [
                    row.occurred_at,
                    row.worker_username,
                    row.worker_name,
                    row.action_label,
                    row.record,
                    row.what,
                    row.ip_address,
                ]

    return csv_response(name, LOG_CSV_HEADER, rows())


def _filters_or_redirect(request, html_url: str):
    """The CSV's filters, or a redirect to the page, which explains what is wrong with them."""
    form = AccessLogFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return None, redirect(f"{html_url}?{request.GET.urlencode()}")
    return form.filters(), None


def family_access_log(request, family_id):
    family = access_family_log(request.user, family_id, request=request)
    return _log_page(
        request,
        record=family,
        kind="family",
        events_for=lambda filters: selectors.family_events(family, filters),
        csv_url=reverse("governance:family-access-log-csv", args=[family.pk]),
        back_url=reverse("casefile:family-detail", args=[family.pk])
        if family_can_view(request.user, family)
        else None,
    )


def family_access_log_csv(request, family_id):
    filters, redirection = _filters_or_redirect(
        request, reverse("governance:family-access-log", args=[family_id])
    )
    if redirection:
        return redirection
    family = access_family_log(request.user, family_id, request=request, export=True)
    return _log_csv(f"access-log-{family.reference}", selectors.family_events(family, filters))


def person_access_log(request, person_id):
    person = access_person_log(request.user, person_id, request=request)
    can_open = people_visible_to(request.user).filter(pk=person.pk).exists()
    return _log_page(
        request,
        record=person,
        kind="person",
        events_for=lambda filters: selectors.person_events(person, filters),
        csv_url=reverse("governance:person-access-log-csv", args=[person.pk]),
        back_url=reverse("casefile:person-detail", args=[person.pk]) if can_open else None,
    )


def person_access_log_csv(request, person_id):
    filters, redirection = _filters_or_redirect(
        request, reverse("governance:person-access-log", args=[person_id])
    )
    if redirection:
        return redirection
    person = access_person_log(request.user, person_id, request=request, export=True)
    return _log_csv("access-log-person", selectors.person_events(person, filters))


def _report(request, *, export: bool):
    if not audit_pages_can_use(request.user):
        raise PermissionDenied
    form = ReportPeriodForm(request.GET or None)
    period = form.period()
    audit_record(
        actor=request.user,
        action=Action.EXPORT if export else Action.VIEW,
        request=request,
        detail={"report": "unusual_access", "from": period.first, "to": period.last},
    )
    return form, period, selectors.unusual_access(period)


def unusual_access(request):
    form, period, report = _report(request, export=False)
    # The download covers the period shown, even when the form was left empty (the last 30 days).
    query = urlencode(
        {
            f"date_{end}_{part}": getattr(day, part)
            for end, day in (("from", period.first), ("to", period.last))
            for part in ("day", "month", "year")
        }
    )
    context = {
        "form": form,
        "period": period,
        "report": report,
        "csv_url": f"{reverse('governance:unusual-access-csv')}?{query}",
    }
    return render(request, "governance/unusual_access.html", context)


def unusual_access_csv(request):
    form, period, report = _report(request, export=True)
    header = ["Finding", "Worker username", "Worker name", "Record", "From", "To", "Count", "Detail"]
    return csv_response(
        f"unusual-access-{period.first:%Y-%m-%d}-to-{period.last:%Y-%m-%d}",
        header,
        selectors.unusual_access_rows(report),
    )


@require_http_methods(["GET", "POST"])
def subject_access(request, person_id):
    """Offer, then produce, everything the system holds about a person as a ZIP (UK GDPR Article 15).
    Producing it is a POST: it discloses personal data and is audited."""
    person = access_subject(request.user, person_id, request=request)
    if request.method == "POST":
        bundle = services.subject_access_bundle_create(actor=request.user, person=person, request=request)
        response = HttpResponse(bundle.content, content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="{bundle.filename}"'
        return response
    return render(request, "governance/subject_access.html", {"person": person})
