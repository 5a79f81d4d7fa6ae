"""Template filters, available in every template (TEMPLATES builtins):

{{ person.birth_date|wareki }}        → 昭和55年4月1日
{{ entry.effective_date|wareki_short }} → S55.4.1
{{ entry.created_at|wareki_datetime }} → 令和8年11月30日 08:24 (local time)
"""

from django import template

from . import format_date, format_datetime, format_month, format_short

register = template.Library()


@register.filter
def wareki(value):
    return format_date(value) if value else ""


@register.filter
def wareki_short(value):
    return format_short(value) if value else ""


@register.filter
def wareki_month(value):
    return format_month(value.year, value.month) if value else ""


@register.filter
def wareki_datetime(value):
    return format_datetime(value) if value else ""
