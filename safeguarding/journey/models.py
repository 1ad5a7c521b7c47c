"""The child's statutory journey: the events the CIN census and SSDA903 are built from.

Every record here belongs to a child (a Person), never to a family: returns are child-level, and siblings'
journeys differ. Each record carries `child` even where it also has a parent record (an assessment has
its episode of need), so a child's chronology, clocks and returns are read with one query per record type
for any number of children.

Nothing is deleted and nothing is silently overwritten: a change to a recorded fact is a correction, kept
as a `Correction` with its reason (see services.journey_correct). Entry rules live in rules.py.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from safeguarding.core.models import BaseModel

from . import codes


class JourneyRecord(BaseModel):
    child = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    # Not known for records imported or generated in bulk.
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    # Statutory events are ordinary case records (see safeguarding/access/policies.py).
    sensitivity = "ordinary"

    class Meta:
        abstract = True


def _one_open_per_child(model_name: str, end_field: str) -> models.UniqueConstraint:
    return models.UniqueConstraint(
        fields=["child"],
        condition=Q(**{f"{end_field}__isnull": True}),
        name=f"{model_name}_one_open_per_child",
    )


def _ends_after_start(model_name: str, start: str, end: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": models.F(start)}),
        name=f"{model_name}_ends_after_start",
    )


class EpisodeOfNeed(JourneyRecord):
    """From referral to closure (CIN census CINdetails). One open at a time for a child."""

    contact_date = models.DateField(null=True, blank=True)
    referral_date = models.DateField()
    referral_source = models.CharField(max_length=2, choices=codes.ReferralSource.choices)
    primary_need = models.CharField(max_length=2, choices=codes.PrimaryNeed.choices, blank=True)
    # The referral decision was no further action (CIN census ReferralNFA).
    no_further_action = models.BooleanField(default=False)
    closure_date = models.DateField(null=True, blank=True)
    closure_reason = models.CharField(max_length=3, choices=codes.ClosureReason.choices, blank=True)

    class Meta:
        ordering = ["referral_date"]
        constraints = [
            _one_open_per_child("episode_of_need", "closure_date"),
            _ends_after_start("episode_of_need", "referral_date", "closure_date"),
        ]

    def __str__(self):
        return f"Referral on {self.referral_date:%-d %B %Y}"

    @property
    def is_open(self) -> bool:
        return self.closure_date is None


class Assessment(JourneyRecord):
    """Child and family assessment (Children Act 1989 s17). Authorised by a manager; factors at the end."""

    episode = models.ForeignKey(EpisodeOfNeed, on_delete=models.PROTECT, related_name="assessments")
    start_date = models.DateField()
    authorised_on = models.DateField(null=True, blank=True)
    # CIN census AssessmentFactors codes (codes.ASSESSMENT_FACTORS); required once authorised.
    factors = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["start_date"]
        constraints = [_ends_after_start("assessment", "start_date", "authorised_on")]

    def __str__(self):
        return f"Assessment started {self.start_date:%-d %B %Y}"

    @property
    def is_open(self) -> bool:
        # In progress until a manager authorises it (CIN census: the assessment's completion date).
        return self.authorised_on is None


class Section47Enquiry(JourneyRecord):
    """A strategy discussion and the section 47 enquiry it starts, to the initial conference (or not)."""

    episode = models.ForeignKey(EpisodeOfNeed, on_delete=models.PROTECT, related_name="section47_enquiries")
    strategy_discussion_date = models.DateField()
    start_date = models.DateField()
    # 15 working days from the strategy discussion (CIN census InitialCPCtarget); set by the service.
    icpc_target = models.DateField()
    icpc_date = models.DateField(null=True, blank=True)
    icpc_not_required = models.BooleanField(default=False)

    class Meta:
        ordering = ["start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(icpc_date__isnull=True) | Q(icpc_not_required=False),
                name="s47_icpc_or_not_required",
            )
        ]

    def __str__(self):
        return f"Section 47 enquiry started {self.start_date:%-d %B %Y}"

    @property
    def is_open(self) -> bool:
        return self.icpc_date is None and not self.icpc_not_required


class ChildProtectionPlan(JourneyRecord):
    class EndReason(models.TextChoices):
        STEP_DOWN_CIN = "step_down_cin", "Stepped down to a child in need plan"
        NO_LONGER_NEEDED = "no_longer_needed", "No longer at risk of significant harm"
        LOOKED_AFTER = "looked_after", "Became looked after"
        MOVED_AWAY = "moved_away", "Moved to another council"
        OTHER = "other", "Other"

    episode = models.ForeignKey(EpisodeOfNeed, on_delete=models.PROTECT, related_name="cp_plans")
    # The ICPC date (Working Together 2023), or the date of the transfer-in conference for a child who
    # moved here while on another council's plan (Working Together 2023: the receiving council holds a
    # transfer-in conference; there is no section 47 enquiry or initial conference here).
    start_date = models.DateField()
    started_at_transfer_in = models.BooleanField("Started at a transfer-in conference", default=False)
    initial_category = models.CharField(max_length=3, choices=codes.AbuseCategory.choices)
    latest_category = models.CharField(max_length=3, choices=codes.AbuseCategory.choices)
    end_date = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=20, choices=EndReason.choices, blank=True)

    class Meta:
        ordering = ["start_date"]
        constraints = [
            _one_open_per_child("cp_plan", "end_date"),
            # DfE CIN validation: a plan cannot start and end on the same day.
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gt=models.F("start_date")),
                name="cp_plan_ends_after_start_day",
            ),
        ]

    def __str__(self):
        return f"Child protection plan from {self.start_date:%-d %B %Y}"

    @property
    def is_open(self) -> bool:
        return self.end_date is None


class ReviewConference(JourneyRecord):
    plan = models.ForeignKey(ChildProtectionPlan, on_delete=models.PROTECT, related_name="reviews")
    date = models.DateField()

    class Meta:
        ordering = ["date"]

    def __str__(self):
        return f"Review conference on {self.date:%-d %B %Y}"


class CoreGroupMeeting(JourneyRecord):
    plan = models.ForeignKey(ChildProtectionPlan, on_delete=models.PROTECT, related_name="core_groups")
    date = models.DateField()

    class Meta:
        ordering = ["date"]

    def __str__(self):
        return f"Core group on {self.date:%-d %B %Y}"


class ChildInNeedPlan(JourneyRecord):
    episode = models.ForeignKey(EpisodeOfNeed, on_delete=models.PROTECT, related_name="cin_plans")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["start_date"]
        constraints = [
            _one_open_per_child("cin_plan", "end_date"),
            _ends_after_start("cin_plan", "start_date", "end_date"),
        ]

    def __str__(self):
        return f"Child in need plan from {self.start_date:%-d %B %Y}"

    @property
    def is_open(self) -> bool:
        return self.end_date is None


class Visit(JourneyRecord):
    """A statutory visit to the child. Only a visit where the child was seen meets a visiting standard."""

    date = models.DateField()
    child_seen = models.BooleanField()
    seen_alone = models.BooleanField(default=False)
    visited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        ordering = ["date"]
        indexes = [models.Index(fields=["child", "date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(child_seen=True) | Q(seen_alone=False), name="visit_alone_if_seen"
            )
        ]

    def __str__(self):
        return f"Visit on {self.date:%-d %B %Y}"


class PreProceedings(JourneyRecord):
    """The Public Law Outline's pre-proceedings stage (CIN census pre-proceedings module from 2026)."""

    legal_planning_meeting_date = models.DateField()
    letter_before_proceedings_date = models.DateField(null=True, blank=True)
    fgdm_offered_date = models.DateField("Family group decision making offered", null=True, blank=True)
    fgdm_held_date = models.DateField("Family group decision making held", null=True, blank=True)
    decision_date = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=codes.PreProceedingsOutcome.choices, blank=True)

    class Meta:
        ordering = ["legal_planning_meeting_date"]
        verbose_name_plural = "pre-proceedings"
        constraints = [
            _one_open_per_child("pre_proceedings", "decision_date"),
            _ends_after_start("pre_proceedings", "legal_planning_meeting_date", "decision_date"),
        ]

    def __str__(self):
        return f"Pre-proceedings from {self.legal_planning_meeting_date:%-d %B %Y}"

    @property
    def is_open(self) -> bool:
        return self.decision_date is None


