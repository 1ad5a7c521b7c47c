"""Forms for the assessments compiled from the Workbook and a parent's module work.

The assessment form is built for one assessment: the analysis sections (one per child or parent, then the
family's), each child's factors (the CIN census list, proposals ticked until the social worker confirms),
and a box for each compiled section the writer may read. Made with no assessment (as the form-messages
test makes every form) it has the family's three analysis sections only.
"""

from __future__ import annotations

from django import forms

from safeguarding.core.forms import GovukForm
from safeguarding.journey.forms import FactorsField

from ..models import ModuleWork
from ..selectors.assessments import SECTION_LIMIT
from ..services.assessments import ANALYSIS_LIMIT, FAMILY_ANALYSIS, analysis_fields
from ..services.modules import TEXT_LIMIT


def _textarea(label: str, hint: str, limit: int, rows: int = 6) -> forms.CharField:
    field = forms.CharField(
        label=label,
        help_text=hint,
        required=False,
        max_length=limit,
        widget=forms.Textarea(attrs={"rows": rows, "spellcheck": "true"}),
    )
    field.error_messages["max_length"] = f"{label} must be {limit:,} characters or fewer"
    return field


class AssessmentFactorsField(FactorsField):
    """One child's factors: any of the CIN census list; "No factors identified" excludes the rest."""

    def __init__(self, *, child_name: str, **kwargs):
        super().__init__(label=f"Factors identified for {child_name}", required=False, **kwargs)
        self.child_name = child_name
        self.error_messages["invalid_choice"] = f"Select the factors identified for {child_name} on the list"

    def validate(self, value):
        if self.none_code in value and len(value) > 1:
            raise forms.ValidationError(
                f"Select No factors identified for {self.child_name}, or the factors identified, not both"
            )
        super().validate(value)


class AssessmentForm(GovukForm):
    def __init__(self, *args, assessment=None, section_keys=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.assessment = assessment
        fields = analysis_fields(assessment) if assessment is not None else list(FAMILY_ANALYSIS)
        self.analysis_names = [f.name for f in fields]
        for f in fields:
            self.fields[f.name] = _textarea(f.label, f.hint, ANALYSIS_LIMIT, rows=8)
        self.children = []
        if assessment is not None and assessment.kind == assessment.Kind.INTEGRATED:
            for child in assessment.compiled.get("children", []):
                name = f"factors_{child['n']}"
                self.fields[name] = AssessmentFactorsField(child_name=child["name"])
                self.children.append((child, name))
        self.section_names = []
        if assessment is not None:
            for item in assessment.compiled.get("sections", []):
                if item["key"] in section_keys:
                    self.fields[item["key"]] = _textarea(
                        item["heading"], item.get("note", ""), SECTION_LIMIT, rows=10
                    )
                    self.section_names.append(item["key"])

    @property
    def text_names(self) -> list[str]:
        return [*self.analysis_names, *self.section_names]

    def analysis_bound(self):
        return [self[name] for name in self.analysis_names]

    def factor_bound(self):
        return [(child, self[name]) for child, name in self.children]

    def section_bound(self):
        return {name: self[name] for name in self.section_names}

    def texts(self) -> dict:
        return {name: self.cleaned_data.get(name) or "" for name in self.text_names}

    def factors(self) -> dict:
        return {child["id"]: list(self.cleaned_data.get(name) or []) for child, name in self.children}


class ReturnForm(GovukForm):
    comments = forms.CharField(
        label="What needs to change",
        help_text="The social worker sees this with the assessment",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Enter what needs to change before you can authorise it"},
    )


class ModuleWorkForm(GovukForm):
    covered = _textarea(
        "What was covered", "The topics and activities you worked through together", TEXT_LIMIT
    )
    reflections = _textarea(
        "The parent's reflections",
        "What the parent said and noticed, in their own words where you can",
        TEXT_LIMIT,
    )
    analysis = _textarea(
        "Your analysis",
        "What this tells you about their parenting and what it means for the children. The parenting "
        "assessment is compiled from it.",
        TEXT_LIMIT,
    )
    state = forms.ChoiceField(
        label="How far has the parent got with this module?",
        choices=ModuleWork.State.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select how far the parent has got with this module",
            "invalid_choice": "Select how far the parent has got with this module",
        },
    )

    text_names = ("covered", "reflections", "analysis")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("state") == ModuleWork.State.COMPLETED and not (cleaned.get("analysis") or "").strip():
            if "analysis" not in self.errors:
                self.add_error("analysis", "Write your analysis before you mark the module completed")
        return cleaned
