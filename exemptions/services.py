"""Every write of the exemptions app: one function per action, each in one transaction with its
audit event. The verified intake (two-person verification) calls the `*_create` / `*_apply`
functions when an entry is verified; the JPS report and results import call
`record_transition` and `exemption_record_decision`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db import IntegrityError, transaction

from audit.models import Action
from audit.services import record
from kokumin_nenkin import wareki
from kokumin_nenkin.imports import CsvInput, LineError
from kokumin_nenkin.imports.models import ImportedFile
from qualifications.models import Person, Sex

from . import periods
from .formats import F4_COLUMNS, F4_HEADER, F4_KIND, F4_UNIQUE
from .models import (
    TRANSITIONS,
    AdditionalPremium,
    ExemptionApplication,
    Income,
    LifecycleRecord,
    MaternityExemption,
    Pregnancy,
    ProcessingResult,
    Status,
    StatusChange,
    StatutoryExemption,
    StatutoryReason,
)
from .periods import Period, month_of
from .rules import (
    APPLICATION_CLASSES,
    INCOME_EXCLUDED_REASONS,
    ExemptionClass,
    RuleRefused,
    Screening,
)
from .selectors import (
    LIVE_STATUSES,
    active_exemption_classes,
    current_additional_premium,
    household_for,
    open_statutory_exemption,
    screening_for,
)


class TransitionRefused(RuleRefused):
    pass


# --- the lifecycle ----------------------------------------------------------------------------
@transaction.atomic
def record_transition[R: LifecycleRecord](
    record_: R, to: Status | str, *, actor, reason: str = "", changes: dict | None = None
) -> R:
    """Move a record to `to` if `TRANSITIONS` allows it; write a history row and an audit event.

    The row is locked first, so two clerks cannot both move it from the same state."""
    model = type(record_)
    locked = model.objects.select_for_update().get(pk=record_.pk)
    to = Status(to)
    current = Status(locked.status)
    if to not in TRANSITIONS[current]:
        allowed = "・".join(Status(s).label for s in sorted(TRANSITIONS[current])) or "なし"
        raise TransitionRefused(
            f"「{current.label}」から「{to.label}」には変更できません"
            f"（変更できる状態: {allowed}）。"
        )
    for name, value in (changes or {}).items():
        setattr(locked, name, value)
    locked.status = to
    locked.save()
    StatusChange.objects.create(
        record_type=model._meta.label,
        record_id=locked.pk,
        person_id=locked.person_id,
        from_status=current,
        to_status=to,
        actor=actor,
        reason=reason[:200],
    )
    record(
        Action.UPDATE,
        person=locked.person,
        target=locked,
        details={"状態": f"{current.label}→{to.label}", "理由": reason[:200]},
        actor=actor,
    )
    return locked


def _new_latest(model: type[LifecycleRecord], person: Person) -> None:
    """The new row becomes the person's latest (最新フラグ): the previous one steps down."""
    model.objects.select_for_update().filter(person=person, is_latest=True).update(is_latest=False)


