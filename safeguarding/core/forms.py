"""GOV.UK Design System form rendering and the fields our forms share.

Every form in the system renders through these templates, so each one gets the GOV.UK error summary,
field-level messages and accessible markup without any view doing anything special.
"""

import datetime

from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils import timezone

# Django's own "This field is required.": a field still saying it has no message written for it.
DJANGO_REQUIRED = forms.Field.default_error_messages["required"]


class GovukFormRenderer(DjangoTemplates):
    form_template_name = "govuk/form.html"
    field_template_name = "govuk/field.html"


class GovukDateWidget(forms.Widget):
    """The GOV.UK date input: separate day, month and year boxes (people type dates, not pick them)."""

    template_name = "govuk/date_widget.html"
    parts = ("day", "month", "year")

    def value_from_datadict(self, data, files, name):
        return {part: (data.get(f"{name}_{part}") or "").strip() for part in self.parts}

    def value_omitted_from_data(self, data, files, name):
        return not any(f"{name}_{part}" in data for part in self.parts)

    def id_for_label(self, id_):
        return f"{id_}_day" if id_ else id_

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if isinstance(value, datetime.date):
            value = {"day": str(value.day), "month": str(value.month), "year": str(value.year)}
        value = value if isinstance(value, dict) else {}
        context["widget"]["parts"] = [
            {
                "part": part,
                "label": part.capitalize(),
                "value": value.get(part, ""),
                "width": 4 if part == "year" else 2,
            }
            for part in self.parts
        ]
        return context


class GovukDateField(forms.Field):
    """A date typed as day, month and year, with the GOV.UK error messages for each way it can be wrong."""

    widget = GovukDateWidget

    def __init__(self, *, allow_future: bool = True, **kwargs):
        self.allow_future = allow_future
        super().__init__(**kwargs)

    def to_python(self, value):
        if not value or not any(value.values()):
            return None
        label = (self.label or "Date").capitalize()
        missing = [part for part in GovukDateWidget.parts if not value.get(part)]
        if missing:
            raise forms.ValidationError(f"{label} must include a {' and '.join(missing)}", code="incomplete")
        try:
            day, month, year = (int(value[p]) for p in GovukDateWidget.parts)
        except (TypeError, ValueError):
            raise forms.ValidationError(f"{label} must be a real date", code="invalid") from None
        if not 1000 <= year <= 9999:
            raise forms.ValidationError(f"{label} must include a year with 4 numbers", code="invalid")
        try:
            return datetime.date(year, month, day)
        except (ValueError, OverflowError):
            raise forms.ValidationError(f"{label} must be a real date", code="invalid") from None

    def validate(self, value):
        if value is None and self.required:
            # A date's label names it ("Date of birth"), so "Enter date of birth" reads as GOV.UK's does; a
            # form may still write its own (error_messages={"required": ...}).
            written = self.error_messages.get("required")
            message = written if written != DJANGO_REQUIRED else f"Enter {(self.label or 'the date').lower()}"
            raise forms.ValidationError(message, code="required")
        if value and not self.allow_future and value > timezone.localdate():
            raise forms.ValidationError(f"{(self.label or 'Date').capitalize()} must be today or in the past")


class GovukForm(forms.Form):
    """A form whose errors read like GOV.UK ones. Each required field says what to do in its own words,
    written where the field is declared: error_messages={"required": "Select whether this person is a
    child or an adult"}. Messages are not made from labels: a label is often a question ("Is this person a
    child or an adult?"), and "Select is this person…" is what that gives (issue #8).
    core/tests/test_form_messages.py submits every form in the project empty and fails on a field
    without a message of its own, or with one made from its label."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        govuk_required_messages(self)


class GovukModelForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        govuk_required_messages(self)


def govuk_required_messages(form: forms.BaseForm) -> None:
    """The GOV.UK messages no form needs to write: how long a text may be. A required field's message is
    the form's to write (see GovukForm)."""
    for field in form.fields.values():
        if (
            isinstance(field, forms.CharField)
            and field.max_length
            and "max_length" not in field.error_messages
        ):
            # "Reason must be 1000 characters or fewer"; a question as a label cannot start a sentence.
            label = str(field.label or "")
            subject = label if label and not label.rstrip().endswith("?") else "The answer"
            field.error_messages["max_length"] = f"{subject} must be {field.max_length} characters or fewer"


def add_service_errors(form: forms.BaseForm, error) -> None:
    """Show a service's ValidationError on the form: against its field where there is one, else at the top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def form_data(request):
    """The data to bind a page's form to: what was posted, or, on the first visit after signing in again,
    what the user had typed when their session timed out (kept by accounts.middleware.IdleSessionMiddleware).

    Views call this instead of `request.POST or None`. Restored data is only shown, never saved: the view
    saves on POST alone, and the page carries a banner asking the user to check it and save again.
    """
    if request.method == "POST":
        return request.POST or None
    restored = getattr(request, "restored_form_data", None)
    if restored is not None:
        request.form_restored = True
    return restored
