"""Every write of the claims: the record an approved 請求書 creates, the one transition of JPS's
decision, and JPS's results (F2 処理区分 05 裁定結果, 06 支援給付金 認定結果, 04 / 5 返戻).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction

from audit import diffs
from audit.models import Action
from audit.services import record
from kokumin_nenkin.decisions import TransitionRefused as TransitionRefused
from kokumin_nenkin.decisions import checked_move

from .models import (
    BenefitClaim,
    ClaimDecisionChange,
    DecisionStatus,
    ProcessingResult,
)
from .rules import ClaimKind, RuleRefused, SupportKind


@transaction.atomic
def claim_create(
    *,
    person,
    kind: str,
    claimant,
    claimant_name: str,
    relationship: str,
    claimed_on: date,
    pension_code: str = "",
    death_on: date | None = None,
    support_kind: str = "",
    claim_year: int | None = None,
    lump_sum_amount: int | None = None,
    assessment: str = "",
    receipt_number: str = "",
    actor,
    operator=None,
) -> BenefitClaim:
    """The record of an approved claim: it waits 審査中 for JPS; 最新フラグ per person and kind."""
    diffs.logged_update(
        BenefitClaim.objects.select_for_update().filter(person=person, kind=kind, is_latest=True),
        is_latest=False,
    )
    claim = BenefitClaim.objects.create(
        person=person,
        kind=kind,
        claimant=claimant if claimant is not None and claimant.pk != person.pk else None,
        claimant_name=claimant_name,
        relationship=relationship,
        claimed_on=claimed_on,
        pension_code=pension_code,
        death_on=death_on,
        support_kind=support_kind,
        claim_year=claim_year,
        lump_sum_amount=lump_sum_amount,
        assessment=assessment,
        receipt_number=receipt_number,
        operator=operator or actor,
    )
    details = {"請求の種類": ClaimKind(kind).label, "請求年月日": claimed_on.isoformat()}
    record(Action.CREATE, person=person, target=claim, details=details, actor=actor)
    if claim.claimant_id:
        record(
            Action.CREATE,
            person=claim.claimant,
            target=claim,
            details={**details, "立場": "請求者"},
            actor=actor,
        )
    return claim


@transaction.atomic
def claim_decision_transition(
    claim: BenefitClaim, to: DecisionStatus | str, *, actor, reason: str = "", changes=None
) -> BenefitClaim:
    """Move a claim to `to` if the decisions allow it (`kokumin_nenkin.decisions`); history row
    and audit event.
    The row is locked first, so two applies cannot both move it from the same state."""
    locked = BenefitClaim.objects.select_for_update().get(pk=claim.pk)
    current, to = checked_move(locked.decision, to)
    for name, value in (changes or {}).items():
        setattr(locked, name, value)
    locked.decision = to
    locked.save()
    ClaimDecisionChange.objects.create(
        claim=locked, from_decision=current, to_decision=to, actor=actor, reason=reason[:200]
    )
    record(
        Action.UPDATE,
        person=locked.person,
        target=locked,
        details={"状態": f"{current.label}→{to.label}", "理由": reason[:200]},
        actor=actor,
    )
    return locked


# --- 日本年金機構の処理結果 (F2 v2) -----------------------------------------------------------
@dataclass(frozen=True)
class ClaimResult:
    """One F2 line as a claim reads it."""

    process_kind: str  # 04 返戻, 05 裁定結果, 06 支援給付金 認定結果
    result: str  # 処理結果 1, 2, 4, 5 ("" for 04)
    pension_code: str = ""
    certificate_number: str = ""
    support_kind: str = ""
    support_start: date | None = None
    support_end: date | None = None
    processed_on: date | None = None
    note: str = ""


JPS_REASON = "日本年金機構の処理結果"
_NEEDS = {
    ProcessingResult.APPROVED: DecisionStatus.AWAITING,
    ProcessingResult.REJECTED: DecisionStatus.AWAITING,
    ProcessingResult.RETURNED: DecisionStatus.AWAITING,
    ProcessingResult.REVOKED: DecisionStatus.APPROVED,
}
_TO = {
    ProcessingResult.APPROVED: DecisionStatus.APPROVED,
    ProcessingResult.REJECTED: DecisionStatus.REJECTED,
    ProcessingResult.RETURNED: DecisionStatus.RETURNED,
    ProcessingResult.REVOKED: DecisionStatus.REVOKED,
}


def _plan(claim: BenefitClaim, r: ClaimResult) -> tuple[DecisionStatus, dict, str]:
    """What a result does to a claim (the new state, the fields, the word for the counts), or
    RuleRefused when it contradicts the claim."""
    code = "5" if r.process_kind == "04" else r.result
    if code not in _NEEDS:
        label = {"3": "一部承認"}.get(code, code)
        raise RuleRefused(f"処理結果「{label}」は裁定請求には反映できません。")
    result = ProcessingResult(code)
    support = claim.kind == ClaimKind.SUPPORT
    if r.process_kind == "05" and support:
        raise RuleRefused("年金生活者支援給付金の請求には裁定結果（05）は反映できません（06）。")
    if r.process_kind == "06" and not support:
        raise RuleRefused("支援給付金の認定結果（06）は年金の請求には反映できません（05）。")
    needed = _NEEDS[result]
    if claim.decision != needed:
        raise RuleRefused(
            f"記録は「{claim.get_decision_display()}」です。処理結果「{result.label}」は"
            f"「{needed.label}」の記録にだけ反映できます。"
        )
    changes: dict = {"jps_processed_on": r.processed_on}
    if result == ProcessingResult.RETURNED:
        changes["return_reason"] = r.note[:200]
    elif support:
        changes["recognition_result"] = result.value
        if result == ProcessingResult.APPROVED:
            if r.support_kind not in SupportKind.values or r.support_start is None:
                raise RuleRefused("認定（承認）には給付金種別と支給開始年月が必要です。")
            changes.update(
                support_kind=r.support_kind,
                support_start=r.support_start,
                support_end=r.support_end,
            )
        elif result == ProcessingResult.REVOKED:
            changes["support_end"] = r.support_end or claim.support_end
    else:
        changes["adjudication_result"] = result.value
        if result == ProcessingResult.APPROVED:
            if not r.certificate_number:
                raise RuleRefused("裁定（承認）には記号番号が必要です。")
            changes["certificate_number"] = r.certificate_number
            if r.pension_code:
                changes["pension_code"] = r.pension_code
    word = "returned" if result == ProcessingResult.RETURNED else "claim"
    return _TO[result], changes, word


def claim_result_check(*, claim: BenefitClaim, result: ClaimResult) -> str:
    """Whether a line fits the claim as it is (nothing written)."""
    return _plan(claim, result)[2]


@transaction.atomic
def claim_result_apply(*, claim: BenefitClaim, result: ClaimResult, actor) -> str:
    """Lock the claim, check the line again and write JPS's decision."""
    locked = BenefitClaim.objects.select_for_update().get(pk=claim.pk)
    to, changes, word = _plan(locked, result)
    reason = JPS_REASON + (f": {result.note}" if result.note else "")
    claim_decision_transition(locked, to, actor=actor, reason=reason, changes=changes)
    return word
