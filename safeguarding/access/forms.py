from django import forms

from safeguarding.core.forms import GovukForm

from .models import SharingBasis


class EmergencyAccessForm(GovukForm):
    reference = forms.CharField(
        label="Family reference",
        max_length=20,
        help_text="For example FAM-000123. Ask the caller or the duty log for it.",
        error_messages={"required": "Enter the family reference"},
    )
    reason = forms.CharField(
        label="Why do you need to open this family's record now?",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The family's team manager will see this, and it is kept in the audit log.",
        error_messages={
            "required": "Enter why you need to open this family's record",
            "max_length": "Reason must be 1000 characters or fewer",
        },
    )

    def clean_reference(self):
        return self.cleaned_data["reference"].strip().upper()


class SharingBasisForm(GovukForm):
    basis = forms.ChoiceField(
        label="Basis for sharing",
        choices=SharingBasis.Basis.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the basis for sharing"},
    )
    explanation = forms.CharField(
        label="Explanation",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, when and how consent was given, or the decision that relied on safeguarding",
    )
