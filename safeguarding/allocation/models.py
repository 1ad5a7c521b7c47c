"""Who works with which family, in which role, from when to when.

In Family Safeguarding everyone allocated to a family attends its group supervision and writes its
workbook chapter, so allocation is also what gives a worker access to the family's record. Ended
allocations are kept: history shows who held the case when.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from safeguarding.core.models import BaseModel


class CaseRole(models.TextChoices):
    LEAD_SOCIAL_WORKER = "lead_social_worker", "Lead social worker"
    SOCIAL_WORKER = "social_worker", "Social worker"
    DA_VICTIM_PRACTITIONER = "da_victim_practitioner", "Domestic abuse victim practitioner"
    DA_PERPETRATOR_PRACTITIONER = "da_perpetrator_practitioner", "Domestic abuse perpetrator practitioner"
    RECOVERY_WORKER = "recovery_worker", "Recovery worker (drugs and alcohol)"
    MENTAL_HEALTH_PRACTITIONER = "mental_health_practitioner", "Mental health practitioner"
    PSYCHOLOGIST = "psychologist", "Psychologist"
    FAMILY_SUPPORT_WORKER = "family_support_worker", "Family support worker"
    PARENTING_ASSESSOR = "parenting_assessor", "Parenting assessor"
    PROBATION_OFFICER = "probation_officer", "Probation officer"
    OTHER = "other", "Other"


# Case roles that work with the family's adults on their own problems (domestic abuse, drugs and alcohol,
# mental health, offending): the Family Safeguarding "adult workers".
ADULT_PRACTITIONER_CASE_ROLES = frozenset(
    {
        CaseRole.DA_VICTIM_PRACTITIONER,
        CaseRole.DA_PERPETRATOR_PRACTITIONER,
        CaseRole.RECOVERY_WORKER,
        CaseRole.MENTAL_HEALTH_PRACTITIONER,
        CaseRole.PSYCHOLOGIST,
        CaseRole.PROBATION_OFFICER,
    }
)


class EndReason(models.TextChoices):
    """Why an allocation ended: the common reasons as choices, so a team can see why its cases move, and
    Other with the reason typed."""

    WORK_FINISHED = "work_finished", "Work with the family is finished"
    WORKER_LEFT = "worker_left", "Worker has left the team or changed role"
    TRANSFERRED = "transferred", "Case transferred to another worker"
    OTHER = "other", "Other"


class AllocationQuerySet(models.QuerySet):
    def current(self):
        """Open allocations. Ending an allocation closes it at once (end dates are today or earlier)."""
        return self.filter(end_date__isnull=True)


class Allocation(BaseModel):
    family = models.ForeignKey("people.Family", on_delete=models.PROTECT, related_name="allocations")
    worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="allocations")
    case_role = models.CharField("Role on the case", max_length=40, choices=CaseRole.choices)
    start_date = models.DateField(default=timezone.localdate)
    end_date = models.DateField(null=True, blank=True)
    # The reason in words, as the family's history shows it: the chosen reason's label, or what was typed for
    # Other. Allocations ended before reasons were asked for keep their text and no code.
    end_reason = models.CharField(max_length=200, blank=True)
    end_reason_code = models.CharField(max_length=30, choices=EndReason.choices, blank=True)
    # Not known for allocations imported or generated in bulk; they must still pass full_clean when ended.
    allocated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    # The adults an adult practitioner works with: they are "the adult's own practitioners", who always see
    # the detail they record about that adult.
    works_with = models.ManyToManyField("people.Person", blank=True, related_name="practitioner_allocations")
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    objects = AllocationQuerySet.as_manager()

    class Meta:
        ordering = ["start_date"]
        constraints = [
            # A worker holds a family once at a time; a second role goes in the same allocation's role.
            models.UniqueConstraint(
                fields=["family", "worker"],
                condition=Q(end_date__isnull=True),
                name="one_open_allocation_per_worker",
            ),
            # Only one lead social worker at a time: the statutory lead for the children's plans.
            models.UniqueConstraint(
                fields=["family"],
                condition=Q(end_date__isnull=True, case_role="lead_social_worker"),
                name="one_open_lead_social_worker",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="allocation_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.worker} — {self.get_case_role_display()} — {self.family}"

    @property
    def is_current(self) -> bool:
        return self.end_date is None
