"""What the Workbook adds to the pages below it: the family page panel, chronology events."""
