"""Writes of the app: take a request in, extend its deadline, print the disclosure package,
propose a purge. Each in one transaction with its audit event."""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from audit.models import Action
from audit.services import digest_for_details, record
from kokumin_nenkin.verification import services as verification

from . import disclosure
from .deadlines import ExtensionRefused, check_extension
from .kinds import PURGE_KIND
from .models import (
    CorrectionEntry,
    Decision,
    DisclosurePackage,
    IdentityCheck,
    PurgeProposal,
    Requester,
    RequestKind,
    ResidentRequest,
)
from .retention import due_persons


@transaction.atomic
def request_receive(*, person, data: dict, actor) -> ResidentRequest:
    request = ResidentRequest.objects.create(
        person=person, taken_by=actor, office_id=actor.office_id, **data
    )
    record(
        Action.CREATE,
        person=person,
        target=request,
        details={"請求": request.kind},
        actor=actor,
    )
    return request


@transaction.atomic
def inquiry_receive(*, person, data: dict, actor) -> ResidentRequest:
    """問合せ受付票: a counter or telephone inquiry (the person optional)."""
    inquiry = ResidentRequest.objects.create(
        kind=RequestKind.INQUIRY,
        person=person,
        requester=Requester.SELF,
        identity_check=IdentityCheck.NONE,
        taken_by=actor,
        office_id=actor.office_id,
        closed=bool(data.get("answer")) and not data.get("follow_up_on"),
        **data,
    )
    record(
        Action.CREATE, person=person, target=inquiry, details={"請求": inquiry.kind}, actor=actor
    )
    return inquiry


@transaction.atomic
def inquiry_close(*, inquiry_id: int, answer: str, actor) -> ResidentRequest:
    inquiry = ResidentRequest.objects.select_for_update().get(
        pk=inquiry_id, kind=RequestKind.INQUIRY
    )
    inquiry.answer = answer or inquiry.answer
    inquiry.closed = True
    inquiry.save(update_fields=["answer", "closed"])
    record(
        Action.UPDATE,
        person=inquiry.person,
        target=inquiry,
        details={"請求": inquiry.kind, "状態": "closed"},
        actor=actor,
    )
    return inquiry


@transaction.atomic
def request_extend(*, request_id: int, new_deadline: date, reason: str, actor) -> ResidentRequest:
    request = ResidentRequest.objects.select_for_update().get(pk=request_id)
    if not request.is_open or request.kind == RequestKind.INQUIRY:
        raise ValidationError("決定済みの請求の期限は延長できません。")
    try:
        check_extension(request.received_on, new_deadline, reason)
    except ExtensionRefused as exc:
        raise ValidationError(str(exc)) from None
    request.extended_deadline = new_deadline
    request.extension_reason = reason
    request.save(update_fields=["extended_deadline", "extension_reason"])
    record(
        Action.UPDATE,
        person=request.person,
        target=request,
        details={"請求": request.kind, "決定期限": new_deadline.isoformat(), "理由": reason},
        actor=actor,
    )
    return request


DISCLOSED = (Decision.DISCLOSE, Decision.PARTIAL)


@transaction.atomic
def disclosure_print(
    *, request_id: int, actor, printed_at: datetime | None = None
) -> DisclosurePackage:
    """Render the package of a decided 開示, store it with its SHA-256, audit it as a print."""
    request = ResidentRequest.objects.select_related("person").get(pk=request_id)
    if request.kind != RequestKind.DISCLOSURE or request.decision not in DISCLOSED:
        raise ValidationError("開示または一部開示と決定された開示請求だけ印刷できます。")
    printed_at = printed_at or timezone.now()
    package = disclosure.render(request, printed_at=printed_at)
    stored = DisclosurePackage.objects.create(
        request=request,
        person=request.person,
        pdf=package.pdf,
        sha256=package.sha256,
        printed_at=printed_at,
        printed_by=actor,
        access_rows=package.access_rows,
    )
    if request.notified_on is None:
        request.notified_on = timezone.localdate()
        request.save(update_fields=["notified_on"])
    record(
        Action.PRINT,
        person=request.person,
        target=stored,
        details={
            "帳票": "保有個人情報の開示",
            "請求": request.kind,
            "職員名": request.show_staff_names,
            "件数": package.access_rows,
            "SHA-256": digest_for_details(package.sha256),
            "結果": "created",
        },
        actor=actor,
    )
    return stored


#: the kinds a decided 訂正 may be carried out with (氏名, 住所, the qualification history, an
#: exemption record); any other registered kind of the person is allowed too
CORRECTION_KINDS = (
    "qualifications.name_change",
    "qualifications.address_change",
    "qualifications.acquisition",
    "qualifications.loss",
    "qualifications.category_change",
    "exemptions.application",
)


@transaction.atomic
def correction_submit(*, request_id: int, kind: str, payload: dict, actor):
    """Enter the 届書 that carries out a decided 訂正, linked to its request."""
    request = ResidentRequest.objects.select_related("person").get(pk=request_id)
    if request.kind != RequestKind.CORRECTION or request.decision != Decision.CORRECT:
        raise ValidationError("訂正すると決定した訂正請求だけ、訂正の届書を入力できます。")
    entry = verification.entry_submit(
        kind=kind, person=request.person, payload=payload, actor=actor
    )
    CorrectionEntry.objects.create(request=request, entry=entry)
    return entry


@transaction.atomic
def purge_propose(*, as_of: date, actor):
    """A 確認担当 proposes the persons due on `as_of`; a second one approves the entry."""
    ids = [d.person_id for d in due_persons(as_of)]
    if not ids:
        raise ValidationError("保存期間を満了した方はいません。")
    proposal = PurgeProposal.objects.create(person_ids=ids, as_of=as_of)
    return verification.entry_submit(
        kind=PURGE_KIND,
        person=None,
        payload={"proposal": str(proposal.pk), "persons": str(len(ids))},
        actor=actor,
    )
