"""Forms for scheduling, the meeting record, sign-off, actions and addenda.

Each form can be made with its data alone (the people and children to choose from default to none), so
core/tests/test_form_messages.py checks every message."""

from __future__ import annotations

from django import forms

from safeguarding.core.forms import GovukDateField, GovukForm

from .models import Attendance, Decision

TEXTAREA = {"rows": 5, "class": "govuk-textarea"}
JUDGEMENTS = [(str(n), str(n)) for n in range(11)]


def _name(user) -> str:
    return user.display_name


class ScheduleForm(GovukForm):
    scheduled_for = GovukDateField(
        label="Date of the group supervision",
        help_text="For example, 27 3 2026",
        error_messages={"required": "Enter the date of the group supervision"},
    )
    chair = forms.ChoiceField(
        label="Who will chair it?",
        help_text="The team manager chairs, or a deputy they name",
        error_messages={
            "required": "Select who will chair the supervision",
            "invalid_choice": "Select who will chair the supervision",
        },
    )
    invitees = forms.MultipleChoiceField(
        label="Who else to invite",
        help_text=(
            "Everyone allocated to the family is invited. Add others, for example a consultant social worker"
        ),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Select people to invite from the list"},
    )

    def __init__(self, *args, chairs=(), others=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.people = {str(u.pk): u for u in [*chairs, *others]}
        self.fields["chair"].choices = [(str(u.pk), _name(u)) for u in chairs]
        self.fields["invitees"].choices = [(str(u.pk), _name(u)) for u in others]

    def clean_chair(self):
        return self.people[self.cleaned_data["chair"]]

    def clean_invitees(self):
        return [self.people[pk] for pk in self.cleaned_data["invitees"]]


class RecordForm(GovukForm):
    """The meeting record: attendance for each person invited, the family's views, a risk analysis per
    child, hypotheses, decisions and up to ACTION_ROWS new actions."""

    ACTION_ROWS = 3

    version = forms.IntegerField(
        widget=forms.HiddenInput,
        error_messages={
            "required": "The form is out of date. Open the record again",
            "invalid": "The form is out of date. Open the record again",
        },
    )
    family_views = forms.CharField(
        label="How the family's views were brought in",
        help_text="What the parents and children said, and how the team heard it",
        required=False,
        max_length=10000,
        strip=False,
        widget=forms.Textarea(attrs=TEXTAREA),
        error_messages={
            "max_length": "How the family's views were brought in must be 10,000 characters or fewer"
        },
    )
    hypotheses = forms.CharField(
        label="Hypotheses the team considered",
        help_text="What might explain what is happening, and what would tell the team which is right",
        required=False,
        max_length=10000,
        strip=False,
        widget=forms.Textarea(attrs=TEXTAREA),
        error_messages={"max_length": "Hypotheses must be 10,000 characters or fewer"},
    )
    decisions = forms.MultipleChoiceField(
        label="Decisions",
        choices=Decision.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Select at least one decision",
            "invalid_choice": "Select decisions from the list",
        },
    )
    decision_other = forms.CharField(
        label="The other decision",
        required=False,
        max_length=500,
        error_messages={"max_length": "The other decision must be 500 characters or fewer"},
    )

    def __init__(self, *args, people=(), children=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.people = list(people)
        self.children = list(children)
        self.attendance_fields = []
        for user in self.people:
            name = f"attendance-{user.pk}"
            self.fields[name] = forms.ChoiceField(
                label=_name(user),
                choices=Attendance.choices,
                widget=forms.RadioSelect,
                error_messages={
                    "required": f"Select whether {_name(user)} attended",
                    "invalid_choice": f"Select whether {_name(user)} attended",
                },
            )
            self.attendance_fields.append(name)
        self.child_fields = []
        for child in self.children:
            names = []
            for field, label, hint in (
                (
                    "worried_about",
                    "What we are worried about",
                    "What could happen to the child if nothing changes",
                ),
                ("working_well", "What is working well", "Strengths and safety around the child"),
                ("needs_to_happen", "What needs to happen", "For the child to be safe enough"),
            ):
                name = f"child-{child.pk}-{field}"
                self.fields[name] = forms.CharField(
                    label=label,
                    help_text=hint,
                    required=False,
                    max_length=10000,
                    strip=False,
                    widget=forms.Textarea(attrs=TEXTAREA),
                    error_messages={"max_length": f"{label} must be 10,000 characters or fewer"},
                )
                names.append(name)
            name = f"child-{child.pk}-safety_judgement"
            self.fields[name] = forms.TypedChoiceField(
                label=f"How safe is {child.first_name} now, from 0 to 10?",
                help_text="0: the child is not safe. 10: safe enough for the case to close",
                choices=JUDGEMENTS,
                coerce=int,
                required=False,
                empty_value=None,
                widget=forms.RadioSelect,
                error_messages={"invalid_choice": "Select a judgement from 0 to 10"},
            )
            names.append(name)
            name = f"child-{child.pk}-reasoning"
            self.fields[name] = forms.CharField(
                label="The team's reasoning",
                help_text="Why the team reached this judgement",
                required=False,
                max_length=10000,
                strip=False,
                widget=forms.Textarea(attrs=TEXTAREA),
                error_messages={"max_length": "The team's reasoning must be 10,000 characters or fewer"},
            )
            names.append(name)
            self.child_fields.append((child, names))
        owners = [("", "Select an owner")] + [(str(u.pk), _name(u)) for u in self.people]
        self.action_fields = []
        for index in range(self.ACTION_ROWS):
            prefix = f"action-{index}-"
            self.fields[prefix + "text"] = forms.CharField(
                label="Action",
                required=False,
                max_length=500,
                error_messages={"max_length": "The action must be 500 characters or fewer"},
            )
            self.fields[prefix + "owner"] = forms.ChoiceField(
                label="Owner",
                choices=owners,
                required=False,
                error_messages={"invalid_choice": "Select an owner for the action from the list"},
            )
            self.fields[prefix + "due_date"] = GovukDateField(
                label="Action due date", required=False, help_text="For example, 27 4 2026"
            )
            self.action_fields.append([prefix + "text", prefix + "owner", prefix + "due_date"])

    # ---- bound fields, for the template --------------------------------------------------------------------
    @property
    def attendance_bound(self):
        return [self[name] for name in self.attendance_fields]

    @property
    def child_bound(self):
        return [(child, [self[name] for name in names]) for child, names in self.child_fields]

    @property
    def action_bound(self):
        return [[self[name] for name in names] for names in self.action_fields]

    # ---- the form's values, for the view -------------------------------------------------------------------
    def text_values(self) -> dict:
        return {name: self.cleaned_data.get(name, "") for name in ("family_views", "hypotheses")}

    def attendance(self) -> dict:
        return {str(u.pk): self.cleaned_data.get(f"attendance-{u.pk}") for u in self.people}

    def analyses(self) -> dict:
        result = {}
        for child, _names in self.child_fields:
            prefix = f"child-{child.pk}-"
            result[child.pk] = {
                field: self.cleaned_data.get(prefix + field)
                if field == "safety_judgement"
                else self.cleaned_data.get(prefix + field, "")
                for field in (
                    "worried_about",
                    "working_well",
                    "needs_to_happen",
                    "safety_judgement",
                    "reasoning",
                )
            }
        return result

    def actions(self) -> list[dict]:
        by_pk = {str(u.pk): u for u in self.people}
        return [
            {
                "text": self.cleaned_data[text].strip(),
                "owner": by_pk[self.cleaned_data[owner]],
                "due_date": self.cleaned_data[due],
            }
            for text, owner, due in self.action_fields
            if self.cleaned_data.get(text, "").strip()
        ]

    def long_text_fields(self) -> list[str]:
        """The fields the autosave keeps as a draft."""
        return [
            "family_views",
            "hypotheses",
            *[n for _c, names in self.child_fields for n in names if not n.endswith("safety_judgement")],
        ]

    def clean(self):
        cleaned = super().clean()
        if (
            Decision.OTHER in (cleaned.get("decisions") or [])
            and not (cleaned.get("decision_other") or "").strip()
        ):
            self.add_error("decision_other", "Describe the other decision")
        for index, (text, owner, due) in enumerate(self.action_fields, start=1):
            if not (cleaned.get(text) or "").strip():
                continue
            if not cleaned.get(owner):
                self.add_error(owner, f"Select an owner for action {index}")
            if not cleaned.get(due) and due not in self.errors:
                self.add_error(due, f"Enter the date action {index} is due")
        return cleaned


class SignOffForm(GovukForm):
    confirm = forms.BooleanField(
        label="I confirm the record is complete and agreed by the team",
        error_messages={"required": "Confirm that the record is complete before signing it off"},
    )


class SupervisionAddendumForm(GovukForm):
    text = forms.CharField(
        label="Addendum",
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": "Enter the addendum",
            "max_length": "The addendum must be 10,000 characters or fewer",
        },
    )
    reason = forms.CharField(
        label="Why are you adding to the record now?",
        max_length=500,
        help_text="For example, information that came to light after the supervision",
        error_messages={
            "required": "Enter why you are adding to the record after it was signed off",
            "max_length": "The reason must be 500 characters or fewer",
        },
    )


class ActionDoneForm(GovukForm):
    outcome = forms.CharField(
        label="What came of it",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "Enter what came of the action",
            "max_length": "The outcome must be 4,000 characters or fewer",
        },
    )
    done_on = GovukDateField(
        label="Date it was done",
        allow_future=False,
        help_text="For example, 27 4 2026",
        error_messages={"required": "Enter the date the action was done"},
    )
