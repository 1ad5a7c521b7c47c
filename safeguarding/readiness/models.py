"""Motivational interviewing records: each parent's readiness to change, per behaviour, over time (issue #10).

Motivational Interviewing is the second core element of Family Safeguarding: every worker uses it, and what
a team can record of it is, for each behaviour that puts the children at risk, the adult's importance and
confidence rulers (0 to 10), their stage of change, and what they said in their own words. A reading is
taken about once a Workbook cycle, so the team sees at group supervision whether the parent is moving.

A reading is special-category data about the adult (ADR 10: their substance use, mental health, use of or
safety from abuse): `sensitivity` is adult_special and access.policies.FamilyDisclosure decides who reads it,
judged against the family it was recorded in. A correction keeps what was there before (ReadinessCorrection)
with a reason, so the history the team discussed at a supervision stays readable as it was.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from safeguarding.core.models import BaseModel

RULER_MIN, RULER_MAX = 0, 10


class Behaviour(models.TextChoices):
    ALCOHOL = "alcohol", "Alcohol"
    DRUGS = "drugs", "Drugs"
    ABUSIVE_BEHAVIOUR = "abusive_behaviour", "Use of abusive behaviour"
    SAFETY_FROM_ABUSE = "safety_from_abuse", "Safety from abuse"
    MENTAL_HEALTH = "mental_health", "Mental health and medication"
    PARENTING = "parenting", "Parenting"
    OTHER = "other", "Other"


class Stage(models.TextChoices):
    """Prochaska and DiClemente's stages of change, as the team says them."""

    PRECONTEMPLATION = "precontemplation", "Precontemplation"
    CONTEMPLATION = "contemplation", "Contemplation"
    PREPARATION = "preparation", "Preparation"
    ACTION = "action", "Action"
    MAINTENANCE = "maintenance", "Maintenance"
    RELAPSE = "relapse", "Relapse"


def behaviour_label(code: str, other: str) -> str:
    """What the team calls the behaviour: the worker's own name for an "other" one."""
    if code == Behaviour.OTHER:
        return other.strip() or str(Behaviour.OTHER.label)
    return str(Behaviour(code).label) if code in Behaviour.values else code


class ReadinessRecord(BaseModel):
    """One reading of one adult's readiness to change one behaviour, on one day."""

    # What the access policy judges it by (a class attribute, like AdultDetail's): about the adult.
    sensitivity = "adult_special"

    # The family it was recorded in: who may read it is decided against that family's team and
    # allocations, never another family the adult joins later.
    family = models.ForeignKey("people.Family", on_delete=models.PROTECT, related_name="+")
    adult = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="readiness_records")
    behaviour = models.CharField(max_length=30, choices=Behaviour.choices)
    # The worker's name for the behaviour when it is none of the listed ones ("gambling").
    behaviour_other = models.CharField(max_length=100, blank=True)
    importance = models.PositiveSmallIntegerField()
    confidence = models.PositiveSmallIntegerField()
    stage = models.CharField(max_length=20, choices=Stage.choices)
    in_their_words = models.TextField(max_length=10000)
    recorded_on = models.DateField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Raised by every correction; a correction that started from an older version is refused.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["recorded_on", "created_at"]
        indexes = [
            models.Index(fields=["adult", "behaviour", "recorded_on"], name="readiness_adult_behaviour_idx"),
            models.Index(fields=["family", "recorded_on"], name="readiness_family_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(importance__gte=RULER_MIN, importance__lte=RULER_MAX),
                name="readiness_importance_0_to_10",
            ),
            models.CheckConstraint(
                condition=Q(confidence__gte=RULER_MIN, confidence__lte=RULER_MAX),
                name="readiness_confidence_0_to_10",
            ),
            models.CheckConstraint(
                condition=Q(behaviour__in=Behaviour.values), name="readiness_behaviour_known"
            ),
            models.CheckConstraint(condition=Q(stage__in=Stage.values), name="readiness_stage_known"),
            # An "other" behaviour has the worker's name for it; a listed one has none.
            models.CheckConstraint(
                condition=(Q(behaviour="other") & ~Q(behaviour_other=""))
                | (~Q(behaviour="other") & Q(behaviour_other="")),
                name="readiness_other_named",
            ),
        ]

    def __str__(self):
        return f"Readiness of {self.adult_id} about {self.behaviour} on {self.recorded_on}"

    @property
    def behaviour_label(self) -> str:
        return behaviour_label(self.behaviour, self.behaviour_other)

    @property
    def behaviour_key(self) -> tuple[str, str]:
        """One behaviour's readings belong together: a listed one by its code, an "other" by its name."""
        return (self.behaviour, self.behaviour_other.strip().casefold())


class ReadinessCorrection(BaseModel):
    """What a reading said before it was corrected, who corrected it and why. The reading shows the
    corrected values; these keep the old ones, as the team may have discussed them at a supervision."""

    record = models.ForeignKey(ReadinessRecord, on_delete=models.PROTECT, related_name="corrections")
    # The version the correction replaced, and its values.
    version = models.PositiveIntegerField()
    behaviour = models.CharField(max_length=30)
    behaviour_other = models.CharField(max_length=100, blank=True)
    importance = models.PositiveSmallIntegerField()
    confidence = models.PositiveSmallIntegerField()
    stage = models.CharField(max_length=20)
    in_their_words = models.TextField(max_length=10000)
    recorded_on = models.DateField()
    reason = models.CharField(max_length=500)
    corrected_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["record", "version"], name="readiness_correction_once")
        ]

    def __str__(self):
        return f"Correction of {self.record_id} (version {self.version})"
