"""Access beyond allocation: emergency (break-glass) access, and the recorded basis for sharing an adult's
special-category information inside the family's team.

Children and adults are separate data subjects. An adult's mental health, substance use or offending
detail is special-category data (UK GDPR Article 9; DPA 2018 Schedule 1): the team shares it on a
recorded legal basis, and every view is logged.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from safeguarding.core.models import BaseModel


class Sensitivity(models.TextChoices):
    """How sensitive a record is. Later records (workbook chapters, measures, documents) declare one."""

    ORDINARY = "ordinary", "Ordinary"
    ADULT_SPECIAL = "adult_special", "Adult health, substance use or offending detail"
    SEALED = "sealed", "Sealed"


class EmergencyAccessQuerySet(models.QuerySet):
    def active(self, now=None):
        return self.filter(expires_at__gt=now or timezone.now(), ended_at__isnull=True)


class EmergencyAccess(BaseModel):
    """A council worker opened a family they are not allocated to (out of hours, duty), giving a reason.

    Time-limited; read-only; shown to the family's team manager and in the audit report.
    """

    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="emergency_access"
    )
    family = models.ForeignKey("people.Family", on_delete=models.PROTECT, related_name="emergency_access")
    reason = models.TextField(max_length=1000)
    started_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    objects = EmergencyAccessQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at"]
        indexes = [
            models.Index(fields=["worker", "expires_at"]),
            models.Index(fields=["family", "started_at"]),
        ]

    def __str__(self):
        return f"{self.worker} – {self.family} until {self.expires_at:%d %b %Y %H:%M}"

    @property
    def is_active(self) -> bool:
        return self.ended_at is None and self.expires_at > timezone.now()


class SharingBasis(BaseModel):
    """The recorded legal basis for sharing one adult's special-category information inside the team."""

    class Basis(models.TextChoices):
        CONSENT = "consent", "The adult has given consent"
        SAFEGUARDING = (
            "safeguarding",
            "Safeguarding of children at risk (Data Protection Act 2018, Schedule 1, paragraph 18)",
        )
        STATUTORY_FUNCTION = (
            "statutory_function",
            "The council's statutory duties (Children Act 1989, sections 17 and 47)",
        )
        COURT_ORDER = "court_order", "A court order"

    class Scope(models.TextChoices):
        # Family Safeguarding works on shared information: consent taken at the start of the work usually
        # covers everyone allocated to the family (issue #9). A narrower basis (a safeguarding decision
        # about one piece of information, say) covers the lead social worker and the managers only.
        TEAM = "team", "Everyone allocated to the family"
        LEAD_AND_MANAGERS = "lead_and_managers", "The lead social worker and the team's managers only"

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="sharing_bases")
    basis = models.CharField(max_length=30, choices=Basis.choices)
    # Who the basis covers. The narrower reach is the default (and what bases recorded before issue #9
    # covered): sharing with the whole team is a choice the recorder makes.
    scope = models.CharField(max_length=20, choices=Scope.choices, default=Scope.LEAD_AND_MANAGERS)
    explanation = models.TextField(max_length=2000, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_on = models.DateField(default=timezone.localdate)
    withdrawn_on = models.DateField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        ordering = ["-recorded_on", "-created_at"]

    def __str__(self):
        return f"{self.person}: {self.get_basis_display()}"

    @property
    def is_current(self) -> bool:
        return self.withdrawn_on is None
