from django import template

register = template.Library()


@register.filter
def attr_text(obj, name: str) -> str:
    """One section of a chapter part by its field name (the sections are data: models.CHAPTER_SECTIONS)."""
    return getattr(obj, name, "") or ""
