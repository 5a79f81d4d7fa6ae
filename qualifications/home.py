"""The register's block of the home page: the work lists' counts for the user's office."""

from kokumin_nenkin.accounts.models import Role
from kokumin_nenkin.home import HomeSummary, kept_for_home, register_summary

from .models import WorkList

WORK_LISTS_ORDER = 150


def _shown(user) -> bool:
    return user.role in (Role.COUNTER, Role.SUPERVISOR)


def _context(user) -> dict:
    office = user.office.code if user.office_id else None
    counts = _work_list_counts(office)
    return {"counts": [(w, counts[w.value]) for w in WorkList], "office": office or "all"}


def _work_list_counts(office: str | None) -> dict[str, int]:
    """The lists' counts for the home page: they build every list's rows (several queries, more
    with a full register), so they are kept a minute (`kokumin_nenkin.home.kept_for_home`)."""
    from .worklists import work_list_counts

    return kept_for_home(
        f"qualifications.work_list_counts:{office or 'all'}", lambda: work_list_counts(office)
    )


def register_summaries() -> None:
    register_summary(
        HomeSummary(
            code="qualifications.work_lists",
            title="職権・勧奨一覧",
            order=WORK_LISTS_ORDER,
            template_name="qualifications/_home_work_lists.html",
            shown_to=_shown,
            context=_context,
        )
    )
