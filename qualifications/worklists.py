"""The 職権・勧奨 work lists: residents the office must enrol or take off, each row with the
entry it pre-fills (the entry still goes through two-person verification).

- 20歳到達者: residents reaching 20 in the month (the day before the birthday) who hold no
  qualification on their latest history row → 資格取得届, 20歳到達, 第1号, that day. A
  第2号 / 第3号 held leaves them out (not the city's: DOMAIN_RULES §1), and so does a 第1号
  already held (the row's entry was approved); a 第2号 / 第3号 *lost* before 20 does not.
- 転入者: residents moved in (F3 A1 / A2), aged 20–59 on that day, with no current
  qualification → 資格取得届, 第1号: from abroad 国外からの転入 on that day; from another
  municipality その他 (the acquisition date is asked).
- 60歳到達者: 第1号 / 任意加入 reaching 60 in the month → 資格喪失届, 60歳到達, that day.
- 死亡者: 第1号 / 任意加入 / 特例任意加入 persons who died (F3 C1) → 資格喪失届, 死亡, the
  next day.
- 国外転出者: the same who moved abroad (F3 B2) → 資格喪失届, 国外転出, the next day.
- 氏名・住所変更の届出: F3 D1 / D2 changes of persons holding 第1号 / 任意加入 /
  特例任意加入 (`ResidentChange`, left by the import) → 氏名変更届 (04) / 住所変更届 (05)
  pre-filled with the new name or address and the change's date. The import itself is run by
  a 進達担当, who does not take entries in; a counter clerk confirms the 届出 here.

A row leaves its list when the person has an open entry of that kind, when the record no
longer fits (the entry was approved), or when a clerk set it aside with a reason
(`WorkListDismissal`, audited). The age lists are read per month; the others list every
outstanding row.

Offices: a row belongs to the office whose area its address names (`OFFICE_AREAS`, [GK] — the
行政センター areas by their 地区名; everything else is 本庁's).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils import timezone

from kokumin_nenkin.verification.models import OPEN_STATUSES, Entry, Status

from . import rules
from .codes import (
    REPORTED_CHANGE_CATEGORIES,
    AcquisitionCause,
    Held,
    InsuredCategory,
    LossCause,
)
from .models import (
    Person,
    QualificationRecord,
    ResidenceStatus,
    ResidentChange,
    ResidentEvent,
    WorkList,
)
from .models import WorkListDismissal as Dismissal

# [GK] office → the 地区名 its address area is known by; one place to correct.
OFFICE_AREAS: dict[str, tuple[str, ...]] = {
    "oosato": ("大里",),
    "menuma": ("妻沼",),
    "konan": ("江南",),
}
MAIN_OFFICE = "honcho"

ACQUISITION_KIND = "qualifications.acquisition"
LOSS_KIND = "qualifications.loss"
KIND_OF = {
    WorkList.AGE_20: ACQUISITION_KIND,
    WorkList.MOVED_IN: ACQUISITION_KIND,
    WorkList.AGE_60: LOSS_KIND,
    WorkList.DIED: LOSS_KIND,
    WorkList.MOVED_ABROAD: LOSS_KIND,
}
NAME_CHANGE_KIND = "qualifications.name_change"
ADDRESS_CHANGE_KIND = "qualifications.address_change"
CHANGE_KINDS = {
    ResidentEvent.NAME_CHANGE: NAME_CHANGE_KIND,
    ResidentEvent.ADDRESS_CHANGE: ADDRESS_CHANGE_KIND,
}
MONTHLY = frozenset({WorkList.AGE_20, WorkList.AGE_60})
AGE_60_CATEGORIES = (InsuredCategory.FIRST, InsuredCategory.VOLUNTARY)
LEAVING_CATEGORIES = (
    InsuredCategory.FIRST,
    InsuredCategory.VOLUNTARY,
    InsuredCategory.SPECIAL_VOLUNTARY,
)


def office_of(address: str) -> str:
    for code, areas in OFFICE_AREAS.items():
        if any(area in address for area in areas):
            return code
    return MAIN_OFFICE


@dataclass
class WorkRow:
    work_list: str
    person: Person
    event_on: date  # the day the list is about (20歳到達日, 転入日, 死亡日 …)
    kind: str  # the entry kind the row pre-fills
    initial: dict[str, str] = field(default_factory=dict)
    note: str = ""

    @property
    def office(self) -> str:
        return office_of(self.person.address)


def month_bounds(year: int, month: int) -> tuple[date, date]:
    first = date(year, month, 1)
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    return first, nxt - timedelta(days=1)


def _years_back(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year - years)
    except ValueError:  # 29 Feb
        return date(d.year - years, 2, 28)


def _reaching(age: int, first: date, last: date):
    """Persons whose `age` is reached between first and last (a day's margin each side; the
    exact rule is applied by `rules.age_reached_on`)."""
    low = _years_back(first, age) - timedelta(days=2)
    high = _years_back(last, age) + timedelta(days=2)
    return Person.objects.filter(birth_date__range=(low, high))


def _held(person_ids) -> dict[int, QualificationRecord]:
    return {
        r.person_id: r
        for r in QualificationRecord.objects.filter(
            person_id__in=person_ids, is_latest=True, held=Held.HELD
        )
    }


def _open(kind: str, person_ids) -> set[int]:
    return set(
        Entry.objects.filter(
            kind=kind, person_id__in=person_ids, status__in=OPEN_STATUSES
        ).values_list("person_id", flat=True)
    )


def _dismissed(work_list: str, person_ids) -> set[tuple[int, date]]:
    return set(
        Dismissal.objects.filter(work_list=work_list, person_id__in=person_ids).values_list(
            "person_id", "event_on"
        )
    )


def _candidates(work_list: str, first: date, last: date) -> list[tuple[Person, date]]:
    if work_list in (WorkList.AGE_20, WorkList.AGE_60):
        age = 20 if work_list == WorkList.AGE_20 else 60
        persons = _reaching(age, first, last).filter(residence_status=ResidenceStatus.RESIDENT)
        out = []
        for p in persons:
            reached = rules.age_reached_on(p.birth_date, age)
            if first <= reached <= last:
                out.append((p, reached))
        return out
    codes = {
        WorkList.MOVED_IN: (ResidentEvent.MOVED_IN, ResidentEvent.MOVED_IN_FROM_ABROAD),
        WorkList.DIED: (ResidentEvent.DIED,),
        WorkList.MOVED_ABROAD: (ResidentEvent.MOVED_ABROAD,),
    }[WorkList(work_list)]
    persons = Person.objects.filter(residence_event__in=codes, residence_event_on__isnull=False)
    if work_list == WorkList.MOVED_IN:
        persons = persons.filter(residence_status=ResidenceStatus.RESIDENT)
    return [(p, p.residence_event_on) for p in persons]


def _initial(work_list: str, person: Person, on: date, today: date) -> tuple[dict, str]:
    notified = today.isoformat()
    if work_list == WorkList.AGE_20:
        return {
            "notified_on": notified,
            "category": InsuredCategory.FIRST,
            "cause": AcquisitionCause.AGE_20,
            "acquired_on": on.isoformat(),
        }, ""
    if work_list == WorkList.MOVED_IN:
        if person.residence_event == ResidentEvent.MOVED_IN_FROM_ABROAD:
            return {
                "notified_on": notified,
                "category": InsuredCategory.FIRST,
                "cause": AcquisitionCause.ENTRY_FROM_ABROAD,
                "event_on": on.isoformat(),
                "acquired_on": on.isoformat(),
            }, "国外から"
        return {
            "notified_on": notified,
            "category": InsuredCategory.FIRST,
            "cause": AcquisitionCause.OTHER,
            "reason": "市外からの転入",
        }, "市外から（資格取得年月日は前住所地の記録で確認）"
    cause, fn = {
        WorkList.AGE_60: (LossCause.AGE_60, None),
        WorkList.DIED: (LossCause.DEATH, rules.LOSS_DATE_RULES[LossCause.DEATH][1]),
        WorkList.MOVED_ABROAD: (
            LossCause.EMIGRATION,
            rules.LOSS_DATE_RULES[LossCause.EMIGRATION][1],
        ),
    }[WorkList(work_list)]
    if fn is None:
        return {"notified_on": notified, "cause": cause, "lost_on": on.isoformat()}, ""
    lost = fn(on, person.birth_date)
    return {
        "notified_on": notified,
        "cause": cause,
        "event_on": on.isoformat(),
        "lost_on": lost.isoformat() if lost else "",
    }, ""


def work_list_rows(
    work_list: str,
    *,
    year: int | None = None,
    month: int | None = None,
    office: str | None = None,
    today: date | None = None,
) -> list[WorkRow]:
    """The rows of one list (of one month for the age lists), for one office or all (None)."""
    today = today or timezone.localdate()
    if work_list == WorkList.CHANGES:
        return _change_rows(office, today)
    if work_list in MONTHLY:
        first, last = month_bounds(year or today.year, month or today.month)
    else:
        first, last = date.min, date.max
    candidates = _candidates(work_list, first, last)
    ids = [p.pk for p, _ in candidates]
    held = _held(ids)
    kind = KIND_OF[WorkList(work_list)]
    open_ids = _open(kind, ids)
    dismissed = _dismissed(work_list, ids)
    rows = []
    for person, on in candidates:
        if person.pk in open_ids or (person.pk, on) in dismissed:
            continue
        current = held.get(person.pk)
        if kind == ACQUISITION_KIND:
            # 第2号 / 第3号 held: not the city's; 第1号 / 任意加入 held: already enrolled
            # (the row's entry was approved). A lost record never keeps a resident off.
            if current is not None:
                continue
            if (
                work_list == WorkList.MOVED_IN
                and not 20 <= rules.age_on(person.birth_date, on) < 60
            ):
                continue
        else:
            allowed = AGE_60_CATEGORIES if work_list == WorkList.AGE_60 else LEAVING_CATEGORIES
            if current is None or current.category not in allowed:
                continue
        if office and office_of(person.address) != office:
            continue
        initial, note = _initial(work_list, person, on, today)
        rows.append(WorkRow(work_list, person, on, kind, initial, note))
    rows.sort(key=lambda r: (r.event_on, r.person.kana_key, r.person.addressee_number))
    return rows


def _change_rows(office: str | None, today: date) -> list[WorkRow]:
    """「氏名・住所変更の届出」: the F3 D1 / D2 changes of persons holding 第1号 / 任意加入, each
    until a 氏名変更届 / 住所変更届 is taken in for the person after it (a withdrawn one does
    not count) or it is set aside with a reason."""
    changes = list(ResidentChange.objects.select_related("person").order_by("changed_on", "id"))
    ids = {c.person_id for c in changes}
    held = _held(ids)
    taken: dict[tuple[str, int], list] = {}
    for kind, person_id, created in (
        Entry.objects.filter(kind__in=CHANGE_KINDS.values(), person_id__in=ids)
        .exclude(status=Status.WITHDRAWN)
        .values_list("kind", "person_id", "created_at")
    ):
        taken.setdefault((kind, person_id), []).append(created)
    dismissed = _dismissed(WorkList.CHANGES, ids)
    rows = []
    for change in changes:
        person, kind = change.person, CHANGE_KINDS[ResidentEvent(change.event)]
        if any(created >= change.created_at for created in taken.get((kind, person.pk), [])):
            continue
        if (person.pk, change.changed_on) in dismissed:
            continue
        current = held.get(person.pk)
        if current is None or current.category not in REPORTED_CHANGE_CATEGORIES:
            continue
        if office and office_of(person.address) != office:
            continue
        initial = {"notified_on": today.isoformat(), "changed_on": change.changed_on.isoformat()}
        if kind == NAME_CHANGE_KIND:
            initial |= {
                "family_name": person.family_name,
                "given_name": person.given_name,
                "family_name_kana": person.family_name_kana,
                "given_name_kana": person.given_name_kana,
            }
        else:
            initial |= {"postal_code": person.postal_code, "address": person.address}
        note = f"住民異動 {change.event} {change.get_event_display()}（市民課から）"
        rows.append(WorkRow(WorkList.CHANGES, person, change.changed_on, kind, initial, note))
    return rows


def work_list_counts(office: str | None, today: date | None = None) -> dict[str, int]:
    """Rows per list for the home page: the age lists of this month, the others outstanding."""
    today = today or timezone.localdate()
    return {
        w.value: len(
            work_list_rows(w, year=today.year, month=today.month, office=office, today=today)
        )
        for w in WorkList
    }


def row_of(work_list: str, person: Person, event_on: date) -> WorkRow | None:
    """The row (person, event_on) of the list as it is now, or None."""
    rows = work_list_rows(work_list, year=event_on.year, month=event_on.month)
    return next((r for r in rows if r.person.pk == person.pk and r.event_on == event_on), None)


__all__ = [
    "OFFICE_AREAS",
    "WorkRow",
    "month_bounds",
    "office_of",
    "row_of",
    "work_list_counts",
    "work_list_rows",
]
