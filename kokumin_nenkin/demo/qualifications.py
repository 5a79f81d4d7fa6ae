"""Synthetic identifiers and qualification histories for seed_demo, so every workflow has
examples: 20-year-olds still to enrol (some already taken in, waiting for verification, one
returned), people who just turned 60, category changes, deaths, 任意加入.

Everything here is made up: 個人番号 are random digits with a correct check digit,
基礎年金番号 are random. Histories are written as migrated data (no entry, no audit event).
"""

import random
from datetime import date, timedelta
from typing import Any

from kokumin_nenkin.identifiers import my_number_check_digit
from kokumin_nenkin.verification.models import Entry, EntryHistory, Status
from kokumin_nenkin.verification.registry import get_kind
from kokumin_nenkin.verification.services import entry_approve, next_receipt_number
from qualifications import my_number
from qualifications.codes import (
    AcquisitionCause,
    CategoryChangeCause,
    Event,
    Held,
    InsuredCategory,
    LossCause,
)
from qualifications.models import Memo, Person, QualificationRecord, ResidenceStatus
from qualifications.rules import age_reached_on

RECENT_DAYS = 60  # reached 20 / 60 within this many days: work still to do


def synthetic_my_number(sequence: int) -> str:
    """A made-up 個人番号 with a correct check digit. The first 11 digits are the person's
    sequence number scrambled by a multiplier coprime to 10, so no two persons share one."""
    first11 = f"{(sequence * 73_939_133 + 12_345_678_901) % 10**11:011d}"
    return first11 + str(my_number_check_digit(first11))


def fill_identifiers(rng: random.Random, person: Person, today: date, sequence: int) -> None:
    """Before insert: 個人番号 (most people), 基礎年金番号 (adults), search keys."""
    if rng.random() < 0.95:
        number = synthetic_my_number(sequence)
        person.my_number_encrypted = my_number.encrypt(number)
        person.my_number_hash = my_number.lookup_hash(number)
    adult_since = age_reached_on(person.birth_date, 20)
    if adult_since <= today - timedelta(days=RECENT_DAYS) and rng.random() < 0.97:
        person.basic_pension_number = f"{rng.randint(1000, 9999)}-{rng.randint(0, 999999):06d}"
    person.normalise()


def _row(person, operator, **fields) -> QualificationRecord:
    return QualificationRecord(person=person, operator=operator, is_latest=False, **fields)


def history_for(rng: random.Random, person: Person, today: date, operator):
    """The migrated history of one person (oldest first, the last one latest)."""
    at20 = age_reached_on(person.birth_date, 20)
    at60 = age_reached_on(person.birth_date, 60)
    if at20 > today - timedelta(days=RECENT_DAYS):
        return []  # under 20, or just turned 20: enrolment is work still to do
    if person.residence_status == ResidenceStatus.MOVED_OUT and rng.random() < 0.5:
        return []
    rows = []
    acquisition: dict[str, Any] = {
        "event": Event.ACQUISITION,
        "held": Held.HELD,
        "category": InsuredCategory.FIRST,
        "acquisition_notified_on": at20 + timedelta(days=rng.randint(0, 20)),
        "acquired_on": at20,
        "acquisition_cause": AcquisitionCause.AGE_20,
    }
    rows.append(_row(person, operator, **acquisition))
    state = dict(acquisition)
    end = min(today, at60 - timedelta(days=1))
    if (end - at20).days > 800 and rng.random() < 0.3:
        changed = at20 + timedelta(days=rng.randint(300, (end - at20).days - 300))
        state.update(
            event=Event.CATEGORY_CHANGE,
            category=InsuredCategory.SECOND,
            category_changed_on=changed,
            category_change_cause=CategoryChangeCause.BECAME_SECOND,
            category_change_notified_on=changed + timedelta(days=rng.randint(0, 14)),
        )
        rows.append(_row(person, operator, **state))
        if rng.random() < 0.5 and (end - changed).days > 200:
            back = changed + timedelta(days=rng.randint(100, (end - changed).days - 50))
            state.update(
                category=InsuredCategory.FIRST,
                category_changed_on=back,
                category_change_cause=CategoryChangeCause.LEFT_SECOND,
                category_change_notified_on=back + timedelta(days=rng.randint(0, 14)),
            )
            rows.append(_row(person, operator, **state))
    last_change = state.get("category_changed_on") or at20
    if person.residence_status == ResidenceStatus.DECEASED and at60 > today:
        died = max(last_change, today - timedelta(days=rng.randint(30, 700)))
        state.update(
            event=Event.LOSS,
            held=Held.NOT_HELD,
            loss_notified_on=min(today, died + timedelta(days=rng.randint(1, 14))),
            lost_on=died + timedelta(days=1),
            loss_cause=LossCause.DEATH,
        )
        rows.append(_row(person, operator, **state))
    elif at60 <= today - timedelta(days=RECENT_DAYS):
        state.update(
            event=Event.LOSS,
            held=Held.NOT_HELD,
            loss_notified_on=at60,
            lost_on=at60,
            loss_cause=LossCause.AGE_60,
        )
        rows.append(_row(person, operator, **state))
        age = today.year - person.birth_date.year
        if 60 <= age <= 64 and rng.random() < 0.08:
            applied = at60 + timedelta(days=rng.randint(1, 200))
            if applied <= today:
                rows.append(
                    _row(
                        person,
                        operator,
                        event=Event.ACQUISITION,
                        held=Held.HELD,
                        category=InsuredCategory.VOLUNTARY,
                        acquisition_notified_on=applied,
                        acquired_on=applied,
                        acquisition_cause=AcquisitionCause.VOLUNTARY_APPLICATION,
                        acquisition_reason="納付済月数が480月に満たないため",
                    )
                )
    if rows:
        rows[-1].is_latest = True
    return rows


