"""A child's outstanding statutory deadlines (placeholder: being written)."""


def deadlines_refresh(child_ids) -> int:
    """Rebuild the Deadline rows of these children from their journey records; return rows written."""
    return 0
