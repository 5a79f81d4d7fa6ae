"""Writes to the person register and the qualification file. Each writes its audit event in
the same transaction. Qualification changes happen only through an approved entry
(`kokumin_nenkin.verification`), never directly."""

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from audit.models import Action
from audit.services import record
from kokumin_nenkin.accounts.roles import perm
from kokumin_nenkin.identifiers import normalise_basic_pension_number, validate_municipality_code

from . import my_number
from .codes import Event, Held
from .models import (
    CityChangeKind,
    CityNotice,
    Memo,
    PensionNumberNoticeReissue,
    Person,
    QualificationRecord,
)
from .selectors import qualification_state

CITY_CHANGE_KIND = {
    Event.ACQUISITION: CityChangeKind.ACQUISITION,
    Event.LOSS: CityChangeKind.LOSS,
    Event.CATEGORY_CHANGE: CityChangeKind.CATEGORY_CHANGE,
}


@transaction.atomic
def person_create(*, actor=None, my_number_value: str | None = None, **fields: Any) -> Person:
    """Register a person (from the resident registry). Identifiers are validated here."""
    if fields.get("basic_pension_number"):
        fields["basic_pension_number"] = normalise_basic_pension_number(
            fields["basic_pension_number"]
        )
    if fields.get("municipality_code"):
        fields["municipality_code"] = validate_municipality_code(fields["municipality_code"])
    person = Person(**fields)
    if my_number_value:
        person.my_number_encrypted = my_number.encrypt(my_number_value)
        person.my_number_hash = my_number.lookup_hash(my_number_value)
    person.full_clean(exclude=["my_number_encrypted", "my_number_hash", "household", "spouse"])
    person.save()
    record(
        Action.CREATE,
        person=person,
        target=person,
        details={"個人番号の有無": bool(my_number_value)},
        actor=actor,
    )
    return person


def person_find_by_my_number(my_number_value: str) -> Person | None:
    return Person.objects.filter(my_number_hash=my_number.lookup_hash(my_number_value)).first()


@transaction.atomic
def person_reveal_my_number(*, person: Person, actor) -> str:
    """Only a 確認担当 may see the number; every reveal is an audit event."""
    if not actor.has_perm(perm("reveal_my_number")):
        raise PermissionDenied("個人番号を表示する権限がありません。")
    if not person.my_number_encrypted:
        return ""
    record(Action.REVEAL_MY_NUMBER, person=person, target=person, actor=actor)
    return my_number.decrypt(person.my_number_encrypted)


@transaction.atomic
def memo_create(
    *,
    person: Person,
    registered_on: date,
    special_notes: str = "",
    consultation: str = "",
    remarks: str = "",
    actor,
) -> Memo:
    """A memo or consultation note (items 61–64): no verification, but audited."""
    if not actor.has_perm(perm("write_memo")):
        raise PermissionDenied("メモを記録する権限がありません。")
    memo = Memo.objects.create(
        person=person,
        registered_on=registered_on,
        special_notes=special_notes,
        consultation=consultation,
        remarks=remarks,
        operator=actor,
    )
    record(Action.CREATE, person=person, target=memo, actor=actor)
    return memo


# --- applied by approved entries (called from the entry kinds, inside the approval) -------


def _d(value: str) -> date | None:
    return date.fromisoformat(value) if value else None


def qualification_apply(*, entry, event: str, actor) -> QualificationRecord:
    """Write the history row an approved qualification entry stands for."""
    person = entry.person
    latest = (
        QualificationRecord.objects.select_for_update()
        .filter(person=person, is_latest=True)
        .first()
    )
    base = qualification_state(person, entry.supersedes)
    if latest is not None:
        latest.is_latest = False
        latest.corrected = entry.supersedes is not None
        latest.save(update_fields=["is_latest", "corrected"])
    p = entry.payload
    row = QualificationRecord(person=person, event=event, operator=entry.maker, entry=entry)
    if event == Event.ACQUISITION:
        row.held = Held.HELD
        row.category = p["category"]
        row.acquisition_notified_on = _d(p["notified_on"])
        row.acquired_on = _d(p["acquired_on"])
        row.acquisition_cause = p["cause"]
        row.acquisition_reason = p.get("reason", "")
    else:
        assert base is not None, "validated: a loss or change needs a held qualification"
        for name in (
            "category",
            "acquisition_notified_on",
            "acquired_on",
            "acquisition_cause",
            "acquisition_reason",
            "category_changed_on",
            "category_change_cause",
            "category_change_notified_on",
        ):
            setattr(row, name, getattr(base, name))
        if event == Event.LOSS:
            row.held = Held.NOT_HELD
            row.loss_notified_on = _d(p["notified_on"])
            row.lost_on = _d(p["lost_on"])
            row.loss_cause = p["cause"]
            row.loss_reason = p.get("reason", "")
        else:
            row.held = Held.HELD
            row.category = p["category"]
            row.category_changed_on = _d(p["changed_on"])
            row.category_change_cause = p["cause"]
            row.category_change_notified_on = _d(p["notified_on"])
    row.save()
    record(Action.CREATE, person=person, target=row, details={"異動": event}, actor=actor)
    # Every verified qualification change is sent back to 市民課 (F5), once.
    CityNotice.objects.create(record=row, person=person, change_kind=CITY_CHANGE_KIND[event])
    return row


def reissue_apply(*, entry, actor) -> PensionNumberNoticeReissue:
    p = entry.payload
    row = PensionNumberNoticeReissue.objects.create(
        person=entry.person,
        applied_on=_d(p["applied_on"]),
        reason=p["reason"],
        operator=entry.maker,
        entry=entry,
    )
    record(Action.CREATE, person=entry.person, target=row, actor=actor)
    return row


# --- work lists -----------------------------------------------------------------------------
class WorkListRefused(ValueError):
    """The row is not on the list any more (the message is Japanese)."""


@transaction.atomic
def work_list_dismiss(*, work_list: str, person: Person, event_on: date, reason: str, actor):
    """Set a work-list row aside with a reason: it leaves the list; audited on the person."""
    from .models import WorkListDismissal
    from .worklists import row_of

    if row_of(work_list, person, event_on) is None:
        raise WorkListRefused("この行は一覧にありません（既に受付・対象外・記録済みです）。")
    dismissal = WorkListDismissal.objects.create(
        work_list=work_list, person=person, event_on=event_on, reason=reason, dismissed_by=actor
    )
    record(
        Action.UPDATE,
        person=person,
        target=dismissal,
        details={"種類": f"一覧の対象外:{work_list}", "理由": reason},
        actor=actor,
    )
    return dismissal


def person_change_apply(*, entry, fields: dict[str, str], form_code: str, actor) -> Person:
    """An approved 氏名変更届 / 住所変更届: the person's fields, saved with their field diff."""
    person = Person.objects.select_for_update().get(pk=entry.person_id)
    for name, attr in fields.items():
        setattr(person, attr, entry.payload[name])
    person.save()
    record(
        Action.UPDATE, person=person, target=person, details={"届書種類": form_code}, actor=actor
    )
    return person
