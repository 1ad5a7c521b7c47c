"""People and families.

A family (household) is what the Family Safeguarding workbook is organised around; children and adults
are separate data subjects who belong to it. Statutory events live on the child (journey app), never on
the family. Nothing here is hard-deleted: corrections keep history in the audit log.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from safeguarding.core.models import BaseModel

from .codes import Disability, Ethnicity, Sex


class Family(BaseModel):
    name = models.CharField(
        max_length=120,
        help_text="How the team refers to the family, usually the main surname, e.g. Carter family",
    )
    # The council's own family reference, shown on letters and used to find a family quickly.
    reference = models.CharField(max_length=20, unique=True)
    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="families")
    # Not known for records imported or generated in bulk; they must still pass full_clean when corrected.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    closed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "families"

    def __str__(self):
        return f"{self.name} ({self.reference})"

    def current_adults(self) -> list:
        """The adults in the family now (not those who have left), eldest first: one query. Readiness
        rulers and parent measures list each parent this way."""
        return [
            m.person
            for m in self.members.filter(member_type="adult", left_on__isnull=True)
            .select_related("person")
            .order_by("person__date_of_birth", "person__last_name", "person__first_name")
        ]


def age_on(born: datetime.date, day: datetime.date) -> int:
    """Age in whole years on `day` of someone born on `born`: for pages that read dates, not people."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class Person(BaseModel):
    first_name = models.CharField(max_length=100)
    middle_names = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100)
    known_as = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    # An unborn child has an expected date of birth instead (CIN census: ExpectedPersonBirthDate).
    expected_date_of_birth = models.DateField(null=True, blank=True)
    date_of_death = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    ethnicity = models.CharField(max_length=4, choices=Ethnicity.choices, default=Ethnicity.NOBT)
    disabilities = models.JSONField(default=list, blank=True)
    first_language = models.CharField(max_length=60, blank=True)
    nhs_number = models.CharField(max_length=10, blank=True, db_index=True)
    upn = models.CharField("Unique pupil number", max_length=13, blank=True)
    # The council's child ID (CIN census LAchildID); adults may have the council's person ID here too.
    council_id = models.CharField(max_length=20, blank=True, db_index=True)
    # Not known for records imported or generated in bulk; they must still pass full_clean when corrected.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        ordering = ["last_name", "first_name"]
        indexes = [
            models.Index(fields=["last_name", "first_name"]),
            models.Index(fields=["date_of_birth"]),
            # Search by date of birth also matches an unborn child's expected date; without this index the
            # OR of the two makes every such search read the whole table. Partial: few people have one.
            models.Index(
                fields=["expected_date_of_birth"],
                name="person_expected_dob_idx",
                condition=Q(expected_date_of_birth__isnull=False),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(date_of_birth__isnull=True) | Q(expected_date_of_birth__isnull=True),
                name="person_born_or_expected_not_both",
            )
        ]

    def __str__(self):
        return self.full_name

    def family_ids(self) -> list:
        """Every family the person is or was in (one query): the families an event about them concerns,
        so that each family's access log shows it."""
        return sorted(set(self.memberships.values_list("family_id", flat=True)), key=str)

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p)

    @property
    def is_unborn(self) -> bool:
        return self.date_of_birth is None and self.expected_date_of_birth is not None

    def age_on(self, day: datetime.date) -> int | None:
        if self.date_of_birth is None:
            return None
        return age_on(self.date_of_birth, day)

    @property
    def age(self) -> int | None:
        return self.age_on(timezone.localdate())

    def get_disabilities_display(self) -> list[str]:
        labels = dict(Disability.choices)
        return [labels.get(code, code) for code in self.disabilities]


