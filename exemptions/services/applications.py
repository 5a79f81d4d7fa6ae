"""申請免除・納付猶予・学生納付特例 (items 16–28): the rules of an application, its creation when
the entry is approved, JPS's decision, the 取消 and the 継続申請.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from kokumin_nenkin.accounts.models import Staff
from kokumin_nenkin.verification.services import VerificationError, entry_submit
from qualifications.models import Person
from qualifications.selectors import categories_by_month

from .. import periods
from ..models import (
    HELD_DECISIONS,
    DecisionStatus,
    ExemptionApplication,
    ProcessingResult,
)
from ..periods import Period
from ..rules import (
    APPLICATION_CLASSES,
    INCOME_EXCLUDED_REASONS,
    ExemptionClass,
    RuleRefused,
    Screening,
)
from ..selectors import (
    household_for,
    screening_for,
)
from .additional import additional_premium_end_for_exemption
from .records import decision_transition, new_latest, record_created


# --- 申請免除・納付猶予・学生納付特例 ---
@dataclass(frozen=True)
class ApplicationCheck:
    """What an application's rules computed: its period, year and the pre-screening."""

    exemption_class: ExemptionClass
    period: Period
    year: int
    screening: Screening


def exemption_application_check(
    *,
    person: Person,
    exemption_class: ExemptionClass | str,
    start: date,
    end: date,
    applied_on: date,
    special_reason: str = "",
    school_name: str = "",
) -> ApplicationCheck:
    """Every rule of an application, without writing: the entry kind calls it when the clerk
    submits and once more when the entry is approved. Raises RuleRefused.

    The 被保険者種別 is that of each month applied for, from the qualification history: a
    person who is 第2号 today may still apply for earlier 第1号 months."""
    exemption_class = ExemptionClass(exemption_class)
    if special_reason not in ("", *INCOME_EXCLUDED_REASONS):
        raise RuleRefused(
            f"特例「{special_reason[:10]}」は選べません（失業・天災）。", field="special_reason"
        )
    period = periods.application_period(exemption_class, start, end, applied_on)
    periods.check_exemption_months(
        categories_by_month(person, period.start, period.end), exemption_class
    )
    if exemption_class == ExemptionClass.POSTPONEMENT:
        periods.check_postponement_age(person.birth_date, period)
    if exemption_class == ExemptionClass.STUDENT and not school_name.strip():
        raise RuleRefused("学生納付特例には学校名が必要です。", field="school_name")
    other = (
        ExemptionApplication.objects.filter(
            person=person,
            decision__in=HELD_DECISIONS,
            start_month__lte=period.end,
            end_month__gte=period.start,
        )
        .order_by("start_month")
        .first()
    )
    if other is not None:
        raise RuleRefused(
            f"期間が重なる{other.get_exemption_class_display()}の申請"
            f"（{Period(other.start_month, other.end_month)}、{other.get_decision_display()}）"
            "が既にあります。"
        )
    year = periods.year_of(exemption_class, period.start)
    household = household_for(person, periods.income_year_for(exemption_class, year))
    screening = screening_for(
        household,
        first_month=period.start,
        student=exemption_class == ExemptionClass.STUDENT,
        special_reason=special_reason,
    )
    return ApplicationCheck(exemption_class, period, year, screening)


@transaction.atomic
def exemption_application_create(
    *,
    person: Person,
    exemption_class: ExemptionClass | str,
    start: date,
    end: date,
    applied_on: date,
    actor: Staff,
    operator: Staff | None = None,
    accept_lower_class: bool = True,
    continuing: bool = False,
    special_reason: str = "",
    school_name: str = "",
    receipt_number: str = "",
    renewal_of: ExemptionApplication | None = None,
    check: ApplicationCheck | None = None,
) -> ExemptionApplication:
    """Write the application an approved entry carries; it waits 審査中 for JPS's decision.

    `check` is what `exemption_application_check` computed at the approval (it runs here
    when not given). `operator` (操作者ID, item 5) is the clerk who took the form in; it
    defaults to `actor`."""
    check = check or exemption_application_check(
        person=person,
        exemption_class=exemption_class,
        start=start,
        end=end,
        applied_on=applied_on,
        special_reason=special_reason,
        school_name=school_name,
    )
    new_latest(ExemptionApplication, person)
    obj = ExemptionApplication.objects.create(
        person=person,
        operator=operator or actor,
        receipt_number=receipt_number,
        period_year=check.year,
        exemption_class=check.exemption_class,
        applied_on=applied_on,
        start_month=check.period.start,
        end_month=check.period.end,
        accept_lower_class=accept_lower_class,
        continuing=continuing,
        special_reason=special_reason,
        school_name=school_name.strip(),
        renewal_of=renewal_of,
        screening_summary="\n".join(check.screening.lines),
    )
    record_created(obj, actor, {"免除区分": check.exemption_class.label, "期間": str(check.period)})
    return obj


