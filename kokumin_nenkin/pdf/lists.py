"""A work list on A4 paper: one way for every list of persons the office prints.

The sheet names the city and office, who printed it and when (和暦 with the time), and its
pages are numbered (css/pdf-base.css). Every person on it gets one print event in their access
history (`record_many`, one round trip); a sheet naming nobody still leaves one print event.
"""

from collections.abc import Iterable

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone

from audit.models import Action
from audit.services import record, record_many

from . import render_pdf


def _distinct(persons: Iterable) -> list:
    seen, unique = set(), []
    for person in persons:
        if person is not None and person.pk not in seen:
            seen.add(person.pk)
            unique.append(person)
    return unique


def list_pdf(
    request,
    *,
    template: str,
    context: dict,
    persons: Iterable,
    sheet: str,
    filename: str,
    count: int,
    office=None,
    title: str = "",
    details: dict | None = None,
) -> HttpResponse:
    """Render `template` (which includes "partials/pdf_list_heading.html") and audit it.

    `sheet` is the 帳票 name the access history shows (and the heading, unless `title` is
    given), `count` the rows printed, `office` the office whose rows these are (None: every
    office), `details` what else the print event says."""
    printed_at = timezone.localtime()
    content = render_pdf(
        template,
        {
            **context,
            "sheet": title or sheet,
            "count": count,
            "city_name": settings.CITY_NAME,
            "list_office": office,
            "printed_by": request.user,
            "printed_by_office": request.user.office,
            "printed_at": printed_at,
        },
        stylesheets=["css/pdf-list.css"],
    )
    event = {"帳票": sheet, "件数": count, **(details or {})}
    if office is not None:
        event["事務所"] = office.name
    listed = _distinct(persons)
    if listed:
        record_many(Action.PRINT, persons=listed, details=event)
    else:
        record(Action.PRINT, details=event)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