class FamilyMember(BaseModel):
    """A person's place in a family: as a child the family works to keep safe, or as an adult around them."""

    class MemberType(models.TextChoices):
        CHILD = "child", "Child"
        ADULT = "adult", "Adult"

    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="members")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="memberships")
    member_type = models.CharField(max_length=10, choices=MemberType.choices)
    joined_on = models.DateField(default=timezone.localdate)
    left_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["member_type", "person__date_of_birth"]
        constraints = [
            models.UniqueConstraint(
                fields=["family", "person"], condition=Q(left_on__isnull=True), name="one_current_membership"
            )
        ]

    def __str__(self):
        return f"{self.person} in {self.family}"


class Relationship(BaseModel):
    """How one person is related to another: 'Dana is the mother of Mia'."""

    class Kind(models.TextChoices):
        MOTHER = "mother", "Mother"
        FATHER = "father", "Father"
        STEP_PARENT = "step_parent", "Step-parent"
        PARTNER = "partner", "Partner"
        SIBLING = "sibling", "Sibling"
        GRANDPARENT = "grandparent", "Grandparent"
        OTHER = "other", "Other"

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="relationships")
    relative = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="relationships_as_relative")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    description = models.CharField(max_length=100, blank=True, help_text="For 'Other', say how")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "relative", "kind"], name="relationship_unique"),
            models.CheckConstraint(condition=~Q(person=models.F("relative")), name="relationship_not_self"),
        ]

    INVERSE_LABELS = {
        Kind.MOTHER: "Child of",
        Kind.FATHER: "Child of",
        Kind.STEP_PARENT: "Stepchild of",
        Kind.PARTNER: "Partner of",
        Kind.SIBLING: "Sibling of",
        Kind.GRANDPARENT: "Grandchild of",
        Kind.OTHER: "Related to",
    }

    def __str__(self):
        return f"{self.person} is {self.get_kind_display().lower()} of {self.relative}"

    @property
    def inverse_label(self) -> str:
        """How the relative stands to the person: Mia is the *child* of Dana."""
        return self.INVERSE_LABELS[self.kind]


class Address(BaseModel):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="addresses")
    line_1 = models.CharField("Address line 1", max_length=120)
    line_2 = models.CharField("Address line 2", max_length=120, blank=True)
    town = models.CharField("Town or city", max_length=80)
    postcode = models.CharField(max_length=10)
    moved_in_on = models.DateField(null=True, blank=True)
    moved_out_on = models.DateField(null=True, blank=True)
    # A protected address (a refuge, an adoptive placement) is sealed: managers only.
    is_protected = models.BooleanField(
        "Protected address", default=False, help_text="For example a refuge: only managers will see it"
    )

    class Meta:
        ordering = ["-moved_in_on"]
        verbose_name_plural = "addresses"

    def __str__(self):
        return ", ".join(p for p in (self.line_1, self.line_2, self.town, self.postcode) if p)

    @property
    def is_current(self) -> bool:
        return self.moved_out_on is None

    @property
    def sensitivity(self) -> str:
        return "sealed" if self.is_protected else "ordinary"


class AdultDetail(BaseModel):
    """Something an adult practitioner records about an adult's health, substance use, domestic abuse or
    offending: special-category data, so it is restricted to the adult's own practitioners and, with a
    recorded basis for sharing, the lead social worker and managers (see safeguarding/access/policies.py)."""

    class Topic(models.TextChoices):
        MENTAL_HEALTH = "mental_health", "Mental health"
        SUBSTANCE_USE = "substance_use", "Drug or alcohol use"
        DOMESTIC_ABUSE = "domestic_abuse", "Domestic abuse"
        OFFENDING = "offending", "Offending and probation"
        PHYSICAL_HEALTH = "physical_health", "Physical health"

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="adult_details")
    topic = models.CharField(max_length=30, choices=Topic.choices)
    summary = models.TextField(max_length=4000)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_on = models.DateField(default=timezone.localdate)

    # Every record type declares its sensitivity class; the access policy does the rest.
    sensitivity = "adult_special"

    class Meta:
        ordering = ["-recorded_on", "-created_at"]

    def __str__(self):
        return f"{self.get_topic_display()} – {self.person}"
