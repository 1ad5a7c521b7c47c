"""Writes to the Workbook, one module per part of it; every service is `<entity>_<verb>(*, actor, ...)`,
validates, saves and writes its audit event (naming the family and the people it is about) in one
transaction. Permissions are the views' (policies.WorkbookAccess); services trust their caller on who,
never on what."""
