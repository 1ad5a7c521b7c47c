from django import forms

from safeguarding.core.forms import GovukDateField, GovukForm

from .models import ADULT_PRACTITIONER_CASE_ROLES, CaseRole


class WorkerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, worker):
        employer = f", {worker.organisation.name}" if worker.organisation else ""
        return f"{worker.display_name} ({worker.get_role_display()}{employer})"


class AllocationForm(GovukForm):
    worker = WorkerChoiceField(
        label="Worker",
        queryset=None,
        empty_label="Choose a worker",
        error_messages={"required": "Select a worker"},
    )
    case_role = forms.ChoiceField(
        label="Role on the case",
        choices=[("", "Choose a role")] + CaseRole.choices,
        error_messages={"required": "Select the worker's role on the case"},
    )
    start_date = GovukDateField(
        label="Start date", required=False, allow_future=False, help_text="Leave blank for today"
    )

    works_with = forms.ModelMultipleChoiceField(
        label="Which adults will they work with?",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="For adult practitioners. They will see what is recorded about these adults' health, "
        "drug and "
        "alcohol use, domestic abuse and offending.",
    )

    def __init__(self, *args, workers, adults, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = workers
        self.fields["worker"].error_messages["invalid_choice"] = "Select a worker from the list"
        self.fields["works_with"].queryset = adults
        self.fields["works_with"].error_messages["invalid_choice"] = "Select adults from the family"

    def clean(self):
        cleaned = super().clean()
        role, adults = cleaned.get("case_role"), cleaned.get("works_with")
        if (
            role in ADULT_PRACTITIONER_CASE_ROLES
            and not adults
            and self.fields["works_with"].queryset.exists()
        ):
            self.add_error("works_with", "Select the adults they will work with")
        if role and role not in ADULT_PRACTITIONER_CASE_ROLES and adults:
            self.add_error(
                "works_with", "Only adult practitioners work with particular adults: clear these boxes"
            )
        return cleaned


class EndAllocationForm(GovukForm):
    end_date = GovukDateField(
        label="End date", required=False, allow_future=False, help_text="Leave blank for today"
    )
    reason = forms.CharField(
        label="Reason", max_length=200, required=False, help_text="For example, worker left the team"
    )
