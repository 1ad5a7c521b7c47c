"""The Workbook: one shared family record, a chapter for every worker, in cycles (issue #9, ADR 14).

Family Safeguarding's Workbook is "a number of summaries – chapters – one for each worker role involved
with the family", written monthly and shared with the team, instead of a log of every contact. Its work is
divided into cycles: each runs from one group case supervision to the next (until supervision is recorded
here, the team manager closes a cycle by hand). A chapter belongs to one worker and one cycle; once the
cycle closes it is locked, and a later change is an addendum with a reason, so what the team read at the
supervision stays readable as it was.

Beside the chapters: sessions (what the worker did, entered once however many family members took part;
a home visit that sees four children makes each child's statutory visit), significant events (what
happened that matters for the children), the eight-module programme of direct work with parents, and the
assessments compiled from all of it (the integrated family assessment, the parenting assessment).

Long text is never lost: every record a worker types into carries a `version`, a save that started from
an older version is refused with both texts shown (services.VersionConflict), and what is typed is kept
as a `TextDraft` on the server while the worker types (drafts.py).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from safeguarding.core.models import BaseModel


class Workbook(BaseModel):
    """A family's Workbook: opened when the family first has allocated workers, one per family."""

    family = models.OneToOneField("people.Family", on_delete=models.PROTECT, related_name="workbook")
    opened_on = models.DateField()
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    def __str__(self):
        return f"Workbook for {self.family}"


class Cycle(BaseModel):
    """A period of the family's work between two group case supervisions. One open at a time."""

    workbook = models.ForeignKey(Workbook, on_delete=models.PROTECT, related_name="cycles")
    number = models.PositiveIntegerField()
    started_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    # How the cycle was closed: by hand (a team manager) or, from the next capability, at a group
    # supervision. Kept so a reader knows whether the team met.
    close_note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(
                fields=["workbook"], condition=Q(closed_on__isnull=True), name="workbook_one_open_cycle"
            ),
            models.UniqueConstraint(fields=["workbook", "number"], name="workbook_cycle_number_unique"),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=models.F("started_on")),
                name="workbook_cycle_closes_after_start",
            ),
        ]

    def __str__(self):
        return f"Cycle {self.number}"

    @property
    def is_open(self) -> bool:
        return self.closed_on is None


# The prompted sections of a chapter part, in the order a worker writes them, with the question each asks.
# Every role uses the same sections (the team reads chapters side by side at supervision); the prompts
# under each heading are the role's own (chapters.ROLE_PROMPTS).
CHAPTER_SECTIONS: tuple[tuple[str, str], ...] = (
    ("work_done", "What I did"),
    ("what_changed", "What has changed"),
    ("meaning_for_children", "What this means for the children"),
    ("worries", "What we are worried about"),
    ("working_well", "What is working well"),
    ("parents_words", "In the parent's own words"),
    ("next_steps", "Next steps"),
)
SECTION_FIELDS: tuple[str, ...] = tuple(key for key, _label in CHAPTER_SECTIONS)


class Chapter(BaseModel):
    """One worker's chapter for one cycle: not started (no row), draft, or shared with the team."""

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        SHARED = "shared", "Shared"

    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="chapters")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The author's role on the case when the chapter was started (allocation.CaseRole): the chapter keeps
    # it if the allocation later changes.
    case_role = models.CharField(max_length=40)
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    shared_on = models.DateField(null=True, blank=True)
    # Raised by every save; a save that started from an older version is refused (nothing overwritten).
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "author"], name="workbook_one_chapter_per_worker")
        ]

    def __str__(self):
        return f"Chapter by {self.author} for {self.cycle}"

    @property
    def role_label(self) -> str:
        """The author's role on the case when they wrote it, as the team says it."""
        from safeguarding.allocation.models import CaseRole

        return str(CaseRole(self.case_role).label) if self.case_role in CaseRole.values else self.case_role


class ChapterPart(BaseModel):
    """The prompted sections of a chapter, about the family or, for an adult practitioner, about one adult.

    A part about an adult written by one of that adult's practitioners (domestic abuse, drugs and alcohol,
    mental health, offending) is special-category data about the adult: `sensitivity` is adult_special
    and the access policy decides who reads it (ADR 10, ADR 14)."""

    chapter = models.ForeignKey(Chapter, on_delete=models.PROTECT, related_name="parts")
    about_person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    sensitivity = models.CharField(max_length=20, default="ordinary")
    work_done = models.TextField(blank=True, max_length=10000)
    what_changed = models.TextField(blank=True, max_length=10000)
    meaning_for_children = models.TextField(blank=True, max_length=10000)
    worries = models.TextField(blank=True, max_length=10000)
    working_well = models.TextField(blank=True, max_length=10000)
    parents_words = models.TextField(blank=True, max_length=10000)
    next_steps = models.TextField(blank=True, max_length=10000)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["chapter", "about_person"], name="workbook_one_part_per_adult"),
            models.UniqueConstraint(
                fields=["chapter"], condition=Q(about_person__isnull=True), name="workbook_one_family_part"
            ),
        ]

    def __str__(self):
        return f"Part of {self.chapter}"

    @property
    def is_empty(self) -> bool:
        return not any(getattr(self, field).strip() for field in SECTION_FIELDS)


