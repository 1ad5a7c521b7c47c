"""Forms for families and people. They parse and validate what a user typed; services do the writing."""

from __future__ import annotations

import datetime
import re

from django import forms
from django.utils import timezone

from safeguarding.core.forms import GovukDateField, GovukForm

from .codes import Disability, Ethnicity, Sex
from .identifiers import (
    POSTCODE_MESSAGE,
    nhs_number_is_valid,
    normalise_nhs_number,
    normalise_upn,
    postcode_is_valid,
    upn_is_valid,
)
from .models import AdultDetail, FamilyMember, Relationship


class FamilyForm(GovukForm):
    name = forms.CharField(
        label="Family name",
        max_length=120,
        help_text="Usually the main surname, for example Carter family",
        error_messages={"required": "Enter family name"},
    )

    def __init__(self, *args, teams=None, **kwargs):
        super().__init__(*args, **kwargs)
        if teams is not None:
            self.fields["team"] = forms.ModelChoiceField(
                label="Team",
                queryset=teams,
                empty_label="Choose a team",
                error_messages={"required": "Select a team"},
            )


class PersonForm(GovukForm):
    first_name = forms.CharField(
        label="First name", max_length=100, error_messages={"required": "Enter first name"}
    )
    middle_names = forms.CharField(label="Middle names", max_length=100, required=False)
    last_name = forms.CharField(
        label="Last name", max_length=100, error_messages={"required": "Enter last name"}
    )
    known_as = forms.CharField(label="Known as", max_length=100, required=False, help_text="If different")
    date_of_birth = GovukDateField(
        label="Date of birth", required=False, allow_future=False, help_text="For example, 27 3 2019"
    )
    expected_date_of_birth = GovukDateField(
        label="Expected date of birth", required=False, help_text="Only for an unborn child"
    )
    sex = forms.ChoiceField(
        label="Sex",
        choices=Sex.choices,
        widget=forms.RadioSelect,
        initial=Sex.UNKNOWN,
        error_messages={"required": "Select the person's sex, or Not known"},
    )
    ethnicity = forms.ChoiceField(
        label="Ethnicity",
        choices=[("", "Choose ethnicity")] + Ethnicity.choices,
        initial=Ethnicity.NOBT,
        error_messages={"required": "Select the person's ethnicity, or Information not yet obtained"},
    )
    disabilities = forms.MultipleChoiceField(
        label="Disabilities", choices=Disability.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    first_language = forms.CharField(label="First language", max_length=60, required=False)
    nhs_number = forms.CharField(label="NHS number", max_length=20, required=False, help_text="10 digits")
    upn = forms.CharField(
        label="Unique pupil number (UPN)", max_length=20, required=False, help_text="13 characters"
    )
    council_id = forms.CharField(label="Council child ID", max_length=20, required=False)
    date_of_death = GovukDateField(label="Date of death", required=False, allow_future=False)

    def clean_nhs_number(self):
        value = normalise_nhs_number(self.cleaned_data["nhs_number"])
        if value and not (len(value) == 10 and value.isascii() and value.isdigit()):
            raise forms.ValidationError("NHS number must be 10 digits")
        if value and not nhs_number_is_valid(value):
            raise forms.ValidationError(
                "NHS number is not valid: check the digits (the last one is a check digit)"
            )
        return value

    def clean_upn(self):
        value = normalise_upn(self.cleaned_data["upn"])
        if value and not upn_is_valid(value):
            raise forms.ValidationError(
                "Unique pupil number must be a check letter followed by 12 characters, "
                "with a correct check letter"
            )
        return value

    def clean_disabilities(self):
        value = self.cleaned_data["disabilities"]
        if Disability.NONE in value and len(value) > 1:
            raise forms.ValidationError("Select 'No disability' or the person's disabilities, not both")
        return value

    def __init__(self, *args, member_type: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self._member_type = member_type

    def chosen_member_type(self) -> str | None:
        """Child or adult: known from the membership when editing, chosen on the form when adding."""
        return self._member_type

    def clean(self):
        cleaned = super().clean()
        born, expected = cleaned.get("date_of_birth"), cleaned.get("expected_date_of_birth")
        died = cleaned.get("date_of_death")
        if born and expected:
            self.add_error(
                "expected_date_of_birth", "Enter a date of birth or an expected date of birth, not both"
            )
        if expected and self.chosen_member_type() == FamilyMember.MemberType.ADULT:
            self.add_error("expected_date_of_birth", "Only an unborn child has an expected date of birth")
        if expected and expected < timezone.localdate() - datetime.timedelta(days=300):
            self.add_error(
                "expected_date_of_birth",
                "Expected date of birth is too far in the past: "
                "if the child has been born, enter their date of birth",
            )
        if died and born and died < born:
            self.add_error("date_of_death", "Date of death must be on or after the date of birth")
        if died and expected and not born:
            self.add_error("date_of_death", "Enter the date of birth before a date of death")
        return cleaned


class NewPersonForm(PersonForm):
    member_type = forms.ChoiceField(
        label="Is this person a child or an adult in the family?",
        choices=FamilyMember.MemberType.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether this person is a child or an adult"},
    )
    field_order = ["member_type"]

    def chosen_member_type(self):
        return self.cleaned_data.get("member_type")

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("member_type") == FamilyMember.MemberType.CHILD
            and not cleaned.get("date_of_birth")
            and not cleaned.get("expected_date_of_birth")
            and "date_of_birth" not in self.errors
            and "expected_date_of_birth" not in self.errors
        ):
            self.add_error(
                "date_of_birth", "Enter the child's date of birth, or an expected date of birth if unborn"
            )
        return cleaned


class RelationshipForm(GovukForm):
    # The labels read as one sentence down the page: "Who … is the … of …".
    person = forms.ChoiceField(
        label="Who", error_messages={"required": "Select who this relationship is about"}
    )
    kind = forms.ChoiceField(
        label="Is the",
        choices=[("", "Choose a relationship")] + Relationship.Kind.choices,
        error_messages={"required": "Select how they are related"},
    )
    relative = forms.ChoiceField(
        label="Of", error_messages={"required": "Select which person they are related to"}
    )
    description = forms.CharField(
        label="Describe the relationship",
        max_length=100,
        required=False,
        error_messages={"max_length": "Description must be 100 characters or fewer"},
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "Choose a person")] + [(str(m.person_id), m.person.full_name) for m in members]
        self.fields["person"].choices = choices
        self.fields["relative"].choices = choices
        self.fields["description"].help_text = "Needed when the relationship is Other"

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("person") and cleaned.get("person") == cleaned.get("relative"):
            self.add_error("relative", "Choose two different people")
        if cleaned.get("kind") == Relationship.Kind.OTHER and not cleaned.get("description", "").strip():
            self.add_error("description", "Describe the relationship")
        return cleaned


