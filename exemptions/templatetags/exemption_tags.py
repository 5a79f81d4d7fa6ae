"""`|wareki_month`: a stored month (the 1st of it) shown as 令和6年7月."""

from datetime import date

from django import template

from kokumin_nenkin import wareki

register = template.Library()


@register.filter
def wareki_month(value: date | None) -> str:
    if not value:
        return ""
    return wareki.format_month(value.year, value.month)
