"""Tags of the exemptions screens (`|wareki_month` is a builtin of kokumin_nenkin.wareki)."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def may_print_application(context) -> bool:
    from kokumin_nenkin.accounts.roles import perm

    user = context.get("user")
    return bool(user and user.has_perm(perm("print_application")))
