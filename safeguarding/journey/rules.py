"""Entry rules for the child's statutory journey (placeholder: being written)."""


def check(record) -> None:
    """Raise ValidationError({field: message}) if `record` (with its new values set, unsaved) breaks a rule."""
