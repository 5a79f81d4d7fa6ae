"""Reads of the person register: search, the person page and the qualification state."""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import F, Q, QuerySet
from django.utils.functional import cached_property

from kokumin_nenkin import wareki
from kokumin_nenkin.identifiers import MY_NUMBER_LIKE, is_valid_my_number

from .codes import Held
from .models import Memo, PensionNumberNoticeReissue, Person, QualificationRecord
from .my_number import lookup_hash
from .normalise import is_kana, kana_key, name_key

# --- qualification state ------------------------------------------------------------------


# The person page reads the whole qualification history once (`person_page`) and keeps it on
# the person object it hands to the page's blocks, so the entry kinds' checks run there
# (`precheck`, issue 14) read it instead of asking again (issue 16). Only that read-only page
# sets it; everywhere else these reads query.
HISTORY_SNAPSHOT = "_qualification_history"


def remember_history(person, rows: list[QualificationRecord]) -> None:
    """Keep `rows` (every history row of `person`, corrected ones too, in id order) on the
    person object for the reads below."""
    setattr(person, HISTORY_SNAPSHOT, rows)


def _remembered(person) -> list[QualificationRecord] | None:
    return getattr(person, HISTORY_SNAPSHOT, None)


def latest_record(person) -> QualificationRecord | None:
    rows = _remembered(person)
    if rows is not None:
        return next((r for r in rows if r.is_latest), None)
    return QualificationRecord.objects.filter(person=person, is_latest=True).first()


def qualification_state(person, supersedes=None):
    """The state a new entry is checked against: the latest row, or, for a correction of an
    approved entry, the row before the one that entry wrote (which must still be the latest)."""
    if supersedes is None:
        return latest_record(person)
    replaced = QualificationRecord.objects.filter(
        person=person, entry_id=supersedes.pk, corrected=False
    ).first()
    if replaced is None or not replaced.is_latest:
        raise ValidationError("訂正できるのは最新の資格履歴だけです。")
    return (
        QualificationRecord.objects.filter(person=person, id__lt=replaced.id, corrected=False)
        .order_by("-id")
        .first()
    )


def categories_by_month(person, first: date, last: date) -> dict[date, str]:
    """The 被保険者種別 code of each month from `first` to `last` (the 1st of each), or "" for a
    month without the qualification, from the qualification history (corrected rows left
    out). A month takes the state on its last day: the month of an acquisition or a change
    counts in the new state, the month of a loss no longer counts [GK: 月単位の資格]."""
    remembered = _remembered(person)
    records = (
        [r for r in remembered if not r.corrected]
        if remembered is not None
        else QualificationRecord.objects.filter(person=person, corrected=False)
    )
    rows = sorted(
        ((r.effective_on, r.pk, r) for r in records if r.effective_on is not None),
        key=lambda t: (t[0], t[1]),
    )
    out: dict[date, str] = {}
    month = first.replace(day=1)
    while month <= last:
        following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
        state = None
        for effective, _, row in rows:
            if effective >= following:
                break
            state = row
        out[month] = state.category if state is not None and state.held == Held.HELD else ""
        month = following
    return out


# --- search -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchQuery:
    text: str
    kind: str  # what the box understood: kana / name / basic_pension_number / number / birth_date
    label: str
    condition: Q
    fallback: Q | None = None  # tried only when `condition` finds nobody
    # The 前方一致 of a short フリガナ (the key of `condition`): `search_ids` reads its two
    # branches (姓名 / 名 from the start) each in the result order from an index.
    kana_prefix: str = ""

    @property
    def audit_text(self) -> str:
        """The query as the audit log keeps it: a 12-digit run is never written down."""
        return MY_NUMBER_LIKE.sub("＊" * 12, self.text)


_BPN = re.compile(r"^\d{4}-\d{6}$")
# Shorter name queries match from the start of 姓 or 名 (a trigram index needs 3 characters).
PARTIAL_MIN = 3
# Searches stop counting here: "1,000件以上" is enough to ask for a narrower query.
COUNT_CAP = 1000


ADDRESSEE_MAX = 15  # digits of a 宛名番号 (F3)


def addressee_numbers(digits: str) -> Q:
    """A 宛名番号 as typed, with or without its leading zeros ("10" finds 0000000010): every
    zero-padded width, through the unique index."""
    core = digits.lstrip("0") or "0"
    widths = range(len(core), ADDRESSEE_MAX + 1)
    return Q(addressee_number__in=sorted({digits, *(core.zfill(n) for n in widths)}))


