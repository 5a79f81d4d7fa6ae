"""法定免除 (items 29–35) and 産前産後免除 (items 36–39): the rules of each notice and the
record an approved entry writes.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction

from audit.models import Action
from audit.services import record
from kokumin_nenkin.accounts.models import Staff
from qualifications.models import Person, Sex

from .. import periods
from ..models import (
    HELD_DECISIONS,
    DecisionStatus,
    MaternityExemption,
    Pregnancy,
    StatutoryExemption,
    StatutoryReason,
)
from ..periods import Period
from ..rules import (
    ExemptionClass,
    RuleRefused,
)
from ..selectors import (
    open_statutory_exemption,
)
from .records import new_latest, record_created


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
    actor: Staff,
    category: str = "",
    operator: Staff | None = None,
    receipt_number: str = "",
    check: date | None = None,
) -> StatutoryExemption:
    """免除事由該当届: exempt from the month before the reason arose (items 29, 31, 34).

    `check`: the first month `statutory_exemption_check` returned at the approval (it runs
    here, with `category`, when not given)."""
    start = check or statutory_exemption_check(
        applies_on=applies_on, category=category, person=person
    )
    new_latest(StatutoryExemption, person)
    obj = StatutoryExemption.objects.create(
        person=person,
        operator=operator or actor,
        receipt_number=receipt_number,
        reason=StatutoryReason(reason),
        applies_on=applies_on,
        start_month=start,
        notified_on=notified_on,
    )
    record_created(obj, actor, {"免除理由": obj.get_reason_display(), "始期": periods.show(start)})
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
    actor: Staff,
    operator: Staff | None = None,
    notified_on: date | None = None,
) -> StatutoryExemption:
    """免除事由消滅届: exempt until the month the reason ends (items 30, 32, 35)."""
    locked = StatutoryExemption.objects.select_for_update().get(pk=exemption.pk)
    if locked.decision in (DecisionStatus.REJECTED, DecisionStatus.REVOKED):
        raise RuleRefused(f"「{locked.get_decision_display()}」の法定免除は消滅にできません。")
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
            decision__in=HELD_DECISIONS,
            start_month__lte=period.end,
            end_month__gte=period.start,
        )
        .order_by("start_month")
        .first()
    )
    if other is not None:
        raise RuleRefused(
            f"期間が重なる産前産後免除（{Period(other.start_month, other.end_month)}、"
            f"{other.get_decision_display()}）が既にあります。"
        )
    return period


@transaction.atomic
def maternity_exemption_create(
    *,
    person: Person,
    due_date: date,
    multiple: bool,
    notified_on: date,
    actor: Staff,
    category: str = "",
    operator: Staff | None = None,
    receipt_number: str = "",
    check: Period | None = None,
) -> MaternityExemption:
    """産前産後期間の免除届: 4 (or 6) months computed from the due date (items 36–39).

    `check`: the period `maternity_exemption_check` returned at the approval (it runs here,
    with `category`, when not given)."""
    period = check or maternity_exemption_check(
        person=person,
        due_date=due_date,
        multiple=multiple,
        notified_on=notified_on,
        category=category,
    )
    new_latest(MaternityExemption, person)
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
    record_created(obj, actor, {"期間": str(period)})
    return obj
