"""The retention table: how long each kind of record is kept, and from when (docs/retention.md).

Values marked [GK] are the office's working assumption until 総務課 (文書管理規程) confirms
them. A person's file goes as one: the person is due when every kind of record they hold is
past its period. Periods count from the person's end — loss of qualification (the latest
資格履歴 row says 資格無 with a 資格喪失年月日), death or move-out (住民異動) — or from the
record's own end where that is later (a 開示請求 from its decision). The words typed into
searches (kept beside the audit log) count from the search (`purge.expire_search_words`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, Max, OuterRef, Q


@dataclass(frozen=True)
class RetentionRule:
    kind: str  # model label
    label: str
    years: int
    counted_from: str
    assumed: bool  # [GK]: not yet confirmed by 文書管理規程


RETENTION: tuple[RetentionRule, ...] = (
    RetentionRule(
        "qualifications.Person",
        "宛名・資格記録（資格履歴、メモ、再交付）",
        5,
        "資格喪失・死亡・転出の日",
        True,
    ),
    RetentionRule(
        "exemptions.*", "免除・納付猶予・付加の記録と所得", 5, "資格喪失・死亡・転出の日", True
    ),
    RetentionRule("benefits.BenefitClaim", "裁定請求の記録", 5, "資格喪失・死亡・転出の日", True),
    RetentionRule(
        "verification.Entry", "届書の受付（入力内容）", 5, "資格喪失・死亡・転出の日", True
    ),
    RetentionRule(
        "jps_reporting.BatchItem",
        "進達の明細と出力（複数人を含む出力は全員が満了するまで）",
        5,
        "資格喪失・死亡・転出の日",
        True,
    ),
    RetentionRule(
        "resident_requests.ResidentRequest",
        "本人からの請求と開示文書",
        3,
        "決定の日",
        True,
    ),
    RetentionRule(
        "audit.SearchWords",
        "監査ログの検索語（職員が検索欄に入力した語）",
        1,
        "検索の日",
        True,
    ),
)

PERSON_YEARS = max(r.years for r in RETENTION if r.counted_from.startswith("資格喪失"))
REQUEST_YEARS = next(r.years for r in RETENTION if r.kind.startswith("resident_requests"))
#: the words typed into a search: kept for the yearly review of the access log, then deleted
#: with a tombstone (the search event stays, with its digest); a purge deletes them earlier
SEARCH_WORDS_YEARS = next(r.years for r in RETENTION if r.kind == "audit.SearchWords")


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 2月29日
        return day.replace(year=day.year - years, day=28)


def years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True)
class Due:
    person_id: int
    ended_on: date
    due_on: date


def due_persons(as_of: date) -> list[Due]:
    """The persons whose whole file is past its retention on `as_of`, in id order. Held back:
    anyone with an open 届書 or an open request, or a request decided within REQUEST_YEARS."""
    from kokumin_nenkin.verification.models import OPEN_STATUSES, Entry
    from qualifications.models import Person, QualificationRecord, ResidenceStatus

    from .models import ResidentRequest

    cutoff = years_before(as_of, PERSON_YEARS)
    request_cutoff = years_before(as_of, REQUEST_YEARS)
    lost = QualificationRecord.objects.filter(
        person=OuterRef("pk"), is_latest=True, held="0", lost_on__isnull=False
    )
    open_entry = Entry.objects.filter(person=OuterRef("pk"), status__in=OPEN_STATUSES)
    live_request = ResidentRequest.objects.filter(person=OuterRef("pk")).filter(
        Q(decided_on__isnull=True) | Q(decided_on__gt=request_cutoff)
    )
    moved_or_died = Q(
        residence_status__in=[ResidenceStatus.MOVED_OUT, ResidenceStatus.DECEASED],
        residence_event_on__lte=cutoff,
    )
    rows = (
        Person.objects.annotate(
            lost_on=Max(
                "qualifications__lost_on",
                filter=Q(qualifications__is_latest=True, qualifications__held="0"),
            )
        )
        .filter(moved_or_died | Q(Exists(lost), lost_on__lte=cutoff))
        .exclude(Exists(open_entry))
        .exclude(Exists(live_request))
        .order_by("pk")
        .values_list("pk", "residence_status", "residence_event_on", "lost_on")
    )
    found = []
    for pk, status, event_on, lost_on in rows:
        ends = [d for d in (lost_on,) if d is not None]
        if status in (ResidenceStatus.MOVED_OUT, ResidenceStatus.DECEASED) and event_on:
            ends.append(event_on)
        ended = max(ends)
        due = years_after(ended, PERSON_YEARS)
        if due <= as_of:
            found.append(Due(pk, ended, due))
    return found
