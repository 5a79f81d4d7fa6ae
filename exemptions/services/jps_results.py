"""JPS's results (format F2) on the exemption and 付加 records: whether a line fits the record
the entry wrote, and writing it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction

from audit.models import Action
from audit.services import record

from .. import periods
from ..models import (
    AdditionalPremium,
    DecisionRecord,
    DecisionStatus,
    ExemptionApplication,
    MaternityExemption,
    ProcessingResult,
    StatutoryExemption,
)
from ..periods import Period
from ..rules import (
    ExemptionClass,
    RuleRefused,
)
from .additional import additional_premium_end_for_exemption
from .applications import (
    check_decided_class,
    exemption_record_decision,
    exemption_revoke,
    exemption_revoke_check,
)
from .records import decision_transition


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
    ProcessingResult.APPROVED: DecisionStatus.AWAITING,
    ProcessingResult.REJECTED: DecisionStatus.AWAITING,
    ProcessingResult.PARTLY_APPROVED: DecisionStatus.AWAITING,
    ProcessingResult.RETURNED: DecisionStatus.AWAITING,
    ProcessingResult.REVOKED: DecisionStatus.APPROVED,
}
_RECORD_CLASS = {
    StatutoryExemption: ExemptionClass.STATUTORY,
    MaternityExemption: ExemptionClass.MATERNITY,
}


def _plan(record_: DecisionRecord, created: bool, r: JpsResult):
    """What a result does to a record, or RuleRefused when it contradicts the record; returns a
    function of the actor that writes it, and a word for the counts."""
    result = ProcessingResult("5" if r.process_kind == "04" else r.result)
    current = DecisionStatus(record_.decision)
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
            check_decided_class(record_, ExemptionClass(r.exemption_class), result)
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
        return "returned", lambda actor: decision_transition(
            record_,
            DecisionStatus.RETURNED,
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
            ProcessingResult.APPROVED: DecisionStatus.APPROVED,
            ProcessingResult.REJECTED: DecisionStatus.REJECTED,
            ProcessingResult.REVOKED: DecisionStatus.REVOKED,
        }[result]
        return "decided", lambda actor: decision_transition(
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
        ProcessingResult.APPROVED: DecisionStatus.APPROVED,
        ProcessingResult.REJECTED: DecisionStatus.REJECTED,
        ProcessingResult.REVOKED: DecisionStatus.REVOKED,
    }[result]

    def write(actor):
        done = decision_transition(
            record_, to, actor=actor, reason=f"{JPS_REASON}（{result.label}）", changes=changes
        )
        if to == DecisionStatus.APPROVED and model is StatutoryExemption:
            additional_premium_end_for_exemption(
                person=done.person,
                period=None,
                start=done.start_month,
                exemption=ExemptionClass.STATUTORY,
                actor=actor,
            )
        return done

    return "decided", write


def _plan_notice(record_: DecisionRecord, result: ProcessingResult):
    """A 届書 that changed a record already on file (取消申請 16, 消滅届 14, 辞退 22): the
    change was made at verification; JPS's 承認 (取消 for a 取消申請) confirms it, a 返戻 is
    kept on the report item; anything else is for the clerk to follow up."""
    if result == ProcessingResult.RETURNED:
        return "returned_notice", lambda actor: None
    confirms = {
        ExemptionApplication: (
            ProcessingResult.REVOKED,
            record_.decision == DecisionStatus.REVOKED,
        ),
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


def jps_result_check(*, record_: DecisionRecord, created: bool, result: JpsResult) -> str:
    """Whether a result fits the record, without writing (the reconciliation screen)."""
    return _plan(record_, created, result)[0]


@transaction.atomic
def jps_result_apply(*, record_: DecisionRecord, created: bool, result: JpsResult, actor) -> str:
    """Apply a result to a record (locked and read again); RuleRefused if it contradicts it."""
    locked = type(record_).objects.select_for_update().get(pk=record_.pk)
    what, write = _plan(locked, created, result)
    write(actor)
    return what
