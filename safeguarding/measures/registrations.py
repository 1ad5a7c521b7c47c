"""What parent measures register with the pages below them (filled in by the measures capability)."""
