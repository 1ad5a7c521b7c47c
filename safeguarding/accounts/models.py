"""Who works in the council's Family Safeguarding service, and for which organisation.

Many adult practitioners are employed by partner agencies (police, probation, an NHS trust, a
commissioned drug and alcohol provider), not by the council: the employing organisation is part of
what a family page shows and of what access rules will use.
"""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone

from safeguarding.core.models import BaseModel


class Organisation(BaseModel):
    class Kind(models.TextChoices):
        COUNCIL = "council", "Council"
        POLICE = "police", "Police"
        PROBATION = "probation", "Probation service"
        NHS_TRUST = "nhs_trust", "NHS trust"
        DRUG_ALCOHOL_PROVIDER = "drug_alcohol_provider", "Drug and alcohol service"
        CHARITY = "charity", "Charity"
        OTHER = "other", "Other agency"

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=40, choices=Kind.choices)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def is_council(self) -> bool:
        return self.kind == self.Kind.COUNCIL


class Team(BaseModel):
    """A multi-disciplinary Family Safeguarding team. Its families are those it holds (Family.team)."""

    name = models.CharField(max_length=200, unique=True)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="teams")
    # A team is closed, never deleted: its families, allocations and audit events keep pointing at it, and
    # the record of who held a family must still read. A closed team has no active members and takes none.
    is_active = models.BooleanField("open", default=True, help_text="Untick to close the team.")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class User(AbstractUser):
    """A member of staff. Sign-in identity is decided here and only here, so single sign-on can replace it."""

    class Role(models.TextChoices):
        SOCIAL_WORKER = "social_worker", "Social worker"
        ADULT_PRACTITIONER = "adult_practitioner", "Adult practitioner"
        FAMILY_SUPPORT_WORKER = "family_support_worker", "Family support worker"
        TEAM_MANAGER = "team_manager", "Team manager"
        SERVICE_MANAGER = "service_manager", "Service manager"
        PERFORMANCE_ANALYST = "performance_analyst", "Performance analyst"
        BUSINESS_SUPPORT = "business_support", "Business support"
        AUDITOR = "auditor", "Auditor"
        SYSTEM_ADMINISTRATOR = "system_administrator", "System administrator"

    # Roles whose people work directly with families and may be allocated to them.
    CASEWORK_ROLES = (
        Role.SOCIAL_WORKER,
        Role.ADULT_PRACTITIONER,
        Role.FAMILY_SUPPORT_WORKER,
        Role.TEAM_MANAGER,
    )

    role = models.CharField(max_length=40, choices=Role.choices, default=Role.SOCIAL_WORKER)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="staff", null=True, blank=True
    )
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="members", null=True, blank=True)
    job_title = models.CharField(max_length=120, blank=True)
    # How colleagues reach them about a family: shown with the email address wherever they are allocated, so
    # a duty worker or a partner agency can call the right person before a visit.
    phone = models.CharField("Phone number", max_length=30, blank=True)

    class Meta:
        ordering = ["last_name", "first_name"]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_partner_agency(self) -> bool:
        return self.organisation is not None and not self.organisation.is_council


class SignInFailure(models.Model):
    """One failed attempt to sign in: a wrong password, or a wrong one-time code after a right password.

    Kept in the database, not in a process's memory, so that every app process behind the load balancer
    counts the same attempts. The username is stored as typed, whether or not such an account exists:
    locking only real accounts would tell an attacker which usernames are real.
    """

    id = models.BigAutoField(primary_key=True)
    username = models.CharField(max_length=150)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    occurred_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["username", "occurred_at"], name="signin_failure_user_idx"),
            models.Index(fields=["ip_address", "occurred_at"], name="signin_failure_address_idx"),
        ]

    def __str__(self):
        return f"{self.username} from {self.ip_address} at {self.occurred_at:%Y-%m-%d %H:%M:%S}"


class SignInLockout(models.Model):
    """A username or an address that may not sign in until `locked_until`.

    One row per username or address, updated when it is locked again. A system administrator can lift a
    lockout early by deleting it in the admin.
    """

    class Scope(models.TextChoices):
        USERNAME = "username", "Username"
        ADDRESS = "address", "Address"

    id = models.BigAutoField(primary_key=True)
    scope = models.CharField(max_length=10, choices=Scope.choices)
    key = models.CharField(max_length=150)
    locked_at = models.DateTimeField(default=timezone.now)
    locked_until = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="signin_lockout_unique_key")]

    def __str__(self):
        return f"{self.get_scope_display()} {self.key} locked until {self.locked_until:%Y-%m-%d %H:%M}"
