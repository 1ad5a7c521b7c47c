"""Forms for chapters, addenda and closing a cycle."""

from __future__ import annotations

from django import forms

from safeguarding.allocation.models import ADULT_PRACTITIONER_CASE_ROLES, CaseRole
from safeguarding.core.forms import GovukDateField, GovukForm

from ..models import CHAPTER_SECTIONS, Chapter

# The prompts under each section, in the words of the worker's role (hint text). Council social work roles
# write about the children; the adults' practitioners about the adult and what it means for the children.
SOCIAL_WORK_PROMPTS = {
    "work_done": (
        "The sessions and visits below are filled in from what you recorded. Add what you did beyond them."
    ),
    "what_changed": (
        "For the children and in the family since last cycle. Significant events are listed for you."
    ),
    "meaning_for_children": "What each child's day-to-day life is like now, and whether they are safer.",
    "worries": "What could happen to the children if nothing changes.",
    "working_well": "Strengths and safety: what the family and network are doing that helps.",
    "parents_words": "What the parents said, in their words, about the worries and what they want.",
    "next_steps": "What you will do before the next supervision. This opens your next chapter.",
}
ADULT_PROMPTS = {
    "work_done": (
        "Your sessions with this adult are filled in from what you recorded. Add what you worked on."
    ),
    "what_changed": "In the adult's drug or alcohol use, mental health, abusive behaviour or safety.",
    "meaning_for_children": "How the change (or no change) in this adult affects the children's safety.",
    "worries": "Risks you see: relapse, escalation, disengagement.",
    "working_well": "Motivation, engagement, what the adult is doing well.",
    "parents_words": "What the adult said about their goals and their readiness to change.",
    "next_steps": "What you and the adult will work on next cycle. This opens your next chapter.",
}


def prompts_for(case_role: str) -> dict[str, str]:
    return ADULT_PROMPTS if case_role in ADULT_PRACTITIONER_CASE_ROLES else SOCIAL_WORK_PROMPTS


class ChapterForm(GovukForm):
    """Every section of every part of one chapter, as `part-<id>-<section>` fields; none is required (a
    worker may leave a section empty) and each holds up to 10,000 characters."""

    version = forms.IntegerField(
        widget=forms.HiddenInput,
        error_messages={
            "required": "The form is out of date. Open your chapter again",
            "invalid": "The form is out of date. Open your chapter again",
        },
    )

    def __init__(self, *args, chapter: Chapter, **kwargs):
        super().__init__(*args, **kwargs)
        prompts = prompts_for(chapter.case_role)
        self.part_fields = []
        for part in chapter.parts.all():
            names = []
            for section, label in CHAPTER_SECTIONS:
                name = f"part-{part.pk}-{section}"
                self.fields[name] = forms.CharField(
                    label=label,
                    required=False,
                    max_length=10000,
                    strip=False,
                    help_text=prompts[section],
                    widget=forms.Textarea(attrs={"rows": 5, "class": "govuk-textarea"}),
                    error_messages={"max_length": f"{label} must be 10,000 characters or fewer"},
                )
                names.append(name)
            self.part_fields.append((part, [self[name] for name in names]))


class AddendumForm(GovukForm):
    part = forms.ChoiceField(
        label="Which part of your chapter is it about?",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select which part of your chapter the addendum is about",
            "invalid_choice": "Select which part of your chapter the addendum is about",
        },
    )
    text = forms.CharField(
        label="Addendum",
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Enter the addendum"},
    )
    reason = forms.CharField(
        label="Why are you adding to the chapter now?",
        max_length=500,
        help_text="For example, information that came to light after the supervision",
        error_messages={
            "required": "Enter why you are adding to the chapter after its cycle closed",
            "max_length": "The reason must be 500 characters or fewer",
        },
    )

    def __init__(self, *args, chapter: Chapter, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["part"].choices = [
            (
                str(part.pk),
                f"About {part.about_person.full_name}" if part.about_person else "About the family",
            )
            for part in chapter.parts.all()
        ]
        if len(self.fields["part"].choices) == 1:
            self.fields["part"].initial = self.fields["part"].choices[0][0]


class CycleCloseForm(GovukForm):
    closed_on = GovukDateField(
        label="Date the cycle closed",
        allow_future=False,
        help_text="Usually the date of the family's group case supervision. For example, 27 3 2026",
        error_messages={"required": "Enter the date the cycle closed"},
    )
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=500,
        help_text="For example, why the cycle is closed by hand rather than at a supervision",
        error_messages={"max_length": "The note must be 500 characters or fewer"},
    )


ROLE_LABELS = dict(CaseRole.choices)