class PreProceedingsMeeting(JourneyRecord):
    class Kind(models.TextChoices):
        INITIAL = "initial", "Pre-proceedings meeting"
        REVIEW = "review", "Review meeting"

    pre_proceedings = models.ForeignKey(PreProceedings, on_delete=models.PROTECT, related_name="meetings")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    date = models.DateField()

    class Meta:
        ordering = ["date"]

    def __str__(self):
        return f"{self.get_kind_display()} on {self.date:%-d %B %Y}"


class CareProceedings(JourneyRecord):
    application_date = models.DateField()
    court = models.CharField(max_length=120)
    case_number = models.CharField(max_length=40, blank=True)
    final_order_date = models.DateField(null=True, blank=True)
    final_order = models.CharField(max_length=20, choices=codes.FinalOrder.choices, blank=True)

    class Meta:
        ordering = ["application_date"]
        verbose_name_plural = "care proceedings"
        constraints = [
            _one_open_per_child("care_proceedings", "final_order_date"),
            _ends_after_start("care_proceedings", "application_date", "final_order_date"),
        ]

    def __str__(self):
        return f"Care proceedings issued {self.application_date:%-d %B %Y}"

    @property
    def is_open(self) -> bool:
        return self.final_order_date is None


class CourtHearing(JourneyRecord):
    proceedings = models.ForeignKey(CareProceedings, on_delete=models.PROTECT, related_name="hearings")
    kind = models.CharField(max_length=10, choices=codes.HearingKind.choices)
    date = models.DateField()

    class Meta:
        ordering = ["date"]

    def __str__(self):
        return f"{self.get_kind_display()} on {self.date:%-d %B %Y}"


