"""CSV exports that a spreadsheet opens safely (SECURITY.md attack 15).

A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return (or their full-width
forms, which spreadsheet software in Japanese input mode may treat the same way) is read as a
formula by Excel and LibreOffice; so is one starting with `|` (DDE), or with spaces or line
breaks before any of these. Every such cell gets a leading `'`, so it is shown as text.

    from kokumin_nenkin.csv_safety import csv_response
    return csv_response("audit_events.csv", header, rows)

Files are UTF-8 with a BOM (Excel then reads Japanese correctly) and CRLF line ends.
"""

import csv
import io
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote

from django.http import HttpResponse

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
# A pipe starts a DDE call in older spreadsheets; a cell of spaces or line breaks before a
# formula character is still read as a formula once the spreadsheet trims it.
PIPE_PREFIXES = ("|", "｜")
_LEADING_BLANKS = " \u3000\n\r\t"
BOM = "\ufeff"


def neutralise(value: Any) -> str:
    """The text of one cell, with a leading `'` if a spreadsheet would run it as a formula."""
    if value is None:
        return ""
    text = str(value)
    if text.startswith(FORMULA_PREFIXES + PIPE_PREFIXES):
        return "'" + text
    if text.lstrip(_LEADING_BLANKS).startswith(FORMULA_PREFIXES + PIPE_PREFIXES):
        return "'" + text
    return text


def write_rows(stream, rows: Iterable[Iterable[Any]], header: Iterable[Any] | None = None) -> None:
    writer = csv.writer(stream, lineterminator="\r\n")
    if header is not None:
        writer.writerow([neutralise(c) for c in header])
    for row in rows:
        writer.writerow([neutralise(c) for c in row])


def to_csv_text(rows: Iterable[Iterable[Any]], header: Iterable[Any] | None = None) -> str:
    """The whole file as text, starting with the BOM."""
    buffer = io.StringIO()
    buffer.write(BOM)
    write_rows(buffer, rows, header)
    return buffer.getvalue()


def csv_response(
    filename: str, header: Iterable[Any], rows: Iterable[Iterable[Any]]
) -> HttpResponse:
    """A download response; `filename` may be Japanese (RFC 6266 filename*)."""
    response = HttpResponse(
        to_csv_text(rows, header).encode("utf-8"), content_type="text/csv; charset=utf-8"
    )
    ascii_name = filename.encode("ascii", "ignore").decode() or "export.csv"
    response["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    )
    response["Cache-Control"] = "no-store"
    return response