def _inside(period: Period | None, outer: Period, what: str, outer_name: str = "申請期間") -> None:
    if period is None:
        return
    if period.start > period.end:
        raise RuleRefused(f"{what}の開始が終了より後になっています。")
    if period.start < outer.start or period.end > outer.end:
        raise RuleRefused(f"{what}（{period}）が{outer_name}（{outer}）の外にあります。")


@transaction.atomic
def exemption_record_decision(
    *,
    application: ExemptionApplication,
    result: ProcessingResult | str,
    actor,
    approved: Period | None = None,
    rejected: Period | None = None,
    result_type_code: str = "",
    reason: str = "",
    processed_on: date | None = None,
    decided_class: ExemptionClass | str | None = None,
) -> ExemptionApplication:
    """JPS's decision (items 17, 20, 23–26): 承認, 一部承認 (both periods) or 却下.

    `decided_class`: the 免除区分 JPS granted when it differs from the one applied for (a
    全額免除 application whose applicant accepts a lower class). An approval ends the person's
    付加 for the approved months (DOMAIN_RULES §3) in the same transaction."""
    result = ProcessingResult(result)
    applied = Period(application.start_month, application.end_month)
    if result == ProcessingResult.APPROVED and (approved is None or rejected is not None):
        raise RuleRefused("承認には承認期間のみを指定してください。")
    if result == ProcessingResult.REJECTED and (rejected is None or approved is not None):
        raise RuleRefused("却下には却下期間のみを指定してください。")
    if result == ProcessingResult.PARTLY_APPROVED and (approved is None or rejected is None):
        raise RuleRefused("一部承認には承認期間と却下期間の両方が必要です。")
    if result not in (
        ProcessingResult.APPROVED,
        ProcessingResult.REJECTED,
        ProcessingResult.PARTLY_APPROVED,
    ):
        raise RuleRefused(f"処理結果「{result.label}」は審査結果として登録できません。")
    _inside(approved, applied, "承認期間")
    _inside(rejected, applied, "却下期間")
    if (
        approved
        and rejected
        and not (approved.end < rejected.start or rejected.end < approved.start)
    ):
        raise RuleRefused("承認期間と却下期間が重なっています。")
    changes: dict = {}
    if decided_class is not None and decided_class != application.exemption_class:
        check_decided_class(application, ExemptionClass(decided_class), result)
        changes["exemption_class"] = ExemptionClass(decided_class)
        reason = (
            f"{reason or result.label}（申請: {application.get_exemption_class_display()}、"
            f"決定: {ExemptionClass(decided_class).label}）"
        )
    to = DecisionStatus.REJECTED if result == ProcessingResult.REJECTED else DecisionStatus.APPROVED
    decided = decision_transition(
        application,
        to,
        actor=actor,
        reason=reason or result.label,
        changes={
            **changes,
            "result": result,
            "result_type_code": result_type_code,
            "approved_start": approved.start if approved else None,
            "approved_end": approved.end if approved else None,
            "rejected_start": rejected.start if rejected else None,
            "rejected_end": rejected.end if rejected else None,
            "jps_processed_on": processed_on,
        },
    )
    if approved is not None:
        additional_premium_end_for_exemption(
            person=decided.person,
            period=approved,
            exemption=ExemptionClass(decided.exemption_class),
            actor=actor,
        )
    return decided