def understand(text: str) -> SearchQuery | None:
    raw = unicodedata.normalize("NFKC", text or "").strip()
    if not raw:
        return None
    compact = re.sub(r"[\s\-‐－―ー]", "", raw) if re.fullmatch(r"[\d\s\-‐－―ー]+", raw) else ""
    if compact:
        hyphenated = re.sub(r"[‐－―ー]", "-", raw.replace(" ", ""))
        if _BPN.match(hyphenated) or (len(compact) == 10 and "-" in hyphenated):
            bpn = f"{compact[:4]}-{compact[4:]}"
            return SearchQuery(
                text, "basic_pension_number", "基礎年金番号", Q(basic_pension_number=bpn)
            )
        if len(compact) == 8:
            try:
                born = wareki.parse(compact)
            except wareki.WarekiError:
                born = None
            if born is not None:
                return SearchQuery(
                    text, "birth_date", "生年月日", Q(birth_date=born) | addressee_numbers(compact)
                )
        condition = addressee_numbers(compact) if len(compact) <= ADDRESSEE_MAX else Q(pk=None)
        if len(compact) == 12 and is_valid_my_number(compact):
            # exact match through the keyed hash; the number itself is never stored or logged
            return SearchQuery(
                text, "my_number", "個人番号", condition | Q(my_number_hash=lookup_hash(compact))
            )
        if len(compact) == 10:
            condition |= Q(basic_pension_number=f"{compact[:4]}-{compact[4:]}")
            return SearchQuery(text, "number", "宛名番号・基礎年金番号", condition)
        return SearchQuery(text, "number", "宛名番号", condition)
    try:
        born: date | None = wareki.parse(raw)
    except wareki.WarekiError:
        born = None
    if born is not None:
        return SearchQuery(text, "birth_date", "生年月日", Q(birth_date=born))
    if is_kana(raw):
        key = kana_key(raw)
        if len(key) < PARTIAL_MIN:
            # 前方一致 of 姓 or 名: a btree range scan instead of reading every row
            condition = Q(kana_key__startswith=key) | Q(given_name_kana__startswith=key)
            return SearchQuery(text, "kana", "フリガナ（前方一致）", condition, kana_prefix=key)
        return SearchQuery(text, "kana", "フリガナ", Q(kana_key__contains=key))
    key = name_key(raw)
    if len(key) < PARTIAL_MIN:
        # 姓 or 名 from the start; a town name (no one is called 本町) falls back to the address
        condition = Q(name_key__startswith=key) | Q(given_name__startswith=key)
        return SearchQuery(
            text, "name", "氏名（前方一致）・住所", condition, fallback=Q(address__contains=key)
        )
    return SearchQuery(
        text, "name", "氏名・住所", Q(name_key__contains=key) | Q(address__contains=key)
    )


class CappedPaginator(Paginator):
    """Counts at most COUNT_CAP + 1 rows, so a broad query costs no more than a narrow one."""

    @cached_property
    def count(self) -> int:
        return self.object_list.order_by()[: COUNT_CAP + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > COUNT_CAP


def search_persons(query: SearchQuery) -> QuerySet[Person]:
    condition = query.condition
    if query.fallback is not None and not Person.objects.filter(condition).exists():
        condition = query.fallback
    return _sorted(
        Person.objects.filter(condition).only(
            "id",
            "addressee_number",
            "family_name",
            "given_name",
            "family_name_kana",
            "given_name_kana",
            "sex",
            "birth_date",
            "address",
            "basic_pension_number",
            "residence_status",
            "kana_key",
        )
    )


# The order of every result list: フリガナ key, then id. On PostgreSQL the key is compared in
# the "C" collation (code point order, the same order as the database's C.UTF-8), so the index
# person_kana_order (kana_key COLLATE "C", id) serves both the 前方一致 and the ORDER BY.
SORT_KEY = "sort_kana"


def _sorted(rows: QuerySet[Person]) -> QuerySet[Person]:
    from django.db import connection
    from django.db.models.functions import Collate

    if connection.vendor == "postgresql":
        return rows.annotate(**{SORT_KEY: Collate("kana_key", "C")}).order_by(SORT_KEY, "id")
    return rows.annotate(**{SORT_KEY: F("kana_key")}).order_by(SORT_KEY, "id")


def search_ids(query: SearchQuery, limit: int) -> list[int]:
    """The ids of the first `limit` persons found, in the result order, reading no more than it
    needs: a short フリガナ's 前方一致 is asked branch by branch (姓名の先頭 / 名の先頭), each the
    first `limit` rows of an index walked in the result order (a keyset on (key, id)), and the
    branches are merged here. Sorting every match of a broad prefix ('ヤマ': ~12,000 of 100,000)
    cost 40–48 ms on PostgreSQL; this reads at most `limit` index entries per branch."""
    if not query.kana_prefix:
        return _matches_then_order(search_persons(query), limit)
    import heapq

    key = query.kana_prefix
    branches = [
        _sorted(Person.objects.all()).filter(**{f"{SORT_KEY}__startswith": key}),
        _sorted(Person.objects.filter(given_name_kana__startswith=key)),
    ]
    runs = [list(rows.values_list(SORT_KEY, "id")[:limit]) for rows in branches]
    ids: list[int] = []
    seen: set[int] = set()
    for _, pk in heapq.merge(*runs):
        if pk not in seen:
            seen.add(pk)
            ids.append(pk)
            if len(ids) == limit:
                break
    return ids


# A name, address or date search matches rows that cluster in the フリガナ order (every 山田 is
# a ヤマダ): left to itself, PostgreSQL walks person_kana_order and filters, reading ~900,000
# index entries for '山田' at 1,000,000 persons (4 s). Reading the matches through their own
# indexes first and ordering only them takes 40–60 ms there. When a term matches so many rows
# that ordering them would cost more (MATCHES_ORDERED_HERE), the order index is walked as
# before: dense matches are found near its start.
MATCHES_ORDERED_HERE = 50_000


def _matches_then_order(rows: QuerySet[Person], limit: int) -> list[int]:
    from django.db import connection

    if connection.vendor != "postgresql":
        return list(rows.values_list("pk", flat=True)[:limit])
    matches_sql, params = rows.order_by().values_list("pk", "kana_key").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"""WITH m AS MATERIALIZED ({matches_sql} LIMIT %s)
                SELECT m.pk, (SELECT count(*) FROM m)
                  FROM m ORDER BY m.kana_key COLLATE "C", m.pk LIMIT %s""",  # noqa: S608 - Django's own SQL, values as parameters
            [*params, MATCHES_ORDERED_HERE + 1, limit],
        )
        found = cursor.fetchall()
    if found and found[0][1] > MATCHES_ORDERED_HERE:
        return list(rows.values_list("pk", flat=True)[:limit])
    return [pk for pk, _ in found]


