"""Recording and correcting a reading of an adult's readiness to change."""

from __future__ import annotations

from django import forms

from safeguarding.core.forms import GovukDateField, GovukForm

from .models import Behaviour, Stage
from .services import OTHER_LIMIT, REASON_LIMIT, WORDS_LIMIT


def _ruler(label: str, what: str) -> forms.IntegerField:
    message = f"Enter the adult's {what} as a whole number from 0 to 10"
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=10,
        help_text="0 is not at all, 10 is extremely",
        # A text box for numbers, as GOV.UK asks (a number input changes its value on a scroll).
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "class": "govuk-input--width-2", "autocomplete": "off"}
        ),
        error_messages={
            "required": f"Enter the adult's {what} from 0 to 10",
            "invalid": message,
            "min_value": message,
            "max_value": message,
        },
    )


class ReadinessForm(GovukForm):
    recorded_on = GovukDateField(
        label="Date of the conversation",
        allow_future=False,
        help_text="For example, 27 3 2026",
        error_messages={"required": "Enter the date of the conversation"},
    )
    behaviour = forms.ChoiceField(
        label="Which behaviour is the reading about?",
        choices=Behaviour.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the behaviour the reading is about",
            "invalid_choice": "Select the behaviour the reading is about",
        },
    )
    behaviour_other = forms.CharField(
        label="If you selected other, name the behaviour",
        required=False,
        max_length=OTHER_LIMIT,
        help_text="For example, gambling",
        error_messages={"max_length": f"The behaviour must be {OTHER_LIMIT} characters or fewer"},
    )
    importance = _ruler("How important is it to them to change, from 0 to 10?", "importance")
    confidence = _ruler("How confident are they that they can change, from 0 to 10?", "confidence")
    stage = forms.ChoiceField(
        label="Stage of change",
        choices=Stage.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the adult's stage of change",
            "invalid_choice": "Select the adult's stage of change",
        },
    )
    in_their_words = forms.CharField(
        label="What they said, in their own words",
        max_length=WORDS_LIMIT,
        strip=False,
        help_text="Write what the adult said about the change, as they said it",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": "Enter what the adult said, in their own words",
            "max_length": f"What they said must be {WORDS_LIMIT:,} characters or fewer",
        },
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("behaviour") == Behaviour.OTHER and not (cleaned.get("behaviour_other") or "").strip():
            self.add_error("behaviour_other", "Enter the behaviour the reading is about")
        if "in_their_words" in cleaned and not cleaned["in_their_words"].strip():
            self.add_error("in_their_words", "Enter what the adult said, in their own words")
        return cleaned


class ReadinessCorrectForm(ReadinessForm):
    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=0,
        max_value=2**31 - 1,
        error_messages={
            "required": "The form is out of date. Open the reading again",
            "invalid": "The form is out of date. Open the reading again",
            "min_value": "The form is out of date. Open the reading again",
            "max_value": "The form is out of date. Open the reading again",
        },
    )
    reason = forms.CharField(
        label="Why are you correcting the reading?",
        max_length=REASON_LIMIT,
        help_text="For example, the rulers were recorded the wrong way round",
        error_messages={
            "required": "Enter why you are correcting the reading",
            "max_length": f"The reason must be {REASON_LIMIT} characters or fewer",
        },
    )
