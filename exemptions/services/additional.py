"""付加保険料 (items 40–46): the 申出, the 辞退, JPS's decision, and the end of a 付加 when an
exemption is approved.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction

from audit.models import Action
from audit.services import record
from kokumin_nenkin import wareki
from kokumin_nenkin.accounts.models import Staff
from qualifications.models import Person

from .. import periods
from ..models import (
    HELD_DECISIONS,
    AdditionalPremium,
    DecisionStatus,
    ProcessingResult,
)
from ..periods import Period, month_of
from ..rules import (
    APPLICATION_CLASSES,
    ExemptionClass,
    RuleRefused,
)
from ..selectors import (
    active_exemption_classes,
    current_additional_premium,
)
from .records import decision_transition, new_latest, record_created


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
    if current_additional_premium(person) is not None:
        raise RuleRefused("既に付加保険料の申出があります（辞退の届出が先に必要です）。")
    return start


@transaction.atomic
def additional_premium_apply(
    *,
    person: Person,
    applied_on: date,
    actor: Staff,
    category: str = "",
    operator: Staff | None = None,
    join_reason: str = "",
    national_pension_fund: bool = False,
    receipt_number: str = "",
    check: date | None = None,
) -> AdditionalPremium:
    """付加保険料納付申出: from the month of the 申出, never retroactive (items 40–42).

    `check`: the first month `additional_premium_check` returned at the approval (it runs
    here, with `category`, when not given)."""
    if check is None:
        additional_premium_check(
            person=person,
            applied_on=applied_on,
            category=category,
            national_pension_fund=national_pension_fund,
        )
    new_latest(AdditionalPremium, person)
    obj = AdditionalPremium.objects.create(
        person=person,
        operator=operator or actor,
        receipt_number=receipt_number,
        applied_on=applied_on,
        join_reason=join_reason,
        applies_on=applied_on,
    )
    record_created(obj, actor, {"付加": "申出", "始期": periods.show(month_of(applied_on))})
    return obj


@transaction.atomic
def additional_premium_record_decision(
    *, premium: AdditionalPremium, result: ProcessingResult | str, actor, reason: str = ""
) -> AdditionalPremium:
    """JPS's result for a 付加 申出 (item 46): 承認 or 却下."""
    result = ProcessingResult(result)
    targets = {
        ProcessingResult.APPROVED: DecisionStatus.APPROVED,
        ProcessingResult.REJECTED: DecisionStatus.REJECTED,
    }
    if result not in targets:
        raise RuleRefused(f"処理結果「{result.label}」は付加保険料の審査結果として登録できません。")
    return decision_transition(
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
    *,
    premium: AdditionalPremium,
    applied_on: date,
    reason: str,
    actor: Staff,
    operator: Staff | None = None,
) -> AdditionalPremium:
    """付加保険料納付辞退申出 (items 43–45): it ceases from the day of the 辞退 申出 [GK]."""
    locked = AdditionalPremium.objects.select_for_update().get(pk=premium.pk)
    if (
        locked.decision in (DecisionStatus.REJECTED, DecisionStatus.REVOKED)
        or locked.ceased_on is not None
    ):
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
        .filter(person=person, decision__in=HELD_DECISIONS, ceased_on__isnull=True)
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
