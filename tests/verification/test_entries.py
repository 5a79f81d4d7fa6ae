"""Two-person verification: every transition allowed and forbidden, self-approval refused by
the service and by the database, stale approval refused, blind re-key mismatch refused,
受付番号, work queues, editing after approval (SECURITY.md attack 8)."""

import re

import pytest
from django.db import IntegrityError, transaction

from audit.models import AuditEvent
from kokumin_nenkin.verification import services
from kokumin_nenkin.verification.models import TRANSITIONS, Entry, EntryHistory, Status
from kokumin_nenkin.verification.permissions import can_verify
from kokumin_nenkin.verification.selectors import my_entries, waiting_for_verification
from qualifications.models import QualificationRecord
from tests.qualifications.factories import acquisition_payload, approve, make_person

ACQ = "qualifications.acquisition"
LOSS = "qualifications.loss"


@pytest.fixture
def person(db):
    # Born 1990-06-15 → 20歳到達 on 2010-06-14.
    return make_person()


def submit(person, maker, payload=None, kind=ACQ):
    return services.entry_submit(
        kind=kind,
        person=person,
        payload=payload or acquisition_payload("2010-06-14"),
        actor=maker,
    )


def test_intake_gives_a_receipt_number_and_changes_nothing(cast, person):
    entry = submit(person, cast["madoguchi"])
    assert re.fullmatch(r"20\d{2}\d{8}", entry.receipt_number)
    assert entry.status == Status.PENDING
    assert entry.form_code == "01"
    assert entry.maker_office == cast["madoguchi"].office
    assert not QualificationRecord.objects.filter(person=person).exists()
    assert AuditEvent.objects.filter(action="submit", person=person).count() == 1


def test_receipt_numbers_are_sequential_within_the_year(cast, db):
    a = submit(make_person(), cast["madoguchi"])
    b = submit(make_person(), cast["madoguchi"])
    assert a.receipt_number[:4] == b.receipt_number[:4]
    assert int(b.receipt_number) == int(a.receipt_number) + 1


def test_a_different_supervisor_approves_and_the_history_row_is_written(cast, person):
    entry = submit(person, cast["madoguchi"])
    approve(entry, cast["kakunin"])
    entry.refresh_from_db()
    assert entry.status == Status.APPROVED
    assert entry.checker == cast["kakunin"]
    row = QualificationRecord.objects.get(person=person)
    assert row.is_latest and row.operator == cast["madoguchi"] and row.entry == entry
    assert str(row.pk) == entry.applied_object_id
    assert AuditEvent.objects.filter(action="verify", person=person, actor=cast["kakunin"]).exists()


def test_self_approval_is_refused_by_the_service(cast, person):
    entry = submit(person, cast["kakunin"])  # a supervisor may also take forms in
    with pytest.raises(services.SelfApprovalRefused):
        approve(entry, cast["kakunin"])
    entry.refresh_from_db()
    assert entry.status == Status.PENDING
    assert not can_verify(cast["kakunin"], entry)
    assert can_verify(cast["kakunin2"], entry)


def test_self_approval_is_impossible_in_the_database(cast, person):
    entry = submit(person, cast["kakunin"])
    with pytest.raises(IntegrityError), transaction.atomic():
        Entry.objects.filter(pk=entry.pk).update(checker=cast["kakunin"], status=Status.APPROVED)


def test_counter_staff_cannot_approve(cast, person):
    entry = submit(person, cast["madoguchi"])
    with pytest.raises(services.NotPermitted):
        approve(entry, cast["oosato"])


def test_blind_rekey_mismatch_is_refused(cast, person):
    entry = submit(person, cast["madoguchi"])
    with pytest.raises(services.RekeyMismatch) as exc:
        approve(entry, cast["kakunin"], acquired_on=__import__("datetime").date(2010, 6, 15))
    assert exc.value.fields == ["acquired_on"]
    assert "資格取得年月日" in str(exc.value)
    entry.refresh_from_db()
    assert entry.status == Status.PENDING
    assert not QualificationRecord.objects.filter(person=person).exists()


def test_approval_of_a_stale_entry_is_refused(cast, person):
    stale = submit(person, cast["madoguchi"], kind=ACQ)
    # Meanwhile another acquisition... cannot exist (one open per kind); a loss entry made
    # against an older state shows the same thing: approve the acquisition first, then a loss
    # taken in before it is stale.
    approve(stale, cast["kakunin"])
    loss = submit(
        person,
        cast["oosato"],
        {
            "notified_on": "2020-01-10",
            "cause": "14",
            "event_on": "2020-01-06",
            "lost_on": "2020-01-06",
            "reason": "",
        },
        kind=LOSS,
    )
    correction = services.entry_amend(
        entry_id=stale.pk,
        payload=acquisition_payload("2010-06-14", reason="訂正"),
        actor=cast["madoguchi"],
    )
    approve(correction, cast["kakunin2"])  # the record moved after the loss was taken in
    with pytest.raises(services.StaleEntry):
        approve(loss, cast["kakunin"])
    loss.refresh_from_db()
    assert loss.status == Status.PENDING
    # The maker re-enters against the current record after a return.
    services.entry_return(entry_id=loss.pk, reason="記録が変わりました", actor=cast["kakunin"])
    services.entry_resubmit(entry_id=loss.pk, payload=loss.payload, actor=cast["oosato"])
    approve(Entry.objects.get(pk=loss.pk), cast["kakunin"])
    assert QualificationRecord.objects.get(person=person, is_latest=True).held == "0"


