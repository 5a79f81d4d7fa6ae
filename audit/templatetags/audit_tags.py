"""Template filters of the audit screens (formatting only: nothing is read or written here)."""

from django import template

from kokumin_nenkin.wareki import format_datetime

from ..display import change_rows

register = template.Library()


@register.filter
def audit_time(value) -> str:
    """An aware datetime as local 和暦 date and time: 令和8年11月26日 09:15:03."""
    return format_datetime(value, seconds=True) if value else ""


@register.filter
def changes_list(entry) -> list[tuple[str, str, str]]:
    return change_rows(entry)
