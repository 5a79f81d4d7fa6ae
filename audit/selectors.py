"""Reads of the audit log for the auditor's screens."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Model, QuerySet
from django.utils import timezone

from .models import AuditEvent

if TYPE_CHECKING:
    from auditlog.models import LogEntry

    from kokumin_nenkin.accounts.models import Staff


def events(
    *,
    person: Model | None = None,
    actor: Staff | None = None,
    action: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[AuditEvent]:
    """Events matching every given filter, newest first. Dates are local (Asia/Tokyo) days."""
    qs = AuditEvent.objects.select_related("actor", "office")  # persons: lookups.label_events
    if person is not None:
        qs = qs.filter(person_id=person.pk)
    if actor is not None:
        qs = qs.filter(actor=actor)
    if action:
        qs = qs.filter(action=action)
    if date_from is not None:
        qs = qs.filter(created_at__gte=day_start(date_from))
    if date_to is not None:
        qs = qs.filter(created_at__lt=day_start(date_to + dt.timedelta(days=1)))
    return qs.order_by("-chain_position")


def day_start(day: dt.date) -> dt.datetime:
    """Local midnight of a day, aware: range filters stay on the created_at index."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def field_changes(instance: Model, limit: int = 100) -> list[LogEntry]:
    """django-auditlog's field diffs of one object, newest first (個人番号 is never in them)."""
    from auditlog.models import LogEntry

    return list(
        LogEntry.objects.get_for_object(instance).select_related("actor").order_by("-pk")[:limit]
    )


@dataclass(frozen=True)
class AbnormalSummary:
    """The abnormal-access counts of the auditor's home page: counts only, no names."""

    days: int
    counts: dict[str, int]  # by `abnormal.Kind`
    labelled_counts: list[tuple[str, int]]  # (Japanese label, count), in the report's order

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def abnormal_summary(days: int = 7) -> AbnormalSummary:
    """Counted in SQL (`abnormal.summary_counts`). Reading it is an audited view: the caller
    (the home view) records it."""
    from .abnormal import KIND_LABELS, summary_counts

    counts = summary_counts(days)
    labelled = [(label, counts[kind]) for kind, label in KIND_LABELS.items()]
    return AbnormalSummary(days, counts, labelled)


@dataclass(frozen=True)
class DayHeads:
    """The chain on one local day, for the daily audit sheet: how many events, the head at the
    end of the day before, and the first and last event of the day (position and hash)."""

    day: dt.date
    count: int
    before: tuple[int, str] | None
    first: tuple[int, str] | None
    last: tuple[int, str] | None


def day_heads(day: dt.date) -> DayHeads:
    start, end = day_start(day), day_start(day + dt.timedelta(days=1))
    rows = AuditEvent.objects.order_by()
    of_day = rows.filter(created_at__gte=start, created_at__lt=end)
    fields = ("chain_position", "row_hash")
    first = of_day.order_by("chain_position").values_list(*fields).first()
    last = of_day.order_by("-chain_position").values_list(*fields).first()
    before = rows.filter(created_at__lt=start).order_by("-chain_position")
    before_head = before.values_list(*fields).first()
    return DayHeads(day, of_day.count(), before_head, first, last)