class ChapterAddendum(BaseModel):
    """A change to a chapter after its cycle closed: the original stays as the team read it."""

    chapter = models.ForeignKey(Chapter, on_delete=models.PROTECT, related_name="addenda")
    part = models.ForeignKey(ChapterPart, on_delete=models.PROTECT, related_name="addenda")
    text = models.TextField(max_length=10000)
    reason = models.CharField(max_length=500)
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        return f"Addendum to {self.chapter}"


class ParentingModule(BaseModel):
    """One module of the programme of direct work with parents, as data a system administrator edits.

    The published descriptions of Family Safeguarding say the programme has eight modules that inform the
    parenting assessment, but not what they are called: the eight shipped (migration 0002) are a starting
    point in our own words, for each council to rename, reword or replace."""

    name = models.CharField(max_length=120, unique=True)
    purpose = models.TextField(max_length=2000)
    # Questions for the worker to keep in mind, one per line.
    prompts = models.TextField(max_length=4000, blank=True)
    order = models.PositiveIntegerField()
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self):
        return self.name

    @property
    def prompt_list(self) -> list[str]:
        return [line.strip() for line in self.prompts.splitlines() if line.strip()]


class Session(BaseModel):
    """Something a worker did with the family, entered once however many of them took part.

    A session in person with children present (a home visit, an office or school or nursery visit) by a
    worker who visits the children makes each child's statutory visit (journey.Visit), so the visit
    clocks move without a form per child (services.session_record)."""

    class Kind(models.TextChoices):
        HOME_VISIT = "home_visit", "Home visit"
        OFFICE = "office", "Office appointment"
        PHONE = "phone", "Phone call"
        VIDEO = "video", "Video call"
        GROUP = "group", "Group session"
        SCHOOL_VISIT = "school_visit", "School or nursery visit"

    family = models.ForeignKey("people.Family", on_delete=models.PROTECT, related_name="+")
    date = models.DateField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    module = models.ForeignKey(
        ParentingModule, on_delete=models.PROTECT, related_name="sessions", null=True, blank=True
    )
    note = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The recorder's role on the case then: a note by an adult's own practitioner about adults only is
    # special-category data about them (sensitivity adult_special).
    case_role = models.CharField(max_length=40, blank=True)
    sensitivity = models.CharField(max_length=20, default="ordinary")

    class Meta:
        ordering = ["-date", "-created_at"]
        indexes = [models.Index(fields=["family", "date"])]

    def __str__(self):
        return f"{self.get_kind_display()} on {self.date:%-d %B %Y}"


class SessionParticipant(BaseModel):
    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="participants")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    # For a child: seen alone (the statutory visit's field). The statutory visit made from this session.
    seen_alone = models.BooleanField(default=False)
    visit = models.ForeignKey(
        "journey.Visit", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "person"], name="workbook_session_person_once")
        ]
        indexes = [models.Index(fields=["person"])]