def _created(obj: LifecycleRecord, actor, details: dict) -> None:
    record(Action.CREATE, person=obj.person, target=obj, details=details, actor=actor)


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
    category: str,
    special_reason: str = "",
    school_name: str = "",
) -> ApplicationCheck:
    """Every rule of an application, without writing: the intake form calls it as the clerk
    types, the create service again when the verified entry is applied. Raises RuleRefused.

    `category` is the person's 被保険者種別 code for the period (qualification history)."""
    exemption_class = ExemptionClass(exemption_class)
    if special_reason not in ("", *INCOME_EXCLUDED_REASONS):
        raise RuleRefused(f"特例「{special_reason[:10]}」は選べません（失業・天災）。")
    periods.check_exemption_category(category, exemption_class)
    period = periods.application_period(exemption_class, start, end, applied_on)
    if exemption_class == ExemptionClass.POSTPONEMENT:
        periods.check_postponement_age(person.birth_date, period)
    if exemption_class == ExemptionClass.STUDENT and not school_name.strip():
        raise RuleRefused("学生納付特例には学校名が必要です。")
    other = (
        ExemptionApplication.objects.filter(
            person=person,
            status__in=LIVE_STATUSES,
            start_month__lte=period.end,
            end_month__gte=period.start,
        )
        .order_by("start_month")
        .first()
    )
    if other is not None:
        raise RuleRefused(
            f"期間が重なる{other.get_exemption_class_display()}の申請"
            f"（{Period(other.start_month, other.end_month)}、{other.get_status_display()}）"
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
    category: str,
    actor,
    operator=None,
    accept_lower_class: bool = True,
    continuing: bool = False,
    special_reason: str = "",
    school_name: str = "",
    receipt_number: str = "",
    renewal_of: ExemptionApplication | None = None,
) -> ExemptionApplication:
    """Register an application (受付) after `exemption_application_check`.

    `operator` (操作者ID, item 5) is the clerk who took the form in; it defaults to `actor`."""
    check = exemption_application_check(
        person=person,
        exemption_class=exemption_class,
        start=start,
        end=end,
        applied_on=applied_on,
        category=category,
        special_reason=special_reason,
        school_name=school_name,
    )
    _new_latest(ExemptionApplication, person)
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
    _created(obj, actor, {"免除区分": check.exemption_class.label, "期間": str(check.period)})
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
        _check_decided_class(application, ExemptionClass(decided_class), result)
        changes["exemption_class"] = ExemptionClass(decided_class)
        reason = (
            f"{reason or result.label}（申請: {application.get_exemption_class_display()}、"
            f"決定: {ExemptionClass(decided_class).label}）"
        )
    to = Status.REJECTED if result == ProcessingResult.REJECTED else Status.APPROVED
    decided = record_transition(
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


def _check_decided_class(
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


@transaction.atomic
def exemption_revoke_check(*, application: ExemptionApplication, period: Period) -> None:
    """The rules of a 取消 (申請 or 職権), without writing."""
    if application.status != Status.APPROVED:
        raise RuleRefused(
            f"「{application.get_status_display()}」の申請は取り消せません（承認済みのものだけです）。"
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
    return record_transition(
        application,
        Status.REVOKED,
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
    if previous.status != Status.APPROVED:
        raise RuleRefused(
            f"継続元の申請は「{previous.get_status_display()}」です（承認されたものだけ継続できます）。"
        )
    if previous.period_year != year - 1:
        raise RuleRefused(f"継続元の申請は{year - 1}年度のものではありません。")
    return periods.exemption_year_period(year)


class RenewalRefused(RuleRefused):
    pass


def renewal_entry_submit(*, previous: ExemptionApplication, year: int, applied_on: date, actor):
    """A 継続申請 entry through the two-person verification: the 確認担当 who makes it is its
    maker, so another 確認担当 approves it (maker ≠ checker)."""
    from django.core.exceptions import ValidationError

    from kokumin_nenkin.verification.services import VerificationError, entry_submit

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


# --- 法定免除 ---
def statutory_exemption_check(
    *, applies_on: date, category: str, person: Person | None = None
) -> date:
    """The rules of a 該当届, without writing; returns the first exempt month.

    With `person`: refused while a 法定免除 without its 消滅 is on file."""
    periods.check_exemption_category(category, ExemptionClass.STATUTORY)
    if person is not None:
        current = open_statutory_exemption(person)
        if current is not None:
            raise RuleRefused(
                f"既に法定免除（{current.get_reason_display()}、"
                f"{periods.show(current.start_month)}から）が登録されています。"
                "先に消滅届を受け付けてください。"
            )
    return periods.statutory_start(applies_on)


@transaction.atomic
def statutory_exemption_create(
    *,
    person: Person,
    reason: StatutoryReason | str,
    applies_on: date,
    notified_on: date,
    category: str,
    actor,
    operator=None,
    receipt_number: str = "",
) -> StatutoryExemption:
    """免除事由該当届: exempt from the month before the reason arose (items 29, 31, 34)."""
    start = statutory_exemption_check(applies_on=applies_on, category=category, person=person)
    _new_latest(StatutoryExemption, person)
    obj = StatutoryExemption.objects.create(
        person=person,
        operator=operator or actor,
        receipt_number=receipt_number,
        reason=StatutoryReason(reason),
        applies_on=applies_on,
        start_month=start,
        notified_on=notified_on,
    )
    _created(obj, actor, {"免除理由": obj.get_reason_display(), "始期": periods.show(start)})
    return obj


def statutory_exemption_end_check(*, person: Person, ended_on: date) -> StatutoryExemption:
    """The rules of a 消滅届, without writing; returns the 法定免除 it ends."""
    current = open_statutory_exemption(person)
    if current is None:
        raise RuleRefused("消滅させる法定免除（消滅届の出ていないもの）がありません。")
    periods.statutory_period(current.applies_on, ended_on)
    return current


@transaction.atomic
def statutory_exemption_end(
    *,
    exemption: StatutoryExemption,
    ended_on: date,
    end_reason: str,
    actor,
    operator=None,
    notified_on: date | None = None,
) -> StatutoryExemption:
    """免除事由消滅届: exempt until the month the reason ends (items 30, 32, 35)."""
    locked = StatutoryExemption.objects.select_for_update().get(pk=exemption.pk)
    if locked.status in (Status.REJECTED, Status.REVOKED):
        raise RuleRefused(f"「{locked.get_status_display()}」の法定免除は消滅にできません。")
    if locked.ended_on is not None:
        raise RuleRefused("この法定免除は既に消滅しています。")
    period = periods.statutory_period(locked.applies_on, ended_on)
    locked.ended_on = ended_on
    locked.end_reason = end_reason
    locked.end_month = period.end
    locked.end_notified_on = notified_on
    locked.operator = operator or actor
    locked.save()
    record(
        Action.UPDATE,
        person=locked.person,
        target=locked,
        details={"消滅": periods.show(period.end), "理由": end_reason[:80]},
        actor=actor,
    )
    return locked


# --- 産前産後免除 ---
def maternity_exemption_check(
    *, person: Person, due_date: date, multiple: bool, notified_on: date, category: str
) -> Period:
    """The rules of a 産前産後 notice, without writing; returns the computed period."""
    periods.check_exemption_category(category, ExemptionClass.MATERNITY)
    if person.sex != Sex.FEMALE:
        raise RuleRefused("産前産後期間の免除は出産する被保険者本人が届け出るものです。")
    periods.check_maternity_notification(due_date, notified_on)
    period = periods.maternity_period(due_date, multiple)
    other = (
        MaternityExemption.objects.filter(
            person=person,
            status__in=LIVE_STATUSES,
            start_month__lte=period.end,
            end_month__gte=period.start,
        )
        .order_by("start_month")
        .first()
    )
    if other is not None:
        raise RuleRefused(
            f"期間が重なる産前産後免除（{Period(other.start_month, other.end_month)}、"
            f"{other.get_status_display()}）が既にあります。"
        )
    return period


@transaction.atomic
def maternity_exemption_create(
    *,
    person: Person,
    due_date: date,
    multiple: bool,
    notified_on: date,
    category: str,
    actor,
    operator=None,
    receipt_number: str = "",
) -> MaternityExemption:
    """産前産後期間の免除届: 4 (or 6) months computed from the due date (items 36–39)."""
    period = maternity_exemption_check(
        person=person,
        due_date=due_date,
        multiple=multiple,
        notified_on=notified_on,
        category=category,
    )
    _new_latest(MaternityExemption, person)
    obj = MaternityExemption.objects.create(
        person=person,
        operator=operator or actor,
        receipt_number=receipt_number,
        due_date=due_date,
        pregnancy=Pregnancy.MULTIPLE if multiple else Pregnancy.SINGLE,
        start_month=period.start,
        end_month=period.end,
        notified_on=notified_on,
    )
    _created(obj, actor, {"期間": str(period)})
    return obj


# --- 付加保険料 ---
def additional_premium_check(
    *, person: Person, applied_on: date, category: str, national_pension_fund: bool = False
) -> date:
    """The rules of a 付加 申出, without writing; returns the first month it applies to."""
    start = periods.additional_premium_start(applied_on)
    periods.check_additional_premium(
        category=category,
        birth=person.birth_date,
        applied_on=applied_on,
        active_exemptions=active_exemption_classes(person, start),
        national_pension_fund=national_pension_fund,
    )
    if AdditionalPremium.objects.filter(
        person=person,
        status__in=(Status.RECEIVED, Status.VERIFIED, Status.REPORTED, Status.APPROVED),
        ceased_on__isnull=True,
    ).exists():
        raise RuleRefused("既に付加保険料の申出があります（辞退の届出が先に必要です）。")
    return start


@transaction.atomic
def additional_premium_apply(
    *,
    person: Person,
    applied_on: date,
    category: str,
    actor,
    operator=None,
    join_reason: str = "",
    national_pension_fund: bool = False,
    receipt_number: str = "",
) -> AdditionalPremium:
    """付加保険料納付申出: from the month of the 申出, never retroactive (items 40–42)."""
    additional_premium_check(
        person=person,
        applied_on=applied_on,
        category=category,
        national_pension_fund=national_pension_fund,
    )
    _new_latest(AdditionalPremium, person)
    obj = AdditionalPremium.objects.create(
        person=person,
        operator=operator or actor,
        receipt_number=receipt_number,
        applied_on=applied_on,
        join_reason=join_reason,
        applies_on=applied_on,
    )
    _created(obj, actor, {"付加": "申出", "始期": periods.show(month_of(applied_on))})
    return obj


@transaction.atomic
def additional_premium_record_decision(
    *, premium: AdditionalPremium, result: ProcessingResult | str, actor, reason: str = ""
) -> AdditionalPremium:
    """JPS's result for a 付加 申出 (item 46): 承認 or 却下."""
    result = ProcessingResult(result)
    targets = {
        ProcessingResult.APPROVED: Status.APPROVED,
        ProcessingResult.REJECTED: Status.REJECTED,
    }
    if result not in targets:
        raise RuleRefused(f"処理結果「{result.label}」は付加保険料の審査結果として登録できません。")
    return record_transition(
        premium,
        targets[result],
        actor=actor,
        reason=reason or result.label,
        changes={"result": result},
    )


def additional_premium_withdraw_check(*, person: Person, applied_on: date) -> AdditionalPremium:
    """The rules of a 辞退 申出, without writing; returns the 付加 申出 it ends."""
    current = current_additional_premium(person)
    if current is None:
        raise RuleRefused("辞退できる付加保険料の申出がありません。")
    if applied_on < current.applied_on:
        raise RuleRefused(
            "辞退の申出日が付加保険料の申出日"
            f"（{wareki.format_date(current.applied_on)}）より前になっています。"
        )
    return current


@transaction.atomic
def additional_premium_withdraw(
    *, premium: AdditionalPremium, applied_on: date, reason: str, actor, operator=None
) -> AdditionalPremium:
    """付加保険料納付辞退申出 (items 43–45): it ceases from the day of the 辞退 申出 [GK]."""
    locked = AdditionalPremium.objects.select_for_update().get(pk=premium.pk)
    if locked.status in (Status.REJECTED, Status.REVOKED) or locked.ceased_on is not None:
        raise RuleRefused("この付加保険料の申出は既に終了しています。")
    if applied_on < locked.applied_on:
        raise RuleRefused("辞退の申出日が付加保険料の申出日より前になっています。")
    locked.withdrawal_applied_on = applied_on
    locked.withdrawal_reason = reason
    locked.ceased_on = applied_on
    locked.operator = operator or actor
    locked.save()
    record(
        Action.UPDATE,
        person=locked.person,
        target=locked,
        details={"付加": "辞退", "非該当": periods.show(month_of(applied_on))},
        actor=actor,
    )
    return locked


#: Exemptions that end a 付加 when JPS approves them (DOMAIN_RULES §3: not with 法定免除,
#: 申請免除, 学生納付特例, 納付猶予). 産前産後 is not among them: its months count as paid.
ENDS_ADDITIONAL_PREMIUM = frozenset(
    {
        *APPLICATION_CLASSES,
        ExemptionClass.POSTPONEMENT,
        ExemptionClass.STUDENT,
        ExemptionClass.STATUTORY,
    }
)


@transaction.atomic
def additional_premium_end_for_exemption(
    *,
    person: Person,
    period: Period | None,
    exemption: ExemptionClass,
    actor,
    start: date | None = None,
) -> AdditionalPremium | None:
    """An approved exemption ends the person's 付加 in force (items 44–45): 付加非該当年月日 =
    the first exempt month (or the 付加's own first day when the exemption covers it), 理由 =
    the exemption. `period` None with `start`: an exemption with no end yet (法定免除)."""
    if exemption not in ENDS_ADDITIONAL_PREMIUM:
        return None
    first = period.start if period is not None else start
    last = period.end if period is not None else None
    premium = (
        AdditionalPremium.objects.select_for_update()
        .filter(person=person, status__in=LIVE_STATUSES, ceased_on__isnull=True)
        .order_by("-applies_on", "-id")
        .first()
    )
    if premium is None or first is None:
        return None
    if last is not None and last < month_of(premium.applies_on):
        return None  # the exemption ended before the 付加 began
    ceased = max(first, premium.applies_on)
    premium.ceased_on = ceased
    premium.withdrawal_reason = f"{exemption.label}の承認による非該当"
    premium.save(update_fields=["ceased_on", "withdrawal_reason", "updated_at"])
    record(
        Action.UPDATE,
        person=person,
        target=premium,
        details={
            "付加": "非該当（免除の承認）",
            "免除区分": exemption.label,
            "非該当": wareki.format_date(ceased),
        },
        actor=actor,
    )
    return premium


# --- 日本年金機構の処理結果 (F2) -------------------------------------------------------------
@dataclass(frozen=True)
class JpsResult:
    """One line of JPS's results file as the exemption records read it."""

    process_kind: str  # 02 免除等審査結果, 03 付加保険料審査結果, 04 返戻
    result: str  # 処理結果 1–5 (04 → 5)
    exemption_class: str = ""
    approved: Period | None = None
    rejected: Period | None = None
    result_type_code: str = ""
    processed_on: date | None = None
    note: str = ""


JPS_REASON = "日本年金機構の処理結果"
_RESULT_NEEDS = {
    ProcessingResult.APPROVED: Status.REPORTED,
    ProcessingResult.REJECTED: Status.REPORTED,
    ProcessingResult.PARTLY_APPROVED: Status.REPORTED,
    ProcessingResult.RETURNED: Status.REPORTED,
    ProcessingResult.REVOKED: Status.APPROVED,
}
_RECORD_CLASS = {
    StatutoryExemption: ExemptionClass.STATUTORY,
    MaternityExemption: ExemptionClass.MATERNITY,
}


def _plan(record_: LifecycleRecord, created: bool, r: JpsResult):
    """What a result does to a record, or RuleRefused when it contradicts the record; returns a
    function of the actor that writes it, and a word for the counts."""
    result = ProcessingResult("5" if r.process_kind == "04" else r.result)
    current = Status(record_.status)
    if not created:
        return _plan_notice(record_, result)
    model = type(record_)
    if r.process_kind == "02":
        expected = _RECORD_CLASS.get(model)
        if model is AdditionalPremium:
            raise RuleRefused("付加保険料の申出には免除等審査結果（02）は反映できません。")
        if expected is not None and r.exemption_class != expected:
            raise RuleRefused(
                f"免除区分「{r.exemption_class}」は記録（{expected.label}）と合いません。"
            )
        if model is ExemptionApplication and r.exemption_class != record_.exemption_class:
            _check_decided_class(record_, ExemptionClass(r.exemption_class), result)
    if r.process_kind == "03" and model is not AdditionalPremium:
        raise RuleRefused("付加保険料審査結果（03）は付加保険料の申出にだけ反映できます。")
    needed = _RESULT_NEEDS[result]
    if current != needed:
        raise RuleRefused(
            f"記録は「{current.label}」です。処理結果「{result.label}」は"
            f"「{needed.label}」の記録にだけ反映できます。"
        )
    processed = {"jps_processed_on": r.processed_on}
    if result == ProcessingResult.RETURNED:
        note = r.note[:200]
        return "returned", lambda actor: record_transition(
            record_,
            Status.RETURNED,
            actor=actor,
            reason=f"{JPS_REASON}（返戻）{note}",
            changes={
                "return_reason": note,
                **processed,
                **({"result": result} if hasattr(record_, "result") else {}),
            },
        )
    if model is ExemptionApplication:
        if result == ProcessingResult.REVOKED:
            period = r.rejected or Period(record_.approved_start, record_.approved_end)
            exemption_revoke_check(application=record_, period=period)
            return "revoked", lambda actor: exemption_revoke(
                application=record_, period=period, actor=actor, reason=f"{JPS_REASON}（取消）"
            )
        return "decided", lambda actor: exemption_record_decision(
            application=record_,
            result=result,
            actor=actor,
            approved=r.approved,
            rejected=r.rejected,
            result_type_code=r.result_type_code,
            reason=JPS_REASON,
            processed_on=r.processed_on,
            decided_class=r.exemption_class or None,
        )
    if result == ProcessingResult.PARTLY_APPROVED:
        raise RuleRefused(f"{model._meta.verbose_name}に一部承認は反映できません。")
    if model is AdditionalPremium:
        changes = {"result": result, **processed}
        if result == ProcessingResult.REVOKED:
            changes |= {
                "ceased_on": r.processed_on or record_.applies_on,
                "withdrawal_reason": "日本年金機構による取消",
            }
        to = {
            ProcessingResult.APPROVED: Status.APPROVED,
            ProcessingResult.REJECTED: Status.REJECTED,
            ProcessingResult.REVOKED: Status.REVOKED,
        }[result]
        return "decided", lambda actor: record_transition(
            record_, to, actor=actor, reason=f"{JPS_REASON}（{result.label}）", changes=changes
        )
    if (
        result == ProcessingResult.APPROVED
        and r.approved is not None
        and (
            r.approved.start != record_.start_month
            or (model is MaternityExemption and r.approved.end != record_.end_month)
        )
    ):
        raise RuleRefused(
            f"承認期間（{r.approved}）が記録の免除期間"
            f"（{periods.show(record_.start_month)}〜）と違います。"
        )
    changes = dict(processed)
    if result == ProcessingResult.REVOKED and model is StatutoryExemption:
        changes["revoked_on"] = r.processed_on
    to = {
        ProcessingResult.APPROVED: Status.APPROVED,
        ProcessingResult.REJECTED: Status.REJECTED,
        ProcessingResult.REVOKED: Status.REVOKED,
    }[result]

    def write(actor):
        done = record_transition(
            record_, to, actor=actor, reason=f"{JPS_REASON}（{result.label}）", changes=changes
        )
        if to == Status.APPROVED and model is StatutoryExemption:
            additional_premium_end_for_exemption(
                person=done.person,
                period=None,
                start=done.start_month,
                exemption=ExemptionClass.STATUTORY,
                actor=actor,
            )
        return done

    return "decided", write


def _plan_notice(record_: LifecycleRecord, result: ProcessingResult):
    """A 届書 that changed a record already on file (取消申請 16, 消滅届 14, 辞退 22): the
    change was made at verification; JPS's 承認 (取消 for a 取消申請) confirms it, a 返戻 is
    kept on the report item; anything else is for the clerk to follow up."""
    if result == ProcessingResult.RETURNED:
        return "returned_notice", lambda actor: None
    confirms = {
        ExemptionApplication: (ProcessingResult.REVOKED, record_.status == Status.REVOKED),
        StatutoryExemption: (ProcessingResult.APPROVED, getattr(record_, "ended_on", None)),
        AdditionalPremium: (ProcessingResult.APPROVED, getattr(record_, "ceased_on", None)),
    }[type(record_)]
    if result == confirms[0] and confirms[1]:

        def confirm(actor):
            record(
                Action.UPDATE,
                person=record_.person,
                target=record_,
                details={"日本年金機構": f"届出の{result.label}を確認"},
                actor=actor,
            )

        return "confirmed", confirm
    raise RuleRefused(
        "この届書は登録済みの記録を変更したものです。処理結果"
        f"「{result.label}」は自動では反映できません（記録を確認してください）。"
    )


def jps_result_check(*, record_: LifecycleRecord, created: bool, result: JpsResult) -> str:
    """Whether a result fits the record, without writing (the reconciliation screen)."""
    return _plan(record_, created, result)[0]


@transaction.atomic
def jps_result_apply(*, record_: LifecycleRecord, created: bool, result: JpsResult, actor) -> str:
    """Apply a result to a record (locked and read again); RuleRefused if it contradicts it."""
    locked = type(record_).objects.select_for_update().get(pk=record_.pk)
    what, write = _plan(locked, created, result)
    write(actor)
    return what


# --- 所得情報の取込 (F4) ---
@dataclass
class IncomeImportResult:
    errors: list[LineError] = field(default_factory=list)
    error_count: int = 0
    lines: int = 0
    created: int = 0
    updated: int = 0
    filename: str = ""
    encoding: str = ""

    @property
    def ok(self) -> bool:
        return self.error_count == 0


_CHUNK = 2000
_INCOME_FIELDS = (
    "total_income",
    "dependents",
    "dependent_deduction",
    "social_insurance_deduction",
    "disabled",
    "widow_single_parent",
    "public_assistance",
    "source_file",
)


@transaction.atomic
def income_import(
    *, data: bytes, filename: str, actor, encoding: str = "auto"
) -> IncomeImportResult:
    """Take in an F4 file: all or nothing, every error listed by line, once only, audited.

    A person and year already on file is updated (a corrected assessment replaces the old)."""
    reader = CsvInput(
        data,
        filename=filename,
        header=F4_HEADER,
        kind=F4_KIND,
        columns=F4_COLUMNS,
        unique=F4_UNIQUE,
        encoding=encoding,
    )
    rows = list(reader.rows())
    result = IncomeImportResult(
        lines=reader.line_count, filename=reader.filename, encoding=reader.encoding
    )
    numbers = {row["宛名番号"] for _, row in rows}
    persons: dict[str, int] = {}
    number_list = sorted(numbers)
    for i in range(0, len(number_list), _CHUNK):
        persons.update(
            Person.objects.filter(addressee_number__in=number_list[i : i + _CHUNK]).values_list(
                "addressee_number", "pk"
            )
        )
    unknown = [
        LineError(line, "宛名番号", f"宛名番号「{row['宛名番号']}」の住民が登録されていません。")
        for line, row in rows
        if row["宛名番号"] not in persons
    ]
    result.errors = sorted([*reader.errors, *unknown], key=lambda e: e.line or 0)
    result.error_count = reader.error_count + len(unknown)
    if not result.ok:
        return result
    try:
        with transaction.atomic():
            reader.mark_imported(actor)
    except IntegrityError:
        result.errors = [LineError(None, None, "このファイルは既に取り込まれています。")]
        result.error_count = 1
        return result
    imported = ImportedFile.objects.get(kind=F4_KIND, sha256=reader.sha256)
    for i in range(0, len(rows), _CHUNK):
        chunk = rows[i : i + _CHUNK]
        pids = {persons[row["宛名番号"]] for _, row in chunk}
        years = {row["所得年"] for _, row in chunk}
        existing = {
            (inc.person_id, inc.year): inc
            for inc in Income.objects.filter(person_id__in=pids, year__in=years)
        }
        new, changed = [], []
        for _, row in chunk:
            key = (persons[row["宛名番号"]], row["所得年"])
            values = {
                "total_income": row["合計所得金額"],
                "dependents": row["扶養親族等の数"],
                "dependent_deduction": row["扶養親族等控除額"],
                "social_insurance_deduction": row["社会保険料控除額等"],
                "disabled": row["障害者"] == "1",
                "widow_single_parent": row["寡婦ひとり親"],
                "public_assistance": row["生活保護"],
                "source_file": imported,
            }
            if key in existing:
                income = existing[key]
                for name, value in values.items():
                    setattr(income, name, value)
                changed.append(income)
            else:
                new.append(Income(person_id=key[0], year=key[1], **values))
        Income.objects.bulk_create(new)
        Income.objects.bulk_update(changed, _INCOME_FIELDS)
        result.created += len(new)
        result.updated += len(changed)
    # The SHA-256 and file name stay on the ImportedFile row: either can hold a 12-digit run,
    # which the audit writer refuses as 個人番号-like.
    record(
        Action.IMPORT,
        target=imported,
        details={
            "ファイル": "所得情報（F4）",
            "行数": result.lines,
            "新規": result.created,
            "更新": result.updated,
        },
        actor=actor,
    )
    return result
