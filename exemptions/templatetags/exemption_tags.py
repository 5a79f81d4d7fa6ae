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


@register.simple_tag
def exemption_kinds() -> list:
    """The 届書 of this app, in form-code order, for the person page's new-entry links."""
    from exemptions.kinds import ALL, RENEWAL

    return [k for k in ALL if k is not RENEWAL]  # 継続申請 comes from the renewal work list


@register.simple_tag(takes_context=True)
def may_print_application(context) -> bool:
    from kokumin_nenkin.accounts.roles import perm

    user = context.get("user")
    return bool(user and user.has_perm(perm("print_application")))