class SignificantEvent(BaseModel):
    """Something that happened which matters for the children: flagged in one step by any worker.

    Significant events are the facts a team must all know to keep the children safe (a police call-out,
    an admission, a child missing), so they are ordinary case records shown to the whole team and in the
    children's chronology; a worker's analysis of an adult's own health stays in their chapter."""

    class Kind(models.TextChoices):
        POLICE_DA = "police_da", "Police call-out for domestic abuse"
        POLICE_OTHER = "police_other", "Police call-out, other"
        ARREST = "arrest", "Arrest"
        INJURY = "injury", "Injury to a child"
        HOSPITAL = "hospital", "Hospital admission or A&E attendance"
        MISSING = "missing", "Child missing"
        RELAPSE = "relapse", "Relapse into drug or alcohol use"
        MENTAL_HEALTH_CRISIS = "mental_health_crisis", "Mental health crisis"
        DISCLOSURE = "disclosure", "Disclosure"
        EXCLUSION = "exclusion", "Exclusion from school"
        HOUSE_MOVE = "house_move", "House move"
        BIRTH = "birth", "Birth"
        DEATH = "death", "Death"
        OTHER = "other", "Other"

    class Impact(models.TextChoices):
        HIGH = "high", "High: the children's safety changed"
        MEDIUM = "medium", "Medium: the plan needs to respond"
        LOW = "low", "Low: for the team to know"

    family = models.ForeignKey("people.Family", on_delete=models.PROTECT, related_name="+")
    date = models.DateField()
    kind = models.CharField(max_length=30, choices=Kind.choices)
    what_happened = models.TextField(max_length=4000)
    impact = models.CharField(max_length=10, choices=Impact.choices)
    impact_on_child = models.TextField("Impact on the children", max_length=4000, blank=True)
    people = models.ManyToManyField("people.Person", related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sensitivity = "ordinary"

    class Meta:
        ordering = ["-date", "-created_at"]
        indexes = [models.Index(fields=["family", "date"])]

    def __str__(self):
        return f"{self.get_kind_display()} on {self.date:%-d %B %Y}"


class ModuleWork(BaseModel):
    """One parent's work on one module: what was covered, their reflections, the worker's analysis."""

    class State(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETED = "completed", "Completed"

    family = models.ForeignKey("people.Family", on_delete=models.PROTECT, related_name="+")
    parent = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    module = models.ForeignKey(ParentingModule, on_delete=models.PROTECT, related_name="work")
    state = models.CharField(max_length=20, choices=State.choices, default=State.NOT_STARTED)
    covered = models.TextField("What was covered", max_length=10000, blank=True)
    reflections = models.TextField("The parent's reflections", max_length=10000, blank=True)
    analysis = models.TextField("Worker's analysis", max_length=10000, blank=True)
    completed_on = models.DateField(null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    # adult_special once one of the parent's own adult practitioners has written it (what they write about
    # the adult is special-category data, ADR 10), and never lowered again: a later edit by someone else
    # must not make it readable by the whole team (services.modules.module_work_save).
    sensitivity = models.CharField(max_length=20, default="ordinary")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["module__order"]
        constraints = [
            models.UniqueConstraint(fields=["family", "parent", "module"], name="workbook_module_work_once")
        ]

    def __str__(self):
        return f"{self.module} with {self.parent}"


class FamilyAssessment(BaseModel):
    """An assessment compiled from the Workbook, written by the lead social worker and authorised by the
    team manager: the integrated family assessment, or the parenting assessment of the family's parents.

    Authorising an integrated family assessment completes each child's open statutory assessment with the
    factors the social worker confirmed (CIN census AssessmentFactors, authorisation date), so they are
    never typed twice. Every version sent, returned or authorised is kept (AssessmentVersion)."""

    class Kind(models.TextChoices):
        INTEGRATED = "integrated", "Integrated family assessment"
        PARENTING = "parenting", "Parenting assessment"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SENT = "sent", "With the team manager"
        RETURNED = "returned", "Returned for changes"
        AUTHORISED = "authorised", "Authorised"

    family = models.ForeignKey("people.Family", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    # The compiled picture (chapters, statuses, events), editable: {section key: text}.
    compiled = models.JSONField(default=dict, blank=True)
    # The social worker's analysis: {section key: text} (life for each child, risks, strengths, change).
    analysis = models.JSONField(default=dict, blank=True)
    # {child person id: [CIN census factor codes]}: proposed from the adult practitioners' records, then
    # confirmed by the social worker.
    proposed_factors = models.JSONField(default=dict, blank=True)
    factors = models.JSONField(default=dict, blank=True)
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    authorised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    authorised_on = models.DateField(null=True, blank=True)
    manager_comments = models.TextField(max_length=4000, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # One assessment of each kind in progress for a family at a time.
            models.UniqueConstraint(
                fields=["family", "kind"],
                condition=~Q(status="authorised"),
                name="workbook_one_open_assessment_per_kind",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.get_status_display().lower()})"


class AssessmentVersion(BaseModel):
    """A kept copy of an assessment each time it was sent, returned or authorised."""

    assessment = models.ForeignKey(FamilyAssessment, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=20, choices=FamilyAssessment.Status.choices)
    compiled = models.JSONField(default=dict)
    analysis = models.JSONField(default=dict)
    factors = models.JSONField(default=dict)
    comments = models.TextField(max_length=4000, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "number"], name="workbook_assessment_version_once")
        ]


class TextDraft(BaseModel):
    """What a worker has typed into a record's long text and not yet saved, kept on the server while they
    type so that a time-out, a closed tab or a crashed browser loses nothing, on any device they sign in
    from. Only its author reads it; saving the record removes it (drafts.py)."""

    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    family = models.ForeignKey("people.Family", on_delete=models.PROTECT, related_name="+")
    # What the draft is of: "chapter", "assessment", "module-work"; and that record's id.
    record_type = models.CharField(max_length=30)
    record_id = models.UUIDField()
    # {form field name: text}
    fields = models.JSONField(default=dict)
    # The record's version the worker started from: a draft of an older version is offered with a merge.
    base_version = models.PositiveIntegerField(default=0)
    # When this draft's writing was last audited: autosave writes every few seconds of idle typing, and the
    # audit log records the sitting (at most one event in ten minutes per draft), not every pause.
    audited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["author", "record_type", "record_id"], name="workbook_one_draft_per_record"
            )
        ]
