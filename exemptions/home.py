"""This app's block of the home page (registered from `ExemptionsConfig.ready()`)."""

from kokumin_nenkin.accounts.models import Role
from kokumin_nenkin.home import HomeSummary, register_summary

RENEWALS_ORDER = 200


def _for_supervisor(user) -> bool:
    return user.role == Role.SUPERVISOR


def register_summaries() -> None:
    register_summary(
        HomeSummary(
            code="exemptions.renewals",
            title="継続申請",
            order=RENEWALS_ORDER,
            template_name="exemptions/_home_renewals.html",
            shown_to=_for_supervisor,
            context=lambda user: {},  # a link only: the work list counts when opened
        )
    )
