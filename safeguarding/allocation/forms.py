from django import forms

from safeguarding.core.forms import GovukDateField, GovukForm

from .models import CaseRole


class WorkerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, worker):
        employer = f", {worker.organisation.name}" if worker.organisation else ""
        return f"{worker.display_name} ({worker.get_role_display()}{employer})"


class AllocationForm(GovukForm):
    worker = WorkerChoiceField(label="Worker", queryset=None, empty_label="Choose a worker")
    case_role = forms.ChoiceField(label="Role on the case", choices=[("", "Choose a role")] + CaseRole.choices)
    start_date = GovukDateField(label="Start date", required=False, allow_future=False, help_text="Leave blank for today")

    def __init__(self, *args, workers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = workers
        self.fields["worker"].error_messages["invalid_choice"] = "Select a worker from the list"


class EndAllocationForm(GovukForm):
    end_date = GovukDateField(label="End date", required=False, allow_future=False, help_text="Leave blank for today")
    reason = forms.CharField(label="Reason", max_length=200, required=False, help_text="For example, worker left the team")
