"""What group supervision registers with the pages below it (filled in by the supervision capability)."""
