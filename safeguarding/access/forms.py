from django import forms

from safeguarding.core.forms import GovukDateField, GovukForm

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


class EmergencySearchForm(GovukForm):
    """Find a family by someone in it: the caller gives a name and a date of birth, rarely a reference."""

    last_name = forms.CharField(
        label="Last name",
        max_length=100,
        error_messages={"required": "Enter the child's or adult's last name"},
    )
    first_name = forms.CharField(
        label="First name (optional)",
        max_length=100,
        required=False,
        help_text="The start of the name is enough, for example Mia for Mia-Rose",
    )
    date_of_birth = GovukDateField(
        label="Date of birth",
        allow_future=False,
        help_text="For example, 27 3 2019",
        error_messages={"required": "Enter the child's or adult's date of birth"},
    )


class SharingBasisForm(GovukForm):
    basis = forms.ChoiceField(
        label="Basis for sharing",
        choices=SharingBasis.Basis.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the basis for sharing"},
    )
    scope = forms.ChoiceField(
        label="Who the basis covers",
        choices=SharingBasis.Scope.choices,
        widget=forms.RadioSelect,
        help_text=(
            "Consent given at the start of the work usually covers everyone allocated to the family, "
            "so that their chapters in the Workbook can be read by the whole team"
        ),
        error_messages={"required": "Select who the basis covers"},
    )
    explanation = forms.CharField(
        label="Explanation",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, when and how consent was given, or the decision that relied on safeguarding",
    )
