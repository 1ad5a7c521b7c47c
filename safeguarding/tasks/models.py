"""Work that is due: one row per date still to be met, written by the capability that knows the rule.

The statutory journey is the first provider (its clocks, journey/deadlines.py); group supervision actions
and measure alerts are the next. Each provider registers its kinds (tasks.registry) and keeps its own rows
current; My tasks and Timeliness read this one table, so they stay one indexed query for any caseload.
"""

from django.db import models

from safeguarding.core.models import BaseModel


class Deadline(BaseModel):
    """A date still to be met for a child, derived from the records of the capability that wrote it.

    Kept as rows (rebuilt for a child whenever one of the child's records changes) so that My tasks and
    Timeliness are one indexed query for any caseload size, rather than recomputing every child's clocks
    on every page view. Overdue is worked out at read time: due_date < today."""

    child = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="deadlines")
    # The child's current family when the deadline was worked out: whose team and lead social worker
    # answer for it.
    family = models.ForeignKey("people.Family", on_delete=models.CASCADE, related_name="deadlines", null=True)
    # One of the kinds a provider registered (tasks.registry); its label comes from there.
    kind = models.CharField(max_length=20)
    due_date = models.DateField()
    # What the clock runs from, in words: "45 working days from the referral on 3 March 2026".
    basis = models.CharField(max_length=200)

    class Meta:
        ordering = ["due_date"]
        # The table and index names it had when it lived in the journey app (migration journey 0003).
        indexes = [
            models.Index(fields=["family", "due_date"], name="journey_dea_family__06ac12_idx"),
            models.Index(fields=["due_date"], name="journey_dea_due_dat_e4f9a1_idx"),
        ]

    def __str__(self):
        return f"{self.kind_label} due {self.due_date:%-d %B %Y}"

    @property
    def kind_label(self) -> str:
        from .registry import kind_label

        return kind_label(self.kind)

    def get_kind_display(self) -> str:
        return self.kind_label