def _years_ago(today: date, years: int) -> date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 Feb
        return date(today.year - years, 2, 28)


def pending_work(today: date, staff: dict) -> int:
    """A few entries waiting for verification (one returned) and memos, for the demo queues."""
    makers = [staff["madoguchi"], staff["oosato"]]
    checker = staff["kakunin"]
    young = list(
        Person.objects.filter(
            residence_status=ResidenceStatus.RESIDENT,
            birth_date__gt=_years_ago(today, 20) - timedelta(days=RECENT_DAYS - 2),
            birth_date__lte=_years_ago(today, 20),
        ).order_by("addressee_number")[:8]
    )
    sixty = list(
        Person.objects.filter(
            residence_status=ResidenceStatus.RESIDENT,
            qualifications__is_latest=True,
            qualifications__held=Held.HELD,
            birth_date__gt=_years_ago(today, 60) - timedelta(days=RECENT_DAYS - 2),
            birth_date__lte=_years_ago(today, 60),
        ).order_by("addressee_number")[:4]
    )
    made = 0
    to_approve: list[Entry] = []
    acq = get_kind("qualifications.acquisition")
    loss = get_kind("qualifications.loss")
    for i, person in enumerate(young):
        at20 = age_reached_on(person.birth_date, 20).isoformat()
        payload = {
            "notified_on": today.isoformat(),
            "category": "1",
            "cause": "01",
            "event_on": "",
            "acquired_on": at20,
            "reason": "",
        }
        entry = _entry(acq, person, payload, makers[i % 2])
        if i >= max(1, len(young) - 2):  # never the one returned below
            to_approve.append(entry)
        if i == 0:
            entry.status = Status.RETURNED
            entry.checker = checker
            entry.return_reason = "届出年月日を届書で確認してください。"
            entry.save()
            EntryHistory.objects.create(
                entry=entry,
                from_status=Status.PENDING,
                to_status=Status.RETURNED,
                actor=checker,
                reason=entry.return_reason,
            )
        made += 1
    for i, person in enumerate(sixty):
        at60 = age_reached_on(person.birth_date, 60).isoformat()
        payload = {
            "notified_on": today.isoformat(),
            "cause": "13",
            "event_on": "",
            "lost_on": at60,
            "reason": "",
        }
        entry = _entry(loss, person, payload, makers[i % 2])
        if i >= len(sixty) - 2:
            to_approve.append(entry)
        Memo.objects.create(
            person=person,
            registered_on=today,
            operator=makers[i % 2],
            consultation="60歳以降の任意加入について説明した。",
            remarks="納付済月数を確認のうえ再来庁予定。",
        )
        made += 1
    # A few checked by the supervisor, so the 進達 screen has entries waiting to be reported.
    for entry in to_approve:
        kind = get_kind(entry.kind)
        cleaned = kind.decode(entry.payload)
        entry_approve(
            entry_id=entry.pk,
            rekeyed={n: cleaned[n] for n in kind.key_fields},
            actor=checker,
        )
    return made


def _entry(kind, person, payload, maker) -> Entry:
    entry = Entry.objects.create(
        receipt_number=next_receipt_number(),
        kind=kind.code,
        form_code=kind.form_code,
        person=person,
        payload=payload,
        base_version=kind.current_version(person),
        maker=maker,
        maker_office_id=maker.office_id,
    )
    EntryHistory.objects.create(entry=entry, from_status="", to_status=Status.PENDING, actor=maker)
    return entry


def tidy_search_indexes() -> None:
    """After a bulk load on PostgreSQL: merge the GIN pending lists of the trigram indexes and
    refresh the planner statistics (autovacuum does the same in time; a demo should not wait).
    Without it every search scans the pending list: 100 ms instead of 2 ms."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT gin_clean_pending_list(c.oid::regclass) FROM pg_class c "
            "JOIN pg_index i ON i.indexrelid = c.oid JOIN pg_am a ON a.oid = c.relam "
            "WHERE i.indrelid = 'qualifications_person'::regclass AND a.amname = 'gin'"
        )
        cursor.execute("ANALYZE qualifications_person")
        cursor.execute("ANALYZE qualifications_qualificationrecord")