def test_one_open_entry_per_person_and_kind(cast, person):
    submit(person, cast["madoguchi"])
    with pytest.raises(services.DuplicateOpenEntry):
        submit(person, cast["oosato"])
    with pytest.raises(IntegrityError), transaction.atomic():
        Entry.objects.create(
            receipt_number="209900000001",
            kind=ACQ,
            form_code="01",
            person=person,
            payload={},
            base_version="x",
            maker=cast["oosato"],
        )


def test_return_with_reason_goes_back_to_the_maker(cast, person):
    entry = submit(person, cast["madoguchi"])
    with pytest.raises(services.VerificationError):
        services.entry_return(entry_id=entry.pk, reason="  ", actor=cast["kakunin"])
    services.entry_return(entry_id=entry.pk, reason="届出日が違います", actor=cast["kakunin"])
    entry.refresh_from_db()
    assert entry.status == Status.RETURNED and entry.return_reason == "届出日が違います"
    assert list(my_entries(cast["madoguchi"])) == [entry]
    assert entry not in waiting_for_verification(cast["kakunin2"])
    with pytest.raises(services.NotPermitted):
        services.entry_resubmit(entry_id=entry.pk, payload=entry.payload, actor=cast["oosato"])
    services.entry_resubmit(entry_id=entry.pk, payload=entry.payload, actor=cast["madoguchi"])
    entry.refresh_from_db()
    assert entry.status == Status.PENDING and entry.checker is None


def test_withdraw_only_by_the_maker(cast, person):
    entry = submit(person, cast["madoguchi"])
    with pytest.raises(services.NotPermitted):
        services.entry_withdraw(entry_id=entry.pk, actor=cast["oosato"])
    services.entry_withdraw(entry_id=entry.pk, actor=cast["madoguchi"])
    entry.refresh_from_db()
    assert entry.status == Status.WITHDRAWN
    submit(person, cast["oosato"])  # a withdrawn entry no longer blocks a new one


def test_editing_after_approval_is_a_new_pending_entry(cast, person):
    entry = submit(person, cast["madoguchi"])
    approve(entry, cast["kakunin"])
    first_row = QualificationRecord.objects.get(person=person)
    amended = services.entry_amend(
        entry_id=entry.pk,
        payload=acquisition_payload("2010-06-14", notified_on="2010-06-20"),
        actor=cast["madoguchi"],
    )
    assert amended.pk != entry.pk and amended.status == Status.PENDING
    assert amended.supersedes == entry and amended.receipt_number != entry.receipt_number
    entry.refresh_from_db()
    assert entry.status == Status.APPROVED and entry.payload["notified_on"] == "2010-06-14"
    first_row.refresh_from_db()
    assert first_row.acquisition_notified_on.isoformat() == "2010-06-14"  # nothing silent
    approve(amended, cast["kakunin2"])
    first_row.refresh_from_db()
    assert first_row.corrected and not first_row.is_latest
    latest = QualificationRecord.objects.get(person=person, is_latest=True)
    assert latest.acquisition_notified_on.isoformat() == "2010-06-20"


ALL = list(Status)


@pytest.mark.parametrize("start", ALL)
@pytest.mark.parametrize("target", ALL)
def test_every_transition_is_allowed_or_refused_by_the_table(cast, person, start, target):
    entry = submit(person, cast["madoguchi"])
    Entry.objects.filter(pk=entry.pk).update(status=start)
    if target in TRANSITIONS[start]:
        services.transition(entry.pk, target, actor=cast["kakunin"], reason="理由")
        entry.refresh_from_db()
        assert entry.status == target
        h = EntryHistory.objects.filter(entry=entry).last()
        assert (h.from_status, h.to_status) == (start, target)
        assert AuditEvent.objects.filter(
            object_id=str(entry.pk), details__変更後=str(target)
        ).exists()
    else:
        with pytest.raises(services.IllegalTransition):
            services.transition(entry.pk, target, actor=cast["kakunin"])
        entry.refresh_from_db()
        assert entry.status == start


def test_queues_oldest_first_excluding_own(cast, db):
    a = submit(make_person(), cast["madoguchi"])
    b = submit(make_person(), cast["kakunin"])
    c = submit(make_person(), cast["oosato"])
    assert list(waiting_for_verification(cast["kakunin"])) == [a, c]
    assert list(waiting_for_verification(cast["kakunin2"])) == [a, b, c]
    assert list(my_entries(cast["kakunin"])) == [b]
