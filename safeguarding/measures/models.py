"""Parent measures (issue #11): questionnaire definitions a council has loaded, and each measure recorded.

A measure is special-category data about the adult it describes (their mood, drinking, drug use, the abuse
they suffer): `sensitivity` is adult_special and access.policies.FamilyDisclosure decides who reads it,
judged against the family it was recorded in, as for readiness readings.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from safeguarding.core.models import BaseModel


class InstrumentDefinition(BaseModel):
    """A council's own instrument definition (or a new version of a shipped one), as loaded and validated
    by `manage.py measures_load`. Never changed once loaded: a change is a new version."""

    code = models.CharField(max_length=30)
    version = models.PositiveIntegerField()
    definition = models.JSONField()
    loaded_from = models.CharField(max_length=300, blank=True)
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="measures_definition_version_once")
        ]

    def __str__(self):
        return f"{self.code} version {self.version}"


class AnsweredBy(models.TextChoices):
    SELF = "self", "The adult completed it themselves"
    WORKER = "worker", "The worker read the questions and recorded the answers"


class Measure(BaseModel):
    """One questionnaire administered to one person on one day: every answer as given, and the score the
    definition's version gave them (kept as computed, so a later definition never rewrites history)."""

    # What the access policy judges it by: special-category data about the person it is about.
    sensitivity = "adult_special"

    # The family it was recorded in: who may read it is decided against that family's team and
    # allocations, never another family the person joins later.
    family = models.ForeignKey("people.Family", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="measures")
    instrument = models.CharField(max_length=30)
    instrument_version = models.PositiveIntegerField()
    administered_on = models.DateField()
    answered_by = models.CharField(max_length=10, choices=AnsweredBy.choices)
    # {"1": 0, "2": 3, ...}: each item's number and the position of the response chosen (null: unanswered).
    answers = models.JSONField()
    total = models.DecimalField(max_digits=6, decimal_places=1, null=True, blank=True)
    band = models.CharField(max_length=200, blank=True)
    band_index = models.PositiveSmallIntegerField(null=True, blank=True)
    # [{"code", "label", "total"}] as scored.
    subscales = models.JSONField(default=list, blank=True)
    not_scored_reason = models.CharField(max_length=500, blank=True)
    prorated = models.BooleanField(default=False)
    # The sex whose thresholds were used (DUDIT): the person's recorded sex when scored, "" if none apply.
    scored_as = models.CharField(max_length=1, blank=True)
    # DASH: the practitioner refers to MARAC on their professional judgement, and why.
    judgement = models.BooleanField(default=False)
    judgement_reason = models.TextField(max_length=2000, blank=True)
    # DASH: police call-outs for domestic abuse recorded in the 12 months before (potential escalation).
    police_callouts = models.PositiveSmallIntegerField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Raised by every correction; a correction that started from an older version is refused.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["administered_on", "created_at"]
        indexes = [
            models.Index(fields=["person", "instrument", "administered_on"], name="measures_person_idx"),
            models.Index(fields=["family", "administered_on"], name="measures_family_idx"),
            # Parent outcomes counts the DASH checklists scored each quarter and the measures not scored
            # of each instrument. Without these both read every measure with its answers (about 90,000
            # wide rows, 80 ms on SQLite on the large council); with them, a few index entries.
            # The family is in both for a team's figures (its families' measures, read from the index).
            models.Index(
                fields=["instrument", "family", "administered_on", "total"], name="measures_instrument_idx"
            ),
            # The total first: SQLite finds the rows through it (total IS NULL) and reads nothing else.
            models.Index(
                fields=["total", "instrument", "family"],
                condition=Q(total__isnull=True),
                name="measures_unscored_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(answered_by__in=AnsweredBy.values), name="measures_answered_by_known"
            ),
            # A score or the reason there is none, never both.
            models.CheckConstraint(
                condition=(Q(total__isnull=True) & ~Q(not_scored_reason=""))
                | (Q(total__isnull=False) & Q(not_scored_reason="")),
                name="measures_scored_or_why_not",
            ),
        ]

    def __str__(self):
        return f"{self.instrument} for {self.person_id} on {self.administered_on}"