class LookedAfterEpisode(JourneyRecord):
    """One SSDA903 episode: a period of care is one or more episodes, a new one at each change of legal
    status or placement (reason for new episode) ending with reason ceased X1 until care ends."""

    start_date = models.DateField()
    reason_new_episode = models.CharField(max_length=1, choices=codes.ReasonNewEpisode.choices)
    legal_status = models.CharField(max_length=2, choices=codes.LegalStatus.choices)
    category_of_need = models.CharField(max_length=2, choices=codes.CategoryOfNeed.choices)
    placement_type = models.CharField(max_length=3, choices=codes.PlacementType.choices)
    placement_provider = models.CharField(max_length=3, choices=codes.PlacementProvider.choices, blank=True)
    placement_postcode = models.CharField(max_length=10, blank=True)
    end_date = models.DateField(null=True, blank=True)
    reason_ceased = models.CharField(max_length=3, choices=codes.ReasonCeased.choices, blank=True)

    class Meta:
        ordering = ["start_date", "created_at"]
        constraints = [
            _one_open_per_child("looked_after_episode", "end_date"),
            _ends_after_start("looked_after_episode", "start_date", "end_date"),
        ]

    def __str__(self):
        return f"Looked-after episode from {self.start_date:%-d %B %Y}"

    @property
    def is_open(self) -> bool:
        return self.end_date is None


class LookedAfterReview(JourneyRecord):
    date = models.DateField()
    participation = models.CharField(max_length=3, choices=codes.ReviewParticipation.choices)

    class Meta:
        ordering = ["date"]

    def __str__(self):
        return f"Looked-after review on {self.date:%-d %B %Y}"


class MissingEpisode(JourneyRecord):
    kind = models.CharField(max_length=1, choices=codes.MissingKind.choices)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["start_date"]
        constraints = [_ends_after_start("missing_episode", "start_date", "end_date")]

    def __str__(self):
        return f"{self.get_kind_display()} from {self.start_date:%-d %B %Y}"


class Correction(BaseModel):
    """A change to a statutory fact already recorded: what it was, what it became, who, when and why.

    Returns already sent to the DfE were built from the old value; the correction history is how an
    analyst explains a difference between years, and how an auditor sees who changed a statutory date."""

    child = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    record_type = models.CharField(max_length=40)
    record_id = models.UUIDField()
    # {field: [before, after]} as displayed text, so it still reads after code lists change.
    changes = models.JSONField()
    reason = models.TextField(max_length=1000)
    corrected_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["record_type", "record_id"])]

    def __str__(self):
        return f"Correction to {self.record_type} {self.record_id}"


class DeadlineKind(models.TextChoices):
    """The statutory journey's kinds of task (tasks.Deadline.kind), registered with the tasks app."""

    ASSESSMENT = "assessment", "Assessment"
    ICPC = "icpc", "Initial child protection conference"
    FIRST_CORE_GROUP = "first_core_group", "First core group"
    CORE_GROUP = "core_group", "Core group"
    REVIEW_CONFERENCE = "review_conference", "Review conference"
    CP_VISIT = "cp_visit", "Child protection visit"
    CIN_VISIT = "cin_visit", "Child in need visit"
    LAC_VISIT = "lac_visit", "Looked-after child visit"
    LAC_REVIEW = "lac_review", "Looked-after review"
    PROCEEDINGS = "proceedings", "Care proceedings (26 weeks)"
