"""Group case supervision (issue #10): every family reviewed about monthly by everyone who works with it.

Group case supervision is the first core element of Family Safeguarding: the team manager chairs a
meeting of all the practitioners involved with a family, who read the pack the system assembles from the
Workbook and the children's journeys, make a joint risk analysis for each child, consider hypotheses and
reach decisions with owned actions. Signing the record off closes the Workbook's cycle (its chapters lock)
and schedules the next supervision. After sign-off the record is read-only: what the team decided stays as
it was decided, and a later change is an addendum with a reason.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q

from safeguarding.core.models import BaseModel


class Attendance(models.TextChoices):
    ATTENDED = "attended", "Attended"
    APOLOGIES = "apologies", "Sent apologies"
    ABSENT = "absent", "Absent"


class Decision(models.TextChoices):
    CONTINUE = "continue", "Continue the plan"
    STEP_DOWN = "step_down", "Step down to child in need"
    LEGAL_PLANNING = "legal_planning", "Ask for a legal planning meeting"
    CLOSE = "close", "Close the case"
    OTHER = "other", "Another decision"


class GroupSupervision(BaseModel):
    """One family's group case supervision: scheduled, its record written, then signed off.

    At most one is not yet signed off for a family at a time (the next one): signing one off schedules the
    next, so a family with a Workbook always has a date."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        RECORDED = "recorded", "Record written, not signed off"
        SIGNED_OFF = "signed_off", "Signed off"

    family = models.ForeignKey("people.Family", on_delete=models.PROTECT, related_name="supervisions")
    # The Workbook cycle this supervision closes: the family's open cycle when it was scheduled (updated at
    # sign-off to the cycle actually closed).
    cycle = models.ForeignKey(
        "workbook.Cycle", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    scheduled_for = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SCHEDULED)
    # The family's team manager by default, or a deputy they named.
    chair = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # People invited beyond the family's current allocations (a consultant social worker, a psychologist).
    invitees = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True)

    # ---- the meeting record ---------------------------------------------------------------------------
    # {user id: Attendance}: everyone invited, as the chair recorded them.
    attendance = models.JSONField(default=dict, blank=True)
    family_views = models.TextField("How the family's views were brought in", max_length=10000, blank=True)
    hypotheses = models.TextField("Hypotheses the team considered", max_length=10000, blank=True)
    # [Decision codes]; "other" is described in decision_other.
    decisions = models.JSONField(default=list, blank=True)
    decision_other = models.CharField(max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    # Raised by every save of the record; a save that started from an older version is refused.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-scheduled_for"]
        constraints = [
            models.UniqueConstraint(
                fields=["family"], condition=~Q(status="signed_off"), name="supervision_one_next_per_family"
            ),
            models.CheckConstraint(
                condition=~Q(status="signed_off") | Q(signed_off_at__isnull=False),
                name="supervision_signed_off_has_time",
            ),
        ]
        indexes = [models.Index(fields=["family", "scheduled_for"]), models.Index(fields=["scheduled_for"])]

    def __str__(self):
        return f"Group supervision on {self.scheduled_for:%-d %B %Y}"

    @property
    def is_signed_off(self) -> bool:
        return self.status == self.Status.SIGNED_OFF

    @property
    def decision_labels(self) -> list[str]:
        labels = []
        for code in self.decisions or []:
            if code == Decision.OTHER:
                labels.append(self.decision_other or Decision.OTHER.label)
            elif code in Decision.values:
                labels.append(str(Decision(code).label))
        return labels


class ChildRiskAnalysis(BaseModel):
    """The team's joint risk analysis for one child at one supervision."""

    supervision = models.ForeignKey(GroupSupervision, on_delete=models.PROTECT, related_name="analyses")
    child = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    worried_about = models.TextField("What we are worried about", max_length=10000, blank=True)
    working_well = models.TextField("What is working well", max_length=10000, blank=True)
    needs_to_happen = models.TextField("What needs to happen", max_length=10000, blank=True)
    # 0: the child is not safe; 10: the team is confident the child is safe enough to close.
    safety_judgement = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(10)]
    )
    reasoning = models.TextField("The team's reasoning", max_length=10000, blank=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["supervision", "child"], name="supervision_one_analysis_per_child"
            ),
            models.CheckConstraint(
                condition=Q(safety_judgement__isnull=True) | Q(safety_judgement__lte=10),
                name="supervision_safety_judgement_0_10",
            ),
        ]

    def __str__(self):
        return f"Risk analysis for {self.child_id}"


class SupervisionAction(BaseModel):
    """An action agreed at supervision: an owner from the attendees and a due date. It is in the owner's
    My tasks until marked done, with what came of it."""

    supervision = models.ForeignKey(GroupSupervision, on_delete=models.PROTECT, related_name="actions")
    text = models.CharField(max_length=500)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    due_date = models.DateField()
    done_on = models.DateField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    outcome = models.TextField(max_length=4000, blank=True)

    class Meta:
        ordering = ["due_date", "created_at"]

    def __str__(self):
        return self.text

    @property
    def is_done(self) -> bool:
        return self.done_on is not None


class SupervisionAddendum(BaseModel):
    """A change to a signed-off record: the original stays as the team decided it."""

    supervision = models.ForeignKey(GroupSupervision, on_delete=models.PROTECT, related_name="addenda")
    text = models.TextField(max_length=10000)
    reason = models.CharField(max_length=500)
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        return f"Addendum to {self.supervision}"