class AddressForm(GovukForm):
    line_1 = forms.CharField(
        label="Address line 1",
        max_length=120,
        error_messages={"required": "Enter address line 1, typically the building and street"},
    )
    line_2 = forms.CharField(label="Address line 2", max_length=120, required=False)
    town = forms.CharField(
        label="Town or city", max_length=80, error_messages={"required": "Enter town or city"}
    )
    postcode = forms.CharField(label="Postcode", max_length=10, error_messages={"required": "Enter postcode"})
    moved_in_on = GovukDateField(label="Date moved in", required=False, allow_future=False)
    is_protected = forms.BooleanField(
        label="This is a protected address",
        required=False,
        help_text="For example a refuge or an adoptive placement. Only managers will see it.",
    )

    def clean_postcode(self):
        value = re.sub(r"\s+", " ", self.cleaned_data["postcode"].strip().upper())
        if not postcode_is_valid(value):
            raise forms.ValidationError(POSTCODE_MESSAGE)
        return value


class SearchForm(GovukForm):
    q = forms.CharField(
        label="Search for a person",
        max_length=200,
        help_text="Name, date of birth (for example 27/03/2019), NHS number or council child ID",
        error_messages={"required": "Enter a name, date of birth, NHS number or council child ID"},
    )


class AdultDetailForm(GovukForm):
    topic = forms.ChoiceField(
        label="What is it about?",
        choices=AdultDetail.Topic.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what the detail is about"},
    )
    summary = forms.CharField(
        label="Summary",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Record what is significant for the children's safety, not every contact",
        error_messages={"required": "Enter a summary"},
    )