class MeasureCorrection(BaseModel):
    """What a measure said before it was corrected, who corrected it and why."""

    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="corrections")
    version = models.PositiveIntegerField()
    administered_on = models.DateField()
    answered_by = models.CharField(max_length=10)
    answers = models.JSONField()
    total = models.DecimalField(max_digits=6, decimal_places=1, null=True, blank=True)
    band = models.CharField(max_length=200, blank=True)
    reason = models.CharField(max_length=500)
    corrected_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "version"], name="measures_correction_once")
        ]

    def __str__(self):
        return f"Correction of {self.measure_id} (version {self.version})"


class AlertKind(models.TextChoices):
    SAFETY_CHECK = "safety_check", "Safety check"
    MARAC = "marac", "Refer to MARAC"


class MeasureAlert(BaseModel):
    """Work a measure made: a same-day safety check after a risk answer, or a MARAC referral after a DASH
    meeting the criteria. Open until its owner (or the family's team manager) closes it with an outcome;
    while open it is a task (tasks.Deadline, work.py) and a flag on the family page."""

    sensitivity = "adult_special"

    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="alerts")
    family = models.ForeignKey("people.Family", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=AlertKind.choices)
    # Why: which answer or criterion raised it (special-category, shown as the measure is).
    reason = models.CharField(max_length=1000)
    raised_on = models.DateField()
    due_on = models.DateField()
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    closed_on = models.DateField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    outcome = models.TextField(max_length=4000, blank=True)

    class Meta:
        ordering = ["raised_on", "created_at"]
        indexes = [models.Index(fields=["family", "closed_on"], name="measures_alert_open_idx")]
        constraints = [
            # One alert of a kind per measure: a correction never raises the same alert twice.
            models.UniqueConstraint(fields=["measure", "kind"], name="measures_alert_once"),
            models.CheckConstraint(condition=Q(kind__in=AlertKind.values), name="measures_alert_kind_known"),
            # Closed means closed with an outcome, by someone, on a day.
            models.CheckConstraint(
                condition=(Q(closed_on__isnull=True) & Q(closed_by__isnull=True) & Q(outcome=""))
                | (Q(closed_on__isnull=False) & Q(closed_by__isnull=False) & ~Q(outcome="")),
                name="measures_alert_closed_with_outcome",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} for {self.person_id} due {self.due_on}"

    @property
    def is_open(self) -> bool:
        return self.closed_on is None


class MeasureCourse(BaseModel):
    """One adult's scored questionnaires of one kind in one family's work, summarised: how many were scored,
    the first total and the latest (by the day administered, then when recorded).

    Derived, never edited: courses.course_refresh rewrites it whenever a measure is saved (a post_save
    receiver, so no writer can leave it stale), and courses.courses_rebuild after a bulk load. The council's
    Parent outcomes reads about 12,000 courses instead of 90,000 measures on the large council (issue #11:
    p95 under 300 ms). Special-category like the measures it summarises, and only ever read as aggregates."""

    sensitivity = "adult_special"

    family = models.ForeignKey("people.Family", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    instrument = models.CharField(max_length=30)
    scored = models.PositiveIntegerField()
    first_total = models.DecimalField(max_digits=6, decimal_places=1)
    latest_total = models.DecimalField(max_digits=6, decimal_places=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["family", "person", "instrument"], name="measures_course_once")
        ]
        indexes = [
            # Parent outcomes counts the adults with each instrument's pair of first and latest totals: in
            # this order SQLite groups them as it reads the index, without sorting 12,000 courses.
            models.Index(
                fields=["instrument", "first_total", "latest_total", "scored"], name="measures_course_idx"
            ),
        ]

    def __str__(self):
        return f"{self.instrument} course for {self.person_id} in {self.family_id}"
