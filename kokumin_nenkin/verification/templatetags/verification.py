"""`{% work_counts user as counts %}`: the work-queue counts on the home page."""

from django import template

from kokumin_nenkin.accounts.roles import perm

from .. import selectors

register = template.Library()


@register.simple_tag
def work_counts(user) -> dict[str, int]:
    counts = {"returned": 0, "mine": 0, "waiting": 0}
    if user.has_perm(perm("enter_entry")):
        counts["mine"] = selectors.my_entries(user).count()
        counts["returned"] = selectors.returned_count(user)
    if user.has_perm(perm("verify_entry")):
        counts["waiting"] = selectors.waiting_for_verification(user).count()
    return counts
