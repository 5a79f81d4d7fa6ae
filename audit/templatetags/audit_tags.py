"""Template helpers of the audit screens, and the abnormal-access summary of the home page."""

import json

from django import template
from django.utils import timezone

from kokumin_nenkin.wareki import format_short

register = template.Library()


@register.filter
def audit_time(value) -> str:
    """An aware datetime as local 和暦 date and time: R8.11.26 09:15:03."""
    if not value:
        return ""
    local = timezone.localtime(value)
    return f"{format_short(local.date())} {local:%H:%M:%S}"


@register.filter
def details_text(details) -> str:
    if not details:
        return ""
    return json.dumps(details, ensure_ascii=False, sort_keys=True)


@register.inclusion_tag("audit/_summary.html")
def abnormal_summary(days: int = 7):
    """Counts only (no names, no persons): the home page of 監査担当. Counted in SQL
    (`abnormal.summary_counts`); that the auditor saw them is itself recorded."""
    from audit.abnormal import KIND_LABELS, summary_counts
    from audit.models import Action
    from audit.services import record

    counts = summary_counts(days)
    total = sum(counts.values())
    record(Action.VIEW, details={"画面": "異常アクセスの概要", "日数": days, "件数": counts})
    labelled = [(label, counts[kind]) for kind, label in KIND_LABELS.items()]
    return {"days": days, "total": total, "labelled_counts": labelled}
