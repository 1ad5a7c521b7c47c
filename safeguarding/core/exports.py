"""CSV downloads that are safe to open in a spreadsheet (the audit log, the outcome figures).

A cell that begins with =, +, - or @ (or a tab or carriage return, which some spreadsheets skip before
reading a formula) is run as a formula by Excel and LibreOffice: a worker's name or a typed reason such as
=HYPERLINK("http://…") would then run on the auditor's machine (CSV injection). Every such cell gets a
leading single quote, which spreadsheets show as text. The full-width forms of those signs are treated the
same way, because some spreadsheets read them as formulas too.
"""

from __future__ import annotations

import csv
import datetime
import decimal
from collections.abc import Iterable, Iterator

from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.text import slugify

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def neutralise(value) -> str:
    if value is None:
        return ""
    if isinstance(value, int | float | decimal.Decimal) and not isinstance(value, bool):
        return str(value)  # a number is never a formula, and -0.5 must stay a number
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S")
    text = str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


class _Echo:
    def write(self, value):
        return value


def csv_response(name: str, header: list[str], rows: Iterable[Iterable]) -> StreamingHttpResponse:
    """Stream rows as a UTF-8 CSV download (with the byte-order mark Excel needs to read it as UTF-8)."""
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield "\ufeff" + writer.writerow([neutralise(cell) for cell in header])
        for row in rows:
            yield writer.writerow([neutralise(cell) for cell in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    filename = f"{slugify(name) or 'download'}-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
