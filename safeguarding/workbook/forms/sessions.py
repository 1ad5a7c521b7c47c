"""Forms for recording a session and flagging a significant event, and the sessions list's filter.

The family's people are passed in by the view (the current children and adults); a form made without them
offers no one, and refuses any id it is sent. Rules that need the records (a date before a child's birth,
the journey's own rules for a visit) come back from the services as a ValidationError.
"""

from __future__ import annotations

from django import forms

from safeguarding.core.forms import GovukDateField, GovukForm

from ..models import Session, SignificantEvent

EXAMPLE_DATE = "For example, 27 3 2026"


def _people_choices(people) -> list[tuple[str, str]]:
    return [(str(person.pk), person.full_name) for person in people]


class SessionForm(GovukForm):
    date = GovukDateField(
        label="Date of the session",
        help_text=EXAMPLE_DATE,
        allow_future=False,
        error_messages={"required": "Enter the date of the session"},
    )
    kind = forms.ChoiceField(
        label="Type of session",
        choices=Session.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the type of session",
            "invalid_choice": "Select the type of session from the list",
        },
    )
    participants = forms.MultipleChoiceField(
        label="Who took part",
        help_text="Select everyone who took part. For a child, also say if they were seen alone.",
        choices=(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Select who took part",
            "invalid_choice": "Select only people who are in the family now",
            "invalid_list": "Select who took part",
        },
    )
    seen_alone = forms.MultipleChoiceField(
        label="Seen alone",
        required=False,
        choices=(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": "Select seen alone only for children who took part",
            "invalid_list": "Select seen alone only for children who took part",
        },
    )
    module = forms.ChoiceField(
        label="Module worked on (optional)",
        help_text="Only if you worked on a module of the programme with a parent",
        required=False,
        choices=(("", "No module"),),
        error_messages={"invalid_choice": "Select a module from the list"},
    )
    note = forms.CharField(
        label="Note (optional)",
        help_text="One line: what the session was for or what came of it",
        required=False,
        max_length=Session._meta.get_field("note").max_length,
    )

    def __init__(self, *args, children=(), adults=(), modules=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.children = list(children)
        self.adults = list(adults)
        self.fields["participants"].choices = _people_choices([*self.children, *self.adults])
        self.fields["seen_alone"].choices = _people_choices(self.children)
        self.fields["module"].choices = [("", "No module"), *((str(m.pk), m.name) for m in modules)]
        self.fields["note"].error_messages["max_length"] = (
            f"The note must be {self.fields['note'].max_length} characters or fewer"
        )

    def child_rows(self):
        """Each child's box and their seen-alone box, for the template (bound fields' subwidgets)."""
        took_part = {str(v) for v in (self["participants"].value() or [])}
        alone = {str(v) for v in (self["seen_alone"].value() or [])}
        options = {option.data["value"]: option for option in self["participants"]}
        alone_options = {option.data["value"]: option for option in self["seen_alone"]}
        return [
            {
                "person": child,
                "option": options[str(child.pk)],
                "alone": alone_options[str(child.pk)],
                "checked": str(child.pk) in took_part,
                "alone_checked": str(child.pk) in alone,
            }
            for child in self.children
        ]

    def adult_rows(self):
        took_part = {str(v) for v in (self["participants"].value() or [])}
        options = {option.data["value"]: option for option in self["participants"]}
        return [
            {"person": adult, "option": options[str(adult.pk)], "checked": str(adult.pk) in took_part}
            for adult in self.adults
        ]


class SignificantEventForm(GovukForm):
    date = GovukDateField(
        label="Date of the event",
        help_text=EXAMPLE_DATE,
        allow_future=False,
        error_messages={"required": "Enter the date of the event"},
    )
    kind = forms.ChoiceField(
        label="What kind of event was it?",
        choices=SignificantEvent.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select what kind of event it was",
            "invalid_choice": "Select what kind of event it was from the list",
        },
    )
    what_happened = forms.CharField(
        label="What happened",
        help_text="The facts: what happened, where, who told you. The first line shows in the chronology.",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=SignificantEvent._meta.get_field("what_happened").max_length,
        error_messages={"required": "Enter what happened"},
    )
    people = forms.MultipleChoiceField(
        label="Who was involved",
        help_text="An event about the adults only shows in the chronology of every child in the family.",
        choices=(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Select who the event involved",
            "invalid_choice": "Select only people who are in the family now",
            "invalid_list": "Select who the event involved",
        },
    )
    impact = forms.ChoiceField(
        label="Impact on the children",
        choices=SignificantEvent.Impact.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the impact on the children",
            "invalid_choice": "Select the impact on the children from the list",
        },
    )
    impact_on_child = forms.CharField(
        label="What it means for the children (optional)",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=SignificantEvent._meta.get_field("impact_on_child").max_length,
    )

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["people"].choices = _people_choices(people)
        self.fields["what_happened"].error_messages["max_length"] = (
            f"What happened must be {self.fields['what_happened'].max_length} characters or fewer"
        )
        self.fields["impact_on_child"].error_messages["max_length"] = (
            "What it means for the children must be "
            f"{self.fields['impact_on_child'].max_length} characters or fewer"
        )


class SessionFilterForm(GovukForm):
    """Filter the family's sessions by the worker who recorded them."""

    worker = forms.ChoiceField(
        label="Recorded by",
        required=False,
        choices=(("", "Anyone"),),
        error_messages={"invalid_choice": "Select a worker from the list"},
    )

    def __init__(self, *args, workers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worker"].choices = [("", "Anyone"), *((str(w.pk), w.display_name) for w in workers)]
