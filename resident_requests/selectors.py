"""Reads: the open requests with their deadlines, overdue first."""

from __future__ import annotations

from datetime import date

from django.db.models import Case, DateField, F, IntegerField, Q, Value, When
from django.db.models.functions import Coalesce

from .models import RequestKind, ResidentRequest


def inquiries(*, start: date | None, end: date | None, staff_id: int | None):
    """問合せ by 受付日 range and by the staff member who took them, newest first."""
    rows = ResidentRequest.objects.filter(kind=RequestKind.INQUIRY).select_related(
        "person", "taken_by", "office"
    )
    if start:
        rows = rows.filter(received_on__gte=start)
    if end:
        rows = rows.filter(received_on__lte=end)
    if staff_id:
        rows = rows.filter(taken_by_id=staff_id)
    return rows.order_by("-received_on", "-pk")


def open_requests(today: date):
    """Open requests (undecided; an inquiry not closed), overdue first, then by deadline."""
    due = Coalesce("extended_deadline", "deadline", "follow_up_on", output_field=DateField())
    return (
        ResidentRequest.objects.filter(
            Q(decision="", closed=False) & ~Q(kind=RequestKind.INQUIRY)
            | Q(kind=RequestKind.INQUIRY, closed=False)
        )
        .select_related("person", "office")
        .annotate(
            due=due,
            late=Case(
                When(Q(**{"due__lt": today}), then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
        )
        .order_by("late", F("due").asc(nulls_last=True), "received_on", "pk")
    )
