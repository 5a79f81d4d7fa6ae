"""Template filters of the audit screens (formatting only: nothing is read or written here)."""

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
