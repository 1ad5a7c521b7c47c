"""The forms a measure is recorded and corrected with, built from the instrument's definition: each item as
GOV.UK radios (its responses in the definition's order), the date, who answered, and for a DASH the
practitioner's professional judgement."""

from __future__ import annotations

from django import forms

from safeguarding.core.forms import GovukDateField, GovukForm

from .definitions import Instrument
from .models import AnsweredBy
from .services import JUDGEMENT_LIMIT, OUTCOME_LIMIT, REASON_LIMIT

YES_NO = [("yes", "Yes"), ("no", "No")]


class ChooseForm(GovukForm):
    instrument = forms.ChoiceField(
        label="Which questionnaire?",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the questionnaire to record",
            "invalid_choice": "Select the questionnaire to record",
        },
    )

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instrument"].choices = list(choices)


def item_field_name(number: int) -> str:
    return f"item_{number}"


class MeasureForm(GovukForm):
    administered_on = GovukDateField(
        label="Date the questionnaire was completed",
        allow_future=False,
        help_text="For example, 27 3 2026",
        error_messages={"required": "Enter the date the questionnaire was completed"},
    )
    answered_by = forms.ChoiceField(
        label="Who answered the questions?",
        choices=AnsweredBy.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select who answered the questions",
            "invalid_choice": "Select who answered the questions",
        },
    )
    left_unanswered = forms.BooleanField(
        label="Some questions were left unanswered on purpose",
        required=False,
        help_text="For example, the adult chose not to answer. A questionnaire with too many unanswered "
        "questions is kept but not scored, and says why.",
    )

    def __init__(self, *args, instrument: Instrument, **kwargs):
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        for item in instrument.items:
            self.fields[item_field_name(item.number)] = forms.ChoiceField(
                label=f"{item.number}. {item.label}",
                choices=[(str(position), option.label) for position, option in enumerate(item.options)],
                widget=forms.RadioSelect,
                required=False,
                error_messages={"invalid_choice": f"Select one of the answers to question {item.number}"},
            )
        if any(a.kind == "marac" for a in instrument.alerts):
            self.fields["judgement"] = forms.ChoiceField(
                label="Are you referring to MARAC on your professional judgement?",
                help_text="Whatever the count: for example, the adult's fear, or what you know of the abuser",
                choices=YES_NO,
                widget=forms.RadioSelect,
                error_messages={
                    "required": "Select yes if you are referring on your professional judgement",
                    "invalid_choice": "Select yes if you are referring on your professional judgement",
                },
            )
            self.fields["judgement_reason"] = forms.CharField(
                label="If yes, why?",
                required=False,
                max_length=JUDGEMENT_LIMIT,
                widget=forms.Textarea(attrs={"rows": 4}),
                error_messages={"max_length": f"The reason must be {JUDGEMENT_LIMIT:,} characters or fewer"},
            )

        self.order_fields(
            [
                "administered_on",
                "answered_by",
                *(item_field_name(i.number) for i in instrument.items),
                "left_unanswered",
                "judgement",
                "judgement_reason",
            ]
        )

    @property
    def item_fields(self):
        return [self[item_field_name(item.number)] for item in self.instrument.items]

    def clean_left_unanswered(self):
        # A checkbox posts "on"; anything else is a crafted request, refused rather than read as ticked.
        raw = self.data.get("left_unanswered")
        if raw not in (None, "", "on"):
            raise forms.ValidationError("Tick the box only if some questions were left unanswered")
        return self.cleaned_data["left_unanswered"]

    @property
    def has_judgement(self) -> bool:
        return "judgement" in self.fields

    def clean(self):
        cleaned = super().clean()
        missing = [i.number for i in self.instrument.items if not cleaned.get(item_field_name(i.number))]
        answered = len(self.instrument.items) - len(missing)
        if missing and not cleaned.get("left_unanswered"):
            for number in missing:
                self.add_error(
                    item_field_name(number),
                    f"Select an answer to question {number}, or say some questions were left unanswered",
                )
        elif answered == 0 and not any(
            self.has_error(item_field_name(i.number)) for i in self.instrument.items
        ):
            self.add_error(item_field_name(1), "Record the answer to at least one question")
        if self.has_judgement and cleaned.get("judgement") == "yes":
            if not (cleaned.get("judgement_reason") or "").strip():
                self.add_error(
                    "judgement_reason",
                    "Enter why, in your professional judgement, the adult should be referred",
                )
        return cleaned

    def answers(self) -> dict[int, int | None]:
        return {
            item.number: (
                int(self.cleaned_data[item_field_name(item.number)])
                if self.cleaned_data.get(item_field_name(item.number))
                else None
            )
            for item in self.instrument.items
        }

    def values(self) -> dict:
        judgement = self.has_judgement and self.cleaned_data.get("judgement") == "yes"
        return {
            "administered_on": self.cleaned_data["administered_on"],
            "answered_by": self.cleaned_data["answered_by"],
            "answers": self.answers(),
            "judgement": judgement,
            "judgement_reason": self.cleaned_data.get("judgement_reason", "") if judgement else "",
        }


def initial_for(measure, instrument: Instrument) -> dict:
    """A saved measure as the form's initial values (to correct it)."""
    initial = {
        "administered_on": measure.administered_on,
        "answered_by": measure.answered_by,
        "version": measure.version,
        "judgement": "yes" if measure.judgement else "no",
        "judgement_reason": measure.judgement_reason,
    }
    missing = False
    for item in instrument.items:
        chosen = measure.answers.get(str(item.number))
        initial[item_field_name(item.number)] = "" if chosen is None else str(chosen)
        missing = missing or chosen is None
    initial["left_unanswered"] = missing
    return initial


class MeasureCorrectForm(MeasureForm):
    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=0,
        max_value=2**31 - 1,
        error_messages={
            "required": "The form is out of date. Open the measure again",
            "invalid": "The form is out of date. Open the measure again",
            "min_value": "The form is out of date. Open the measure again",
            "max_value": "The form is out of date. Open the measure again",
        },
    )
    reason = forms.CharField(
        label="Why are you correcting the measure?",
        max_length=REASON_LIMIT,
        help_text="For example, question 4's answer was recorded against question 5",
        error_messages={
            "required": "Enter why you are correcting the measure",
            "max_length": f"The reason must be {REASON_LIMIT} characters or fewer",
        },
    )


class AlertCloseForm(GovukForm):
    outcome = forms.CharField(
        label="What was done, and the outcome",
        max_length=OUTCOME_LIMIT,
        help_text="For example, who you spoke to, the safety plan agreed, or the MARAC referral made",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": "Enter what was done and the outcome",
            "max_length": f"The outcome must be {OUTCOME_LIMIT:,} characters or fewer",
        },
    )

    def clean_outcome(self):
        outcome = self.cleaned_data["outcome"]
        if not outcome.strip():
            raise forms.ValidationError("Enter what was done and the outcome")
        return outcome
