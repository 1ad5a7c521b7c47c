"""Work that is due: one row per date still to be met, written by the capability that knows the rule.

The statutory journey is the first provider (its clocks, journey/deadlines.py); group supervision actions
and measure alerts are the next. Each provider registers its kinds (tasks.registry) and keeps its own rows
current; My tasks and Timeliness read this one table, so they stay one indexed query for any caseload.
"""

from django.conf import settings
from django.db import models

from safeguarding.core.models import BaseModel


class Deadline(BaseModel):
    """A date still to be met for a child (or, with an owner, by one worker for a family), derived from
    the records of the capability that wrote it.

    Kept as rows (rebuilt for a child whenever one of the child's records changes) so that My tasks and
    Timeliness are one indexed query for any caseload size, rather than recomputing every child's clocks
    on every page view. Overdue is worked out at read time: due_date < today."""

    # The child the date is for; None for a task about the whole family (a group supervision action).
    child = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="deadlines", null=True, blank=True
    )
    # The child's current family when the deadline was worked out: whose team and lead social worker
    # answer for it.
    family = models.ForeignKey("people.Family", on_delete=models.CASCADE, related_name="deadlines", null=True)
    # One of the kinds a provider registered (tasks.registry); its label comes from there.
    kind = models.CharField(max_length=20)
    due_date = models.DateField()
    # What the clock runs from, in words: "45 working days from the referral on 3 March 2026".
    basis = models.CharField(max_length=200)
    # A task one person answers for (an action agreed at group supervision): shown in that person's My
    # tasks only, never in their colleagues'. None: the family's workers answer for it (statutory dates).
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", null=True, blank=True
    )
    # The page where the task is done, for a task that is not done on the child's journey.
    link = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["due_date"]
        # The table and index names it had when it lived in the journey app (migration journey 0003).
        indexes = [
            models.Index(fields=["family", "due_date"], name="journey_dea_family__06ac12_idx"),
            models.Index(fields=["due_date"], name="journey_dea_due_dat_e4f9a1_idx"),
            models.Index(fields=["owner", "due_date"], name="tasks_deadline_owner_due_idx"),
        ]

    def __str__(self):
        return f"{self.kind_label} due {self.due_date:%-d %B %Y}"

    @property
    def kind_label(self) -> str:
        from .registry import kind_label

        return kind_label(self.kind)

    def get_kind_display(self) -> str:
        return self.kind_label
