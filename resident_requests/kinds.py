"""Two entry kinds of the one verification mechanism:

- `resident_requests.decision` (決定): a 確認担当 or 窓口担当 enters the decision on a request,
  a second 確認担当 re-keys the decision blind and approves; the approval writes it on the
  request (and, for 利用停止する, marks the person through the register's `UseSuspension`).
- `resident_requests.purge` (保存期間満了による消去): a 確認担当 proposes the persons due; a
  second 確認担当 re-keys the number of persons and approves; the approval purges them.
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from audit.models import Action
from audit.services import record
from kokumin_nenkin.verification.models import OPEN_STATUSES, Entry
from kokumin_nenkin.verification.registry import EntryKind, register

from .forms import DecisionForm, LiftForm, PurgeForm, request_choices
from .models import (
    DECISIONS_FOR,
    REASON_NEEDED,
    Decision,
    PurgeProposal,
    RequestKind,
    ResidentRequest,
)

DECISION_KIND = "resident_requests.decision"
PURGE_KIND = "resident_requests.purge"
LIFT_KIND = "resident_requests.lift_suspension"


def allowable_kinds() -> list[tuple[str, str]]:
    """The 届書 a suspension may allow: every kind taken in for a person at the counter."""
    from kokumin_nenkin.verification.registry import all_kinds

    own = {DECISION_KIND, PURGE_KIND, LIFT_KIND, "qualifications.new_person"}
    return [
        (code, kind.label)
        for code, kind in sorted(all_kinds().items())
        if kind.generic_screens and code not in own
    ]


class DecisionKind(EntryKind):
    code = DECISION_KIND
    label = "本人からの請求に対する決定"
    form_code = "00"  # the office's own decision: never reported to JPS
    form_class = DecisionForm
    key_fields = ("decision",)
    rekey_source = "決定書（案）"
    reported = False

    def make_form(self, person, data=None, initial=None, prefix=None):
        form = DecisionForm(data=data, initial=initial, prefix=prefix)
        form.fields["request"].choices = request_choices(person)  # type: ignore[attr-defined]
        form.fields["allowed_kinds"].choices = allowable_kinds()  # type: ignore[attr-defined]
        return form

    def encode(self, cleaned: dict[str, Any]) -> dict[str, Any]:
        out = super().encode({**cleaned, "allowed_kinds": None})
        out["allowed_kinds"] = ",".join(cleaned.get("allowed_kinds") or [])
        return out

    def decode(self, payload: dict[str, Any]) -> dict[str, Any]:
        out = super().decode(payload)
        out["allowed_kinds"] = [k for k in str(payload.get("allowed_kinds", "")).split(",") if k]
        return out

    def display(self, name: str, value: Any) -> str:
        if name == "allowed_kinds":
            labels = dict(allowable_kinds())
            codes = value if isinstance(value, list) else str(value or "").split(",")
            return "、".join(labels.get(c, c) for c in codes if c) or "なし"
        if name == "request" and value:
            found = ResidentRequest.objects.filter(pk=value).first()
            return str(found) if found else f"第{value}号"
        return super().display(name, value)

    def current_version(self, person) -> str:
        rows = ResidentRequest.objects.filter(person=person).order_by("pk")
        text = ";".join(f"{r.pk}:{r.decision}" for r in rows.only("pk", "decision"))
        return hashlib.sha256(text.encode()).hexdigest()

    def validate(self, person, payload, *, supersedes=None) -> None:
        errors: dict[str, str] = {}
        found = ResidentRequest.objects.filter(
            pk=payload.get("request") or 0, person=person
        ).first()
        if found is None or not found.is_open or found.kind == RequestKind.INQUIRY:
            raise ValidationError({"request": "決定の済んでいない、この方の請求を選んでください。"})
        decision = payload.get("decision", "")
        if decision not in DECISIONS_FOR[found.kind]:
            allowed = "・".join(Decision(d).label for d in DECISIONS_FOR[found.kind])
            errors["decision"] = f"{found.get_kind_display()}への決定は {allowed} のいずれかです。"
        if decision in REASON_NEEDED and not str(payload.get("decision_reason", "")).strip():
            errors["decision_reason"] = "この決定には理由が必要です（請求者に通知します）。"
        decided = date.fromisoformat(payload["decided_on"])
        if decided < found.received_on:
            errors["decided_on"] = "決定日が受付日より前です。"
        elif decided > timezone.localdate():
            errors["decided_on"] = "決定日が未来の日付です。"
        if errors:
            raise ValidationError(errors)

    def apply(self, entry, *, actor) -> ResidentRequest:
        p = entry.payload
        request = ResidentRequest.objects.select_for_update().get(pk=p["request"])
        request.decision = p["decision"]
        request.decision_reason = p.get("decision_reason", "")
        request.decided_on = date.fromisoformat(p["decided_on"])
        request.show_staff_names = p.get("show_staff_names") == "1"
        request.decision_entry = entry
        request.save()
        if request.decision == Decision.SUSPEND:
            person = request.person
            allowed = [k for k in str(p.get("allowed_kinds", "")).split(",") if k]
            person.use_suspended_on = request.decided_on
            person.use_suspension_allows = sorted({*allowed, DECISION_KIND, LIFT_KIND})
            person.save(update_fields=["use_suspended_on", "use_suspension_allows", "updated_at"])
        record(
            Action.UPDATE,
            person=request.person,
            target=request,
            details={"請求": request.kind, "決定": request.decision},
            actor=actor,
        )
        return request

    def compare(self, person, payload):
        rows = []
        found = ResidentRequest.objects.filter(pk=payload.get("request") or 0).first()
        if found is not None:
            rows.append(("請求の内容", "", found.subject))
            rows.append(("受付日", "", self.display("decided_on", found.received_on.isoformat())))
        for name in DecisionForm.base_fields:
            rows.append((self.field_label(name), "", self.display(name, payload.get(name))))
        return rows

    def summary(self, payload: dict[str, Any]) -> str:
        return f"{self.display('request', payload.get('request'))} → " + self.display(
            "decision", payload.get("decision")
        )


class PurgeKind(EntryKind):
    code = PURGE_KIND
    label = "保存期間満了による消去"
    form_code = "00"
    form_class = PurgeForm
    key_fields = ("persons",)
    rekey_source = "消去の対象一覧"
    reported = False
    enter_permission = "verify_entry"  # only a 確認担当 proposes
    generic_screens = False  # its own screen: /requests/retention/

    def current_version(self, person) -> str:
        return "purge"

    def validate(self, person, payload, *, supersedes=None) -> None:
        proposal = PurgeProposal.objects.filter(pk=payload.get("proposal") or 0).first()
        if proposal is None or len(proposal.person_ids) != int(payload.get("persons") or 0):
            raise ValidationError({"persons": "消去の提案と人数が一致しません。"})

    def approve(self, entry, person, *, actor) -> Any:
        if (
            Entry.objects.filter(kind=PURGE_KIND, status__in=OPEN_STATUSES)
            .exclude(pk=entry.pk)
            .exists()
        ):
            raise ValidationError("ほかの消去の提案が確認待ちです。")
        self.validate(person, entry.payload)
        return self.apply(entry, actor=actor)

    def apply(self, entry, *, actor) -> PurgeProposal:
        from .purge import expire_search_words, purge_persons

        proposal = PurgeProposal.objects.get(pk=entry.payload["proposal"])
        purge_persons(proposal.person_ids, as_of=proposal.as_of, actor=actor)
        expire_search_words(proposal.as_of)
        return proposal

    def compare(self, person, payload):
        return [("消去する人数", "", str(payload.get("persons", "")))]


class LiftKind(EntryKind):
    """利用停止の解除: only a verified entry lifts a suspension."""

    code = LIFT_KIND
    label = "利用停止の解除"
    form_code = "00"
    form_class = LiftForm
    key_fields = ("lifted_on",)
    reported = False

    def current_version(self, person) -> str:
        return f"{person.use_suspended_on}" if person is not None else ""

    def validate(self, person, payload, *, supersedes=None) -> None:
        if person is None or person.use_suspended_on is None:
            raise ValidationError({"lifted_on": "この方は利用停止中ではありません。"})
        lifted = date.fromisoformat(payload["lifted_on"])
        if lifted < person.use_suspended_on:
            raise ValidationError({"lifted_on": "解除日が利用停止日より前です。"})

    def apply(self, entry, *, actor):
        person = entry.person
        person.use_suspended_on = None
        person.use_suspension_allows = []
        person.save(update_fields=["use_suspended_on", "use_suspension_allows", "updated_at"])
        record(
            Action.UPDATE,
            person=person,
            target=person,
            details={"請求": RequestKind.SUSPENSION, "理由": entry.payload.get("reason", "")},
            actor=actor,
        )
        return person


DECISION = DecisionKind()
LIFT = LiftKind()
PURGE = PurgeKind()


def register_kinds() -> None:
    register(DECISION)
    register(LIFT)
    register(PURGE)
