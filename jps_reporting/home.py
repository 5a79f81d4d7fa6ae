"""This app's block of the home page (registered from `JpsReportingConfig.ready()`)."""

from kokumin_nenkin.accounts.models import Role
from kokumin_nenkin.home import HomeSummary, register_summary

SUMMARY_ORDER = 300


def _for_report_clerk(user) -> bool:
    return user.role == Role.REPORT_CLERK


def _summary_context(user) -> dict:
    from .selectors import home_summary

    return home_summary()


def register_summaries() -> None:
    register_summary(
        HomeSummary(
            code="jps_reporting.unreported",
            title="進達",
            order=SUMMARY_ORDER,
            template_name="jps_reporting/_home_summary.html",
            shown_to=_for_report_clerk,
            context=_summary_context,
        )
    )
