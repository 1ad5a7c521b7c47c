"""Forms of the audit pages: filtering an access log, choosing a report's period, finding a record."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone

from safeguarding.core.forms import GovukDateField, GovukForm

from .selectors import LogFilters, Period

# The unusual-access report reads a period's views; a year bounds what one request may ask of the database.
LONGEST_REPORT_DAYS = 366
DEFAULT_REPORT_DAYS = 30


class _DateRangeForm(GovukForm):
    date_from = GovukDateField(label="From", required=False, help_text="For example, 27 3 2026")
    date_to = GovukDateField(label="To", required=False, help_text="For example, 27 4 2026")

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("date_from"), cleaned.get("date_to")
        if first and last and first > last:
            self.add_error("date_to", "The 'to' date must be the same as or after the 'from' date")
        return cleaned


class AccessLogFilterForm(_DateRangeForm):
    worker = forms.CharField(
        label="Worker", max_length=150, required=False, help_text="Username, first name or last name"
    )
    field_order = ["worker", "date_from", "date_to"]

    def filters(self) -> LogFilters:
        if not self.is_bound or not self.is_valid():
            return LogFilters()
        data = self.cleaned_data
        return LogFilters(worker=data["worker"].strip(), date_from=data["date_from"], date_to=data["date_to"])


class ReportPeriodForm(_DateRangeForm):
    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        period = self._period(cleaned)
        if period.first > period.last:
            self.add_error("date_from", "The 'from' date must be today or earlier")
        elif (period.last - period.first).days + 1 > LONGEST_REPORT_DAYS:
            self.add_error("date_from", "The period must be a year or shorter")
        return cleaned

    @staticmethod
    def _period(cleaned) -> Period:
        today = timezone.localdate()
        last = cleaned.get("date_to") or today
        first = cleaned.get("date_from") or last - datetime.timedelta(days=DEFAULT_REPORT_DAYS - 1)
        return Period(first=first, last=last)

    def period(self) -> Period:
        """The chosen period; the last 30 days when none is chosen (or the choice is not valid)."""
        if self.is_bound and self.is_valid():
            return self._period(self.cleaned_data)
        return Period.last_days(DEFAULT_REPORT_DAYS)


class AuditLookupForm(GovukForm):
    family_reference = forms.CharField(
        label="Family reference", max_length=20, required=False, help_text="For example, FAM-1A2B3C"
    )
    person_identifier = forms.CharField(label="Council child ID or NHS number", max_length=20, required=False)

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("family_reference", "").strip() or cleaned.get("person_identifier", "").strip()):
            if not self.errors:
                self.add_error(
                    "family_reference", "Enter a family reference, a council child ID or an NHS number"
                )
        return cleaned
