"""Forms for the child's statutory journey: one per step (steps.STEPS), one per correctable record.

The forms are built from the steps, so a step added to steps.py gets a form with GOV.UK fields and messages:
dates as day, month and year boxes that refuse the future (a statutory event is recorded once it has
happened), short code lists as radios and long ones as a select, Yes or No questions as radios, and the
assessment factors as grouped checkboxes. A form checks what it can see on its own (a required answer, a
real date, an end after its start on the same form); rules that need the child's other records come back
from the service as a ValidationError (see views.step_record).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django import forms
from django.db import models

from safeguarding.core.forms import GovukDateField, GovukForm
from safeguarding.people.identifiers import POSTCODE_MESSAGE, postcode_is_valid

from . import codes
from . import models as journey
from .steps import CORRECTABLE_FIELDS, STEPS, Step

# Short lists read best as radios (all the options in view); longer ones as a select.
MAX_RADIOS = 6


@dataclass(frozen=True)
class Text:
    """What a field says: its label, hint and, for a choice, what to choose ("who made the referral")."""

    label: str
    hint: str = ""
    choose: str = ""
    # For a Yes or No question: "Select yes if …" when it is not answered.
    if_yes: str = ""


EXAMPLE_DATE = "For example, 27 3 2026"

TEXTS: dict[tuple[type[models.Model], str], Text] = {
    (journey.EpisodeOfNeed, "contact_date"): Text(
        "Date of the contact", f"If the council heard of the concern before the referral. {EXAMPLE_DATE}"
    ),
    (journey.EpisodeOfNeed, "referral_date"): Text("Date of the referral", EXAMPLE_DATE),
    (journey.EpisodeOfNeed, "referral_source"): Text(
        "Who made the referral?", choose="who made the referral"
    ),
    (journey.EpisodeOfNeed, "primary_need"): Text(
        "Primary need",
        "The main reason the child needs services. You can add it after the assessment.",
        choose="the primary need",
    ),
    (journey.EpisodeOfNeed, "no_further_action"): Text(
        "Was the decision no further action?",
        "Yes if the referral was closed at the decision, without an assessment or services",
        if_yes="the decision was no further action",
    ),
    (journey.EpisodeOfNeed, "closure_date"): Text("Date the referral was closed"),
    (journey.EpisodeOfNeed, "closure_reason"): Text("Why was it closed?", choose="why it was closed"),
    (journey.Assessment, "start_date"): Text("Date the assessment started", EXAMPLE_DATE),
    (journey.Assessment, "authorised_on"): Text(
        "Date the manager authorised the assessment", "The day the assessment was completed and signed off"
    ),
    (journey.Assessment, "factors"): Text(
        "Factors identified at the assessment",
        "Select all that apply. They are reported in the children in need census.",
    ),
    (journey.Section47Enquiry, "strategy_discussion_date"): Text(
        "Date of the strategy discussion", EXAMPLE_DATE
    ),
    (journey.Section47Enquiry, "start_date"): Text(
        "Date the section 47 enquiry started", "Usually the day of the strategy discussion"
    ),
    (journey.Section47Enquiry, "icpc_date"): Text(
        "Date of the initial child protection conference", "Leave empty if no conference is needed"
    ),
    (journey.Section47Enquiry, "icpc_not_required"): Text(
        "What did the section 47 enquiry lead to?", choose="what the section 47 enquiry led to"
    ),
    (journey.ChildProtectionPlan, "start_date"): Text(
        "Date the plan started", "The date of the initial child protection conference"
    ),
    (journey.ChildProtectionPlan, "initial_category"): Text(
        "Category of abuse", "As decided at the initial conference", choose="the category of abuse"
    ),
    (journey.ChildProtectionPlan, "started_at_transfer_in"): Text(
        "Did the plan start at a transfer-in conference?",
        "Yes if the child moved here while on another council's child protection plan. Leave unanswered "
        "if the plan started at an initial conference here.",
        if_yes="the plan started at a transfer-in conference",
    ),
    (journey.ChildProtectionPlan, "latest_category"): Text(
        "Latest category of abuse",
        "As decided at the latest conference",
        choose="the latest category of abuse",
    ),
    (journey.ChildProtectionPlan, "end_date"): Text("Date the plan ended"),
    (journey.ChildProtectionPlan, "end_reason"): Text("Why did the plan end?", choose="why the plan ended"),
    (journey.ReviewConference, "date"): Text("Date of the review conference", EXAMPLE_DATE),
    (journey.CoreGroupMeeting, "date"): Text("Date of the core group meeting", EXAMPLE_DATE),
    (journey.ChildInNeedPlan, "start_date"): Text("Date the plan started", EXAMPLE_DATE),
    (journey.ChildInNeedPlan, "end_date"): Text("Date the plan ended"),
    (journey.Visit, "date"): Text("Date of the visit", EXAMPLE_DATE),
    (journey.Visit, "child_seen"): Text("Was the child seen?", if_yes="the child was seen"),
    (journey.Visit, "seen_alone"): Text(
        "Was the child seen alone?",
        "Without a parent or carer in the room. Answer only if the child was seen.",
        if_yes="the child was seen alone",
    ),
    (journey.PreProceedings, "legal_planning_meeting_date"): Text(
        "Date of the legal planning meeting", "The meeting that decided to start pre-proceedings"
    ),
    (journey.PreProceedings, "letter_before_proceedings_date"): Text(
        "Date the letter before proceedings was sent", "Leave empty if not sent yet"
    ),
    (journey.PreProceedings, "fgdm_offered_date"): Text(
        "Date family group decision making was offered", "Leave empty if not offered yet"
    ),
    (journey.PreProceedings, "fgdm_held_date"): Text(
        "Date the family group decision making meeting was held", "Leave empty if not held yet"
    ),
    (journey.PreProceedings, "decision_date"): Text("Date of the decision"),
    (journey.PreProceedings, "outcome"): Text("What was decided?", choose="what was decided"),
    (journey.PreProceedingsMeeting, "kind"): Text("Which meeting?", choose="which meeting it was"),
    (journey.PreProceedingsMeeting, "date"): Text("Date of the meeting", EXAMPLE_DATE),
    (journey.CareProceedings, "application_date"): Text("Date the application was issued", EXAMPLE_DATE),
    (journey.CareProceedings, "court"): Text("Court", "For example, Demoborough Family Court"),
    (journey.CareProceedings, "case_number"): Text("Court case number", "If the court has given one"),
    (journey.CareProceedings, "final_order_date"): Text("Date of the final order"),
    (journey.CareProceedings, "final_order"): Text("Final order", choose="the final order"),
    (journey.CourtHearing, "kind"): Text("Which hearing?", choose="which hearing it was"),
    (journey.CourtHearing, "date"): Text("Date of the hearing", EXAMPLE_DATE),
    (journey.LookedAfterEpisode, "start_date"): Text(
        "Date the episode started", "The day the child became looked after, or the day of the change"
    ),
    (journey.LookedAfterEpisode, "reason_new_episode"): Text(
        "Why does a new episode start?",
        "A change of placement or legal status ends the current episode on the same day",
        choose="why a new episode starts",
    ),
    (journey.LookedAfterEpisode, "legal_status"): Text("Legal status", choose="the legal status"),
    (journey.LookedAfterEpisode, "category_of_need"): Text("Category of need", choose="the category of need"),
    (journey.LookedAfterEpisode, "placement_type"): Text("Placement type", choose="the placement type"),
    (journey.LookedAfterEpisode, "placement_provider"): Text(
        "Placement provider",
        "Leave unselected for a temporary move (T0 to T4) or other placement (Z1). For placed with parents "
        "(P1), unselected means the parents.",
        choose="the placement provider",
    ),
    (journey.LookedAfterEpisode, "placement_postcode"): Text(
        "Postcode of the placement", "Leave empty if not known"
    ),
    (journey.LookedAfterEpisode, "end_date"): Text("Date the episode ended"),
    (journey.LookedAfterEpisode, "reason_ceased"): Text(
        "Why did the episode end?", choose="why the episode ended"
    ),
    (journey.LookedAfterReview, "date"): Text("Date of the review", EXAMPLE_DATE),
    (journey.LookedAfterReview, "participation"): Text(
        "How did the child take part?", choose="how the child took part"
    ),
    (journey.MissingEpisode, "kind"): Text("Was the child missing or away?", choose="missing or away"),
    (journey.MissingEpisode, "start_date"): Text("Date they went missing", EXAMPLE_DATE),
    (journey.MissingEpisode, "end_date"): Text(
        "Date they came back", "Leave empty if they have not come back"
    ),
}

# Yes or No questions whose answers are not plain Yes and No: (label for False, label for True).
BOOLEAN_CHOICES = {
    (journey.Section47Enquiry, "icpc_not_required"): (
        "An initial child protection conference",
        "No conference: the enquiry found the child is not at continuing risk of significant harm",
    ),
}
# A start and end on one record, where both are on one form: the end cannot come before the start.
DATE_ORDER = (
    ("contact_date", "referral_date"),
    ("referral_date", "closure_date"),
    ("start_date", "authorised_on"),
    ("strategy_discussion_date", "icpc_date"),
    ("start_date", "end_date"),
    ("legal_planning_meeting_date", "decision_date"),
    ("application_date", "final_order_date"),
)
# An end date and its reason: one without the other is half a fact.
ENDS_WITH_REASON = (
    ("closure_date", "closure_reason"),
    ("end_date", "end_reason"),
    ("end_date", "reason_ceased"),
    ("decision_date", "outcome"),
    ("final_order_date", "final_order"),
)
# Fields a step asks for without requiring: whether a child was seen alone only applies if they were seen.
NOT_REQUIRED = {(journey.Visit, "seen_alone"), (journey.ChildProtectionPlan, "started_at_transfer_in")}


def text_for(model, field: str) -> Text:
    text = TEXTS.get((model, field))
    if text is None:
        verbose = str(model._meta.get_field(field).verbose_name)
        text = Text(verbose[:1].upper() + verbose[1:], choose=verbose)
    return text


def label_for(model, field: str) -> str:
    return text_for(model, field).label


# How a recorded value is headed where it is shown rather than asked for, if not by its question.
DISPLAY_LABELS = {(journey.Section47Enquiry, "icpc_not_required"): "No conference needed"}


def display_label_for(model, field: str) -> str:
    return DISPLAY_LABELS.get((model, field)) or label_for(model, field)


class FactorsField(forms.MultipleChoiceField):
    """The CIN census assessment factors, with the parents' problems that Family Safeguarding's adult
    workers take on shown first, and "No factors identified" apart, as an answer that excludes the rest."""

    parent_codes = codes.PARENT_FACTORS
    none_code = codes.NO_FACTORS
    required_message = "Select the factors identified at the assessment, or select No factors identified"

    def __init__(self, **kwargs):
        rest = [
            c for c in codes.ASSESSMENT_FACTORS if c not in codes.PARENT_FACTORS and c != codes.NO_FACTORS
        ]
        order = [*codes.PARENT_FACTORS, *rest, codes.NO_FACTORS]
        super().__init__(
            choices=[(code, f"{codes.ASSESSMENT_FACTORS[code]} ({code})") for code in order],
            widget=forms.CheckboxSelectMultiple,
            template_name="journey/_factors_field.html",
            **kwargs,
        )
        self.error_messages["required"] = self.required_message
        self.error_messages["invalid_choice"] = "Select factors from the list"

    def validate(self, value):
        super().validate(value)
        if self.none_code in value and len(value) > 1:
            raise forms.ValidationError("Select No factors identified, or the factors identified, not both")


def _boolean_field(model, name: str, text: Text, *, required: bool) -> forms.Field:
    # Yes first, as GOV.UK asks; a question of its own (BOOLEAN_CHOICES) lists its answers in its order.
    if (model, name) in BOOLEAN_CHOICES:
        false_label, true_label = BOOLEAN_CHOICES[(model, name)]
        choices = [("false", false_label), ("true", true_label)]
    else:
        choices = [("true", "Yes"), ("false", "No")]
    field = forms.TypedChoiceField(
        label=text.label,
        help_text=text.hint,
        choices=choices,
        coerce=lambda value: value == "true",
        empty_value=None,
        widget=forms.RadioSelect,
        required=required,
    )
    field.error_messages["invalid_choice"] = "Select one of the options"
    return field


def _choice_field(model_field, text: Text, *, required: bool) -> forms.Field:
    choices = list(model_field.choices)
    if len(choices) <= MAX_RADIOS:
        field = forms.ChoiceField(
            label=text.label,
            help_text=text.hint,
            choices=choices,
            widget=forms.RadioSelect,
            required=required,
        )
    else:
        field = forms.ChoiceField(
            label=text.label,
            help_text=text.hint,
            choices=[("", f"Choose {text.choose}"), *choices],
            required=required,
        )
    field.error_messages["invalid_choice"] = f"Select {text.choose}"
    return field


def form_field(model, name: str, *, required: bool) -> forms.Field:
    """The form field for one field of a journey record, with its words from TEXTS."""
    model_field = model._meta.get_field(name)
    text = text_for(model, name)
    if name == "factors":
        return FactorsField(label=text.label, help_text=text.hint, required=required)
    if isinstance(model_field, models.DateField):
        return GovukDateField(label=text.label, help_text=text.hint, required=required, allow_future=False)
    if isinstance(model_field, models.BooleanField):
        return _boolean_field(model, name, text, required=required)
    if model_field.choices:
        return _choice_field(model_field, text, required=required)
    return forms.CharField(
        label=text.label, help_text=text.hint, max_length=model_field.max_length, required=required
    )


def _required_message(model, name: str, field: forms.Field) -> str:
    text = text_for(model, name)
    if isinstance(field, forms.TypedChoiceField) and text.if_yes:
        return f"Select yes if {text.if_yes}"
    if isinstance(field, forms.ChoiceField) and not isinstance(field, FactorsField):
        return f"Select {text.choose}"
    return f"Enter the {text.label[:1].lower()}{text.label[1:]}"


class JourneyForm(GovukForm):
    """A form for some of a journey record's fields (`model`, `field_names`)."""

    model: type[models.Model]
    field_names: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.field_names:
            field = self.fields[name]
            if isinstance(field, FactorsField):
                field.error_messages["required"] = field.required_message
            elif not isinstance(field, GovukDateField):
                field.error_messages["required"] = _required_message(self.model, name, field)

    def clean_placement_postcode(self):
        value = re.sub(r"\s+", " ", self.cleaned_data["placement_postcode"].strip().upper())
        if value and not postcode_is_valid(value):
            raise forms.ValidationError(POSTCODE_MESSAGE)
        return value

    def clean(self):
        cleaned = super().clean()
        present = [name for name in self.field_names if name in self.fields]
        for start, end in DATE_ORDER:
            if start in present and end in present and cleaned.get(start) and cleaned.get(end):
                self._check_order(start, end, cleaned[start], cleaned[end])
        for day, reason in ENDS_WITH_REASON:
            if day in present and reason in present and day not in self.errors and reason not in self.errors:
                if cleaned.get(day) and not cleaned.get(reason):
                    self.add_error(reason, _required_message(self.model, reason, self.fields[reason]))
                elif cleaned.get(reason) and not cleaned.get(day):
                    self.add_error(day, _required_message(self.model, day, self.fields[day]))
        if "seen_alone" in present:
            self._check_seen_alone(cleaned)
        if "icpc_not_required" in present:
            self._check_conference(cleaned)
        if "factors" in present and "authorised_on" in present and "factors" not in self.errors:
            if cleaned.get("authorised_on") and not cleaned.get("factors"):
                self.add_error("factors", self.fields["factors"].error_messages["required"])
        return cleaned

    def _check_order(self, start: str, end: str, start_day, end_day) -> None:
        if self.model is journey.ChildProtectionPlan and end == "end_date" and end_day == start_day:
            # DfE CIN census validation: a child protection plan cannot start and end on the same day.
            self.add_error(end, "A child protection plan cannot start and end on the same day")
        elif end_day < start_day:
            start_label = label_for(self.model, start)
            self.add_error(
                end,
                f"{label_for(self.model, end)} must be the same as or after the "
                f"{start_label[:1].lower()}{start_label[1:]}",
            )

    def _check_seen_alone(self, cleaned) -> None:
        seen, alone = cleaned.get("child_seen"), cleaned.get("seen_alone")
        if seen is True and alone is None and "seen_alone" not in self.errors:
            self.add_error("seen_alone", "Select yes if the child was seen alone")
        elif seen is False and alone:
            self.add_error("seen_alone", "A child who was not seen cannot have been seen alone: select No")
        elif seen is False:
            cleaned["seen_alone"] = False

    def _check_conference(self, cleaned) -> None:
        not_required, held_on = cleaned.get("icpc_not_required"), cleaned.get("icpc_date")
        if not_required and held_on:
            self.add_error("icpc_date", "Leave the conference date empty if no conference is needed")
        elif (
            not_required is False
            and not held_on
            and "icpc_date" not in self.errors
            and self.conference_needed
        ):
            self.add_error("icpc_date", "Enter the date of the initial child protection conference")

    # Recording the conference needs its date; a correction may leave an enquiry waiting for one.
    conference_needed = False

    def values(self) -> dict:
        """What the service is given: the form's fields, by record field name."""
        return {name: self.cleaned_data.get(name) for name in self.field_names}


