"""添付書類 of a claim: what its checklist asks, what came with the 請求書 (the entry's payload)
and what came later (`LateAttachment`, recorded at the counter and audited)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction

from audit.models import Action
from audit.services import record
from kokumin_nenkin.verification.models import Entry, Status

from .forms import ATTACHMENTS, CHECKLISTS
from .models import LateAttachment
from .rules import ClaimKind, RuleRefused
from .selectors import CLAIM_KIND_PREFIX

if TYPE_CHECKING:
    from kokumin_nenkin.accounts.models import Staff


def payload_codes(payload: dict[str, Any]) -> list[str]:
    """The attachments that came with the 請求書 (codes, as the payload keeps them)."""
    return [c for c in str(payload.get("attachments", "")).split(",") if c]


def received_codes(entry: Entry) -> set[str]:
    """Every attachment received for the entry, with the 請求書 or later."""
    late = LateAttachment.objects.filter(entry=entry).values_list("code", flat=True)
    return {*payload_codes(entry.payload), *late}


def attachments_due(entry: Entry) -> list[str]:
    """The attachments of the entry's checklist not yet received (labels)."""
    received = received_codes(entry)
    return [ATTACHMENTS[c] for c in CHECKLISTS[ClaimKind(entry.form_code)] if c not in received]


def attachments_received(entry: Entry) -> list[str]:
    received = received_codes(entry)
    return [ATTACHMENTS[c] for c in CHECKLISTS[ClaimKind(entry.form_code)] if c in received]


def due_choices(entry: Entry) -> list[tuple[str, str]]:
    received = received_codes(entry)
    return [
        (c, ATTACHMENTS[c]) for c in CHECKLISTS[ClaimKind(entry.form_code)] if c not in received
    ]


def entries_with_attachments_due() -> list[Entry]:
    """Claim entries not withdrawn whose attachments are not all received, oldest first."""
    entries = (
        Entry.objects.filter(kind__startswith=CLAIM_KIND_PREFIX)
        .exclude(status=Status.WITHDRAWN)
        .select_related("person")
        .order_by("created_at", "id")
    )
    return [e for e in entries if attachments_due(e)]


@transaction.atomic
def attachment_received(
    *, entry: Entry, code: str, received_on: date, actor: Staff
) -> LateAttachment:
    """Record an attachment that came after intake; refused when it is not on the claim's
    checklist or was already received."""
    if code not in dict(due_choices(entry)):
        raise RuleRefused("この請求で未着の添付書類から選んでください。", field="code")
    if received_on < entry.created_at.date():
        raise RuleRefused("受領日が請求書の受付日より前になっています。", field="received_on")
    try:
        with transaction.atomic():
            late = LateAttachment.objects.create(
                entry=entry, code=code, received_on=received_on, recorded_by=actor
            )
    except IntegrityError:
        raise RuleRefused("この添付書類は既に受領しています。", field="code") from None
    record(
        Action.UPDATE,
        person=entry.person,
        target=entry,
        details={"添付書類": ATTACHMENTS[code], "受領日": received_on.isoformat()},
        actor=actor,
    )
    return late
