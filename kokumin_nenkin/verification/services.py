"""Every change to an entry goes through these functions (and only `transition` moves status).

Each runs in one transaction, locks the entry row (`select_for_update`), writes an
`EntryHistory` row and an audit event. Approval applies the kind's change in that same
transaction, so either the entry is approved and the record changed, or neither.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.models import Action
from audit.services import record

from . import permissions
from .models import OPEN_STATUSES, TRANSITIONS, Entry, EntryHistory, ReceiptCounter, Status
from .registry import EntryKind, get_kind, intake_refusal


class VerificationError(Exception):
    """A refused operation; the message is Japanese and shown to the user."""


class IllegalTransition(VerificationError):
    pass


class SelfApprovalRefused(VerificationError):
    pass


class NotPermitted(VerificationError):
    pass


class StaleEntry(VerificationError):
    pass


class DuplicateOpenEntry(VerificationError):
    pass


class EntryChangedSinceShown(VerificationError):
    pass


CHANGED_SINCE_SHOWN = (
    "表示した後に受付内容が変更されています（再入力・訂正など）。"
    "もう一度内容を確認してから承認してください。"
)


class RekeyMismatch(VerificationError):
    def __init__(self, fields: list[str], labels: list[str]):
        self.fields = fields
        super().__init__(
            "再入力した内容が受付内容と一致しません（" + "、".join(labels) + "）。"
            "届書を確認してください。"
        )


_AUDIT_ACTION = {
    Status.PENDING: Action.SUBMIT,
    Status.APPROVED: Action.VERIFY,
    Status.RETURNED: Action.RETURN,
    Status.WITHDRAWN: Action.WITHDRAW,
    Status.REPORTED: Action.EXPORT,
}


# --- 受付番号 ---------------------------------------------------------------------------------
def next_receipt_number() -> str:
    """西暦 year + 8-digit sequence per year, from a counter row locked FOR UPDATE."""
    year = timezone.localdate().year
    with transaction.atomic():
        ReceiptCounter.objects.get_or_create(year=year)
        counter = ReceiptCounter.objects.select_for_update().get(year=year)
        counter.last += 1
        if counter.last > 99_999_999:
            raise VerificationError("本年の受付番号が上限に達しました。")
        counter.save(update_fields=["last"])
    return f"{year:04d}{counter.last:08d}"


# --- the one transition function ----------------------------------------------------------
@transaction.atomic
def transition(entry_id: int, to: str, *, actor, reason: str = "", before=None) -> Entry:
    """Move an entry to `to`: lock it, refuse an illegal move, run `before(entry)` (which may
    refuse by raising), save, and write the history row and the audit event."""
    entry = Entry.objects.select_for_update(of=("self",)).select_related("person").get(pk=entry_id)
    if to not in TRANSITIONS[entry.status]:
        raise IllegalTransition(
            f"「{Status(entry.status).label}」の受付を「{Status(to).label}」にはできません。"
        )
    if before is not None:
        before(entry)
    previous = entry.status
    entry.status = to
    if to in (Status.APPROVED, Status.RETURNED):
        entry.checker = actor
        entry.decided_at = timezone.now()
    if to == Status.RETURNED:
        entry.return_reason = reason
    entry.save()
    EntryHistory.objects.create(
        entry=entry, from_status=previous, to_status=to, actor=actor, reason=reason
    )
    record(
        _AUDIT_ACTION[Status(to)],
        person=entry.person,
        target=entry,
        details={"種類": entry.kind, "変更前": previous, "変更後": to},
        actor=actor,
    )
    return entry


# --- intake --------------------------------------------------------------------------------
def _validate(kind: EntryKind, person, payload: dict[str, Any], supersedes=None) -> None:
    kind.validate(person, payload, supersedes=supersedes)


@transaction.atomic
def entry_submit(
    *, kind: str, person, payload: dict[str, Any], actor, supersedes: Entry | None = None
) -> Entry:
    """Take in a form: check it, give it its 受付番号, and leave it waiting for verification.
    Raises ValidationError (field → message) when a rule is broken."""
    handler = get_kind(kind)
    if not permissions.can_enter(actor, handler):
        raise NotPermitted("受付入力の権限がありません。")
    refusal = intake_refusal(handler, person)
    if refusal:
        raise ValidationError({"__all__": refusal})
    _validate(handler, person, payload, supersedes)
    # One open entry per person and kind; an entry about no one person (a results file) has
    # its own rule in its kind's validate.
    if (
        person is not None
        and Entry.objects.filter(person=person, kind=kind, status__in=OPEN_STATUSES).exists()
    ):
        raise DuplicateOpenEntry(
            f"この方の「{handler.label}」は既に受付中です。受付中の内容を確認してください。"
        )
    try:
        with transaction.atomic():
            entry = Entry.objects.create(
                receipt_number=next_receipt_number(),
                kind=kind,
                form_code=handler.form_code,
                person=person,
                payload=payload,
                base_version=handler.current_version(person),
                maker=actor,
                maker_office_id=actor.office_id,
                supersedes=supersedes,
            )
    except IntegrityError:
        raise DuplicateOpenEntry(
            f"この方の「{handler.label}」は既に受付中です。受付中の内容を確認してください。"
        ) from None
    EntryHistory.objects.create(entry=entry, from_status="", to_status=Status.PENDING, actor=actor)
    record(
        Action.SUBMIT,
        person=person,
        target=entry,
        details={
            "種類": kind,
            "変更後": Status.PENDING,
            "訂正元": supersedes.pk if supersedes else None,
        },
        actor=actor,
    )
    return entry


@transaction.atomic
def entry_resubmit(*, entry_id: int, payload: dict[str, Any], actor) -> Entry:
    """The maker re-enters a returned entry against the record as it is now."""
    entry = Entry.objects.select_for_update(of=("self",)).select_related("person").get(pk=entry_id)
    if not permissions.can_resubmit(actor, entry):
        raise NotPermitted("差し戻された受付を再入力できるのは入力者だけです。")
    handler = get_kind(entry.kind)
    _validate(handler, entry.person, payload, entry.supersedes)

    def refresh(e: Entry) -> None:
        e.payload = payload
        e.base_version = handler.current_version(e.person)
        e.checker = None
        e.decided_at = None

    return transition(entry.pk, Status.PENDING, actor=actor, before=refresh)


@transaction.atomic
def entry_amend(*, entry_id: int, payload: dict[str, Any], actor) -> Entry:
    """A correction of an approved entry: never a silent edit, always a new verified entry."""
    original = Entry.objects.select_related("person").get(pk=entry_id)
    if not permissions.can_amend(actor, original):
        raise NotPermitted("承認済みの受付だけを訂正できます。")
    return entry_submit(
        kind=original.kind,
        person=original.person,
        payload=payload,
        actor=actor,
        supersedes=original,
    )


# --- decisions -----------------------------------------------------------------------------
def _compare_rekey(handler: EntryKind, entry: Entry, rekeyed: dict[str, Any]) -> None:
    typed = handler.encode({**{n: None for n in handler.form_class.base_fields}, **rekeyed})
    wrong = [n for n in handler.key_fields if typed.get(n, "") != entry.payload.get(n, "")]
    if wrong:
        raise RekeyMismatch(wrong, [handler.field_label(n) for n in wrong])


@transaction.atomic
def entry_approve(
    *, entry_id: int, rekeyed: dict[str, Any], actor, seen_version: str | None = None
) -> Entry:
    """Approve after the blind re-key: compare, re-check the record version, apply.
    `seen_version` is the `Entry.version()` the checker was shown (the screens always pass it);
    an entry changed since is refused. The returned entry carries what the kind's approval
    returned as `applied_result`."""
    subjects = Entry._meta.get_field("person").related_model._default_manager

    def check_and_apply(entry: Entry) -> None:
        if entry.maker_id == actor.pk:
            raise SelfApprovalRefused("自分が入力した受付は承認できません。")
        if seen_version is not None and seen_version != entry.version():
            raise EntryChangedSinceShown(CHANGED_SINCE_SHOWN)
        if not permissions.can_verify(actor, entry):
            raise NotPermitted("この受付を確認する権限がありません。")
        handler = get_kind(entry.kind)
        _compare_rekey(handler, entry, rekeyed)
        person = (
            subjects.select_for_update().get(pk=entry.person_id)
            if entry.person_id is not None
            else None
        )
        if handler.current_version(person) != entry.base_version:
            raise StaleEntry(
                "受付の後に記録が変更されています。差し戻して、入力者が最新の記録で"
                "再入力してください。"
            )
        try:
            applied = handler.approve(entry, person, actor=actor)
        except ValidationError as exc:
            raise StaleEntry(
                "現在の記録では受付内容が規則に合いません: " + " ".join(exc.messages)
            ) from None
        entry.applied_object_id = str(getattr(applied, "pk", "") or "")
        entry.applied_result = applied  # type: ignore[attr-defined]  # not a field

    return transition(entry_id, Status.APPROVED, actor=actor, before=check_and_apply)


@transaction.atomic
def entry_mark_reported(*, entry_id: int, actor) -> Entry:
    """An approved entry went to JPS in a confirmed 進達 batch (承認済 → 進達済). Only the entry
    moves: the record its approval wrote waits for JPS's decision as it was."""
    return transition(entry_id, Status.REPORTED, actor=actor)


@transaction.atomic
def entry_return(*, entry_id: int, reason: str, actor) -> Entry:
    """Send the entry back to its maker with the reason (差戻し)."""
    reason = (reason or "").strip()
    if not reason:
        raise VerificationError("差戻しの理由を入力してください。")

    def check(entry: Entry) -> None:
        if entry.maker_id == actor.pk:
            raise SelfApprovalRefused(
                "自分が入力した受付は差し戻せません。取下げを使ってください。"
            )
        if not permissions.can_verify(actor, entry):
            raise NotPermitted("この受付を確認する権限がありません。")

    return transition(entry_id, Status.RETURNED, actor=actor, reason=reason, before=check)


@transaction.atomic
def entry_withdraw(*, entry_id: int, actor) -> Entry:
    """The maker takes an open entry back (取下げ)."""

    def check(entry: Entry) -> None:
        if not permissions.can_withdraw(actor, entry):
            raise NotPermitted("受付を取り下げられるのは入力者だけです。")

    return transition(entry_id, Status.WITHDRAWN, actor=actor, before=check)