class StepForm(JourneyForm):
    step: Step


class CorrectForm(JourneyForm):
    reason = forms.CharField(
        label="Why are you correcting this?",
        help_text="For example, the date was typed wrongly. Everyone who can see the record can read this.",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].error_messages["required"] = "Enter why you are correcting this"


def _is_required(model, name: str, step: Step | None) -> bool:
    if (model, name) in NOT_REQUIRED:
        return False
    if step is not None and name in step.required:
        return True
    return not model._meta.get_field(name).blank


def _step_form(step: Step) -> type[StepForm]:
    names = step.fields
    if "icpc_not_required" in names:  # ask what happened before asking for its date
        names = ("icpc_not_required", *(n for n in names if n != "icpc_not_required"))
    fields = {
        name: form_field(step.model, name, required=_is_required(step.model, name, step)) for name in names
    }
    if step.slug == "assessment-authorisation":
        fields["factors"].required = True
    attrs = {**fields, "step": step, "model": step.model, "field_names": names, "conference_needed": True}
    return type(f"{step.model.__name__}{step.slug.title().replace('-', '')}Form", (StepForm,), attrs)


def _correct_form(model) -> type[CorrectForm]:
    names = CORRECTABLE_FIELDS[model]
    if "icpc_not_required" in names:
        names = ("icpc_not_required", *(n for n in names if n != "icpc_not_required"))
    fields = {name: form_field(model, name, required=_is_required(model, name, None)) for name in names}
    attrs = {**fields, "model": model, "field_names": names}
    form = type(f"{model.__name__}CorrectForm", (CorrectForm,), attrs)
    form.base_fields = {**{n: form.base_fields[n] for n in names}, "reason": form.base_fields["reason"]}
    return form


STEP_FORMS: dict[str, type[StepForm]] = {step.slug: _step_form(step) for step in STEPS}
CORRECT_FORMS: dict[type[models.Model], type[CorrectForm]] = {
    model: _correct_form(model) for model in CORRECTABLE_FIELDS
}


def initial_from(record, names) -> dict:
    """A record's values as a form's initial data (a Yes or No answer as its radio's value)."""
    initial = {}
    for name in names:
        value = getattr(record, name)
        if isinstance(value, bool):
            value = "true" if value else "false"
        initial[name] = value
    return initial


class ChronologyFilterForm(GovukForm):
    """Which kinds of event to show: a GET form, so a filtered chronology can be bookmarked and works
    without JavaScript."""

    kind = forms.MultipleChoiceField(
        label="Show only",
        help_text="Select the kinds of event to show, or none to show everything",
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, kinds: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = list(kinds.items())
        self.fields["kind"].error_messages["invalid_choice"] = "Select kinds of event from the list"
