"""The case file's forms: the allocation form, with each worker's caseload next to their name."""

from __future__ import annotations

from safeguarding.allocation.forms import AllocationForm, WorkerChoiceField


class CaseloadWorkerChoiceField(WorkerChoiceField):
    def label_from_instance(self, worker):
        label = super().label_from_instance(worker)
        held = getattr(worker, "caseload", None)
        if held is None:
            return label
        return f"{label}: holds {held} famil{'y' if held == 1 else 'ies'}"


class AllocationWithCaseloadForm(AllocationForm):
    """AllocationForm whose workers (caseload.allocatable_workers_with_caseload) show how many families
    each holds now, so a team manager sees who has room before choosing."""

    worker = CaseloadWorkerChoiceField(
        label="Worker",
        queryset=None,
        empty_label="Choose a worker",
        error_messages={"required": "Select a worker"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worker"].help_text = "After each name: how many families they hold now, in any team"
