"""What readiness registers with the pages below it (filled in by the readiness capability)."""