def check_decided_class(
    application: ExemptionApplication, decided: ExemptionClass, result: ProcessingResult
) -> None:
    """JPS may grant a lower 申請免除 class than 全額免除 when the applicant accepted it."""
    applied = ExemptionClass(application.exemption_class)
    if (
        applied == ExemptionClass.FULL
        and application.accept_lower_class
        and decided in APPLICATION_CLASSES
        and result != ProcessingResult.REJECTED
    ):
        return
    raise RuleRefused(
        f"免除区分「{decided.label}」は申請（{applied.label}"
        f"{'、他の区分を希望' if application.accept_lower_class else ''}）と合いません。"
    )


def exemption_revoke_check(*, application: ExemptionApplication, period: Period) -> None:
    """The rules of a 取消 (申請 or 職権), without writing."""
    if application.decision != DecisionStatus.APPROVED:
        raise RuleRefused(
            f"「{application.get_decision_display()}」の申請は取り消せません（承認済みのものだけです）。"
        )
    if application.approved_start is None or application.approved_end is None:
        raise RuleRefused("承認期間のない申請は取り消せません。")
    _inside(
        period, Period(application.approved_start, application.approved_end), "取消期間", "承認期間"
    )


@transaction.atomic
def exemption_revoke(
    *,
    application: ExemptionApplication,
    period: Period,
    actor,
    reason: str,
    applied_on: date | None = None,
    receipt_number: str = "",
    operator=None,
) -> ExemptionApplication:
    """取消 of an approval (on request or after a corrected income): items 27–28.

    `applied_on` is the date of the 免除等取消申請書 (届書種類 16) when there is one."""
    if application.approved_start is None or application.approved_end is None:
        raise RuleRefused("承認期間のない申請は取り消せません。")
    _inside(
        period, Period(application.approved_start, application.approved_end), "取消期間", "承認期間"
    )
    return decision_transition(
        application,
        DecisionStatus.REVOKED,
        actor=actor,
        reason=reason,
        changes={
            "result": ProcessingResult.REVOKED,
            "revoked_start": period.start,
            "revoked_end": period.end,
            "revocation_applied_on": applied_on,
            "revocation_receipt_number": receipt_number,
            **({"operator": operator} if operator is not None else {}),
        },
    )


# --- 継続申請 ---
RENEWABLE_CLASSES = (ExemptionClass.FULL, ExemptionClass.POSTPONEMENT)


def renewal_check(*, previous: ExemptionApplication, year: int, person: Person) -> Period:
    """A 継続申請 renews a 全額免除 or 納付猶予 approved for the year before with 継続 asked
    for, for the whole next 免除年度; returns that period. The application's own rules (期間,
    被保険者種別, 納付猶予 under 50, no overlap) are `exemption_application_check`'s."""
    if previous.person_id != person.pk:
        raise RuleRefused("継続元の申請がこの方のものではありません。")
    if previous.exemption_class not in RENEWABLE_CLASSES:
        raise RuleRefused("継続申請ができるのは全額免除と納付猶予だけです。")
    if not previous.continuing:
        raise RuleRefused("継続元の申請で継続申請が希望されていません。")
    if previous.decision != DecisionStatus.APPROVED:
        raise RuleRefused(
            f"継続元の申請は「{previous.get_decision_display()}」です（承認されたものだけ継続できます）。"
        )
    if previous.period_year != year - 1:
        raise RuleRefused(f"継続元の申請は{year - 1}年度のものではありません。")
    return periods.exemption_year_period(year)


class RenewalRefused(RuleRefused):
    pass


def renewal_entry_submit(*, previous: ExemptionApplication, year: int, applied_on: date, actor):
    """A 継続申請 entry through the two-person verification: the 確認担当 who makes it is its
    maker, so another 確認担当 approves it (maker ≠ checker)."""
    period = periods.exemption_year_period(year)
    payload = {
        "applied_on": applied_on.isoformat(),
        "renewal_of": str(previous.pk),
        "exemption_class": previous.exemption_class,
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
    }
    try:
        with transaction.atomic():
            return entry_submit(
                kind="exemptions.renewal", person=previous.person, payload=payload, actor=actor
            )
    except ValidationError as exc:
        raise RenewalRefused(" ".join(exc.messages)) from None
    except VerificationError as exc:
        raise RenewalRefused(str(exc)) from None