# --- the person page -----------------------------------------------------------------------


def person_page(person_pk: int) -> dict:
    """Everything the person page shows, in a fixed, small number of queries whatever the
    history: the person is read with an EXISTS for every block (this page's own and the
    registered panels' sources, `qualifications.panels`), and only the blocks that have rows
    are read after it. A person with a qualification history and nothing else costs two."""
    from django.db.models import Exists, OuterRef

    from kokumin_nenkin.verification.models import OPEN_STATUSES, Entry
    from kokumin_nenkin.verification.selectors import open_entries_for, remember_open_entries

    from .panels import panels_for, presence_annotations

    person_rows = {
        "has_history": QualificationRecord.objects.filter(person=OuterRef("pk")),
        "has_open_entries": Entry.objects.filter(person=OuterRef("pk"), status__in=OPEN_STATUSES),
        "has_memos": Memo.objects.filter(person=OuterRef("pk")),
        "has_reissues": PensionNumberNoticeReissue.objects.filter(person=OuterRef("pk")),
        "has_household": Person.objects.filter(household_id=OuterRef("household_id")).exclude(
            pk=OuterRef("pk")
        ),
    }
    person = (
        Person.objects.select_related("household", "spouse")
        .annotate(
            **{name: Exists(rows) for name, rows in person_rows.items()},
            **presence_annotations(),
        )
        .get(pk=person_pk)
    )
    history = (
        list(
            QualificationRecord.objects.filter(person=person)
            .select_related("operator", "entry")
            .order_by("id")
        )
        if person.has_history
        else []
    )
    remember_history(person, history)  # for the 届書 offered (each kind's precheck)
    latest = next((r for r in history if r.is_latest), None)
    household = (
        list(
            Person.objects.filter(household_id=person.household_id)
            .exclude(pk=person.pk)
            .only("id", "family_name", "given_name", "birth_date", "relationship", "is_householder")
            .order_by("-is_householder", "birth_date")
        )
        if person.household_id and person.has_household
        else []
    )
    open_entries = list(open_entries_for(person)) if person.has_open_entries else []
    remember_open_entries(person, open_entries)  # the 届書 offered: "既に受付中"
    return {
        "person": person,
        "history": history,
        "latest": latest,
        "open_entries": open_entries,
        "memos": (
            list(Memo.objects.filter(person=person).select_related("operator")[:50])
            if person.has_memos
            else []
        ),
        "reissues": (
            list(
                PensionNumberNoticeReissue.objects.filter(person=person).select_related("operator")
            )
            if person.has_reissues
            else []
        ),
        "household_members": household,
        "panels": panels_for(person),  # what the workflow and reporting apps add
    }
