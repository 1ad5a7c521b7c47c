from django import forms

from safeguarding.core.forms import GovukDateField, GovukForm

from .models import ADULT_PRACTITIONER_CASE_ROLES, CaseRole, EndReason


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
    """Why and when an allocation ends. The page asks to confirm before anything is saved (the worker loses
    the family's record at once), so the form is checked twice: once to ask, once to end."""

    reason_code = forms.ChoiceField(
        label="Why is the allocation ending?",
        choices=EndReason.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select why the allocation is ending",
            "invalid_choice": "Select one of the reasons",
        },
    )
    # A box of its own under the radios, not a conditional reveal inside them: GOV.UK Frontend's reveal
    # puts aria-expanded on a radio button, which axe reports as a critical failure (aria-allowed-attr).
    reason = forms.CharField(
        label="If other, give the reason",
        max_length=200,
        required=False,
        error_messages={"max_length": "Reason must be 200 characters or fewer"},
    )
    end_date = GovukDateField(
        label="End date", required=False, allow_future=False, help_text="Leave blank for today"
    )

    def __init__(self, *args, started_on=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.started_on = started_on

    def clean_end_date(self):
        end_date = self.cleaned_data["end_date"]
        # The service checks this too; here it is shown with the other answers' errors at once.
        if end_date and self.started_on and end_date < self.started_on:
            raise forms.ValidationError("End date must be on or after the date the allocation started")
        return end_date

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("reason_code") == EndReason.OTHER and not cleaned.get("reason", "").strip():
            if "reason" not in self.errors:
                self.add_error("reason", "Enter why the allocation is ending")
        return cleaned

    def hidden_values(self) -> list[tuple[str, str]]:
        """The answers, as the confirmation page's hidden fields post them back."""
        data = self.cleaned_data
        values = [("reason_code", data["reason_code"])]
        if data["reason_code"] == EndReason.OTHER:
            values.append(("reason", data["reason"].strip()))
        if data["end_date"]:
            day = data["end_date"]
            values += [("end_date_day", day.day), ("end_date_month", day.month), ("end_date_year", day.year)]
        return values

    def reason_text(self) -> str:
        data = self.cleaned_data
        if data["reason_code"] == EndReason.OTHER:
            return data["reason"].strip()
        return EndReason(data["reason_code"]).label
