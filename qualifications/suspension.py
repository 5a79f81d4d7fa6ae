"""利用停止 in the register: the mark on the person, the intake check, and the reason asked
when the record is opened. Set and lifted only by verified entries of the app that handles
residents' requests (it writes `use_suspended_on` / `use_suspension_allows`)."""

from __future__ import annotations

from kokumin_nenkin.verification.registry import register_intake_check

REFUSED = "この方は利用停止中です（{on}）。利用停止の決定で認められた届書以外は受け付けられません。"


def intake_check(kind, person) -> str:
    if getattr(person, "use_suspended_on", None) is None:
        return ""
    if kind.code in (person.use_suspension_allows or []):
        return ""
    from kokumin_nenkin.wareki import format_date

    return REFUSED.format(on=format_date(person.use_suspended_on))


def register() -> None:
    register_intake_check(intake_check)
