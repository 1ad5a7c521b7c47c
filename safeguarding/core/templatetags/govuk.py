from django import forms, template

from safeguarding.core.forms import GovukDateWidget

register = template.Library()


@register.filter
def widget_kind(bound_field) -> str:
    widget = bound_field.field.widget
    if isinstance(widget, GovukDateWidget):
        return "date"
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.HiddenInput):
        return "hidden"
    return "input"


@register.simple_tag
def govuk_widget(bound_field, kind: str):
    """Render the field's own widget with the GOV.UK classes and the ids its hint and error describe."""
    classes = {"input": "govuk-input", "select": "govuk-select", "textarea": "govuk-textarea"}.get(kind, "")
    if bound_field.errors and classes:
        classes += f" {classes}--error"
    extra = bound_field.field.widget.attrs.get("class", "")
    described_by = []
    if bound_field.help_text:
        described_by.append(f"{bound_field.auto_id}-hint")
    if bound_field.errors:
        described_by.append(f"{bound_field.auto_id}-error")
    attrs = {"class": f"{classes} {extra}".strip()}
    if kind == "date" and bound_field.errors:
        attrs["has_error"] = True
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    return bound_field.as_widget(attrs=attrs)


@register.filter
def error_anchor(bound_field) -> str:
    """Where the error summary's link should move focus: the first box of a date, the first option of a
    choice."""
    kind = widget_kind(bound_field)
    if kind == "date":
        return f"{bound_field.auto_id}_day"
    if kind in ("radios", "checkboxes"):
        return f"{bound_field.auto_id}_0"
    return bound_field.auto_id
