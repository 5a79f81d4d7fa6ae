"""住民異動の取込 (format F3 from 市民課, 庁内連携): all or nothing, once only, audited once.

Read through the one input reader (`kokumin_nenkin.imports.CsvInput`). Interpretations of the
format fixed by this project (docs/formats.md, "F3 の解釈"):

- dates are `YYYY-MM-DD` (as F2) or 元号コード + YYMMDD (7 digits, as the fixed-width files);
- 氏名 and フリガナ hold 氏 and 名 separated by one space (full- or half-width);
- which columns a line needs depends on its 異動区分 (`REQUIRED_BY_EVENT`);
- 転入 (A1, A2) creates the person and, if new, the household — all of a file's new persons in
  one load (`add_persons`: PostgreSQL COPY, as the initial load); 転出 (B1, B2) and 死亡 (C1) set
  the residence status and date; 氏名・住所・世帯 changes (D1–D3) update the person through
  `save()`, so the field diff is kept by the audit log (django-auditlog);
- a 転入 of a 宛名番号 already on file, any other 異動 of one not on file, a 宛名番号 twice in
  the file and a 個人番号 already held by another person are line errors.

`residents_import(..., dry_run=True)` checks everything and writes nothing.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from audit.models import Action
from audit.services import digest_for_details, record
from kokumin_nenkin.bulk import bulk_copy
from kokumin_nenkin.identifiers import digits_only, validate_my_number
from kokumin_nenkin.imports import CsvInput, FieldError, LineError, code_of, optional, required
from kokumin_nenkin.imports.models import ImportedFile
from kokumin_nenkin.wareki import WarekiError, from_jps_date

from . import my_number
from .codes import REPORTED_CHANGE_CATEGORIES, Held
from .models import (
    Household,
    Person,
    QualificationRecord,
    ResidenceStatus,
    ResidentChange,
    ResidentEvent,
    Sex,
)

F3_KIND = "residents"
F3_HEADER = [
    "異動区分",
    "異動年月日",
    "届出年月日",
    "宛名番号",
    "個人番号",
    "氏名",
    "フリガナ",
    "性別",
    "生年月日",
    "郵便番号",
    "住所",
    "世帯番号",
    "続柄",
    "世帯主宛名番号",
]
F3_EVENTS = {e.value: e.label for e in ResidentEvent if e != ResidentEvent.INITIAL}
SEX_CODES = {s.value: s.label for s in Sex}

CREATES = frozenset({ResidentEvent.MOVED_IN, ResidentEvent.MOVED_IN_FROM_ABROAD})
LEAVES = {
    ResidentEvent.MOVED_OUT: ResidenceStatus.MOVED_OUT,
    ResidentEvent.MOVED_ABROAD: ResidenceStatus.MOVED_OUT,
    ResidentEvent.DIED: ResidenceStatus.DECEASED,
}
_PERSON_COLUMNS = ("氏名", "フリガナ", "性別", "生年月日", "住所")
REQUIRED_BY_EVENT: dict[str, tuple[str, ...]] = {
    ResidentEvent.INITIAL: _PERSON_COLUMNS,
    ResidentEvent.MOVED_IN: _PERSON_COLUMNS,
    ResidentEvent.MOVED_IN_FROM_ABROAD: _PERSON_COLUMNS,
    ResidentEvent.MOVED_OUT: (),
    ResidentEvent.MOVED_ABROAD: (),
    ResidentEvent.DIED: (),
    ResidentEvent.NAME_CHANGE: ("氏名", "フリガナ"),
    ResidentEvent.ADDRESS_CHANGE: ("住所",),
    ResidentEvent.HOUSEHOLD_CHANGE: ("世帯番号",),
}

_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_NAME_SPLIT = re.compile(r"[ \u3000]+")


def parse_date(value: str) -> date:
    """`YYYY-MM-DD` or 元号コード + YYMMDD."""
    m = _ISO.match(value)
    try:
        if m:
            return date(int(m[1]), int(m[2]), int(m[3]))
        if re.fullmatch(r"\d{7}", value):
            return from_jps_date(value)
    except (ValueError, WarekiError) as exc:
        raise FieldError(f"「{value[:20]}」は正しい日付ではありません（{exc}）。") from None
    raise FieldError(
        f"「{value[:20]}」は日付ではありません（YYYY-MM-DD または元号コード＋YYMMDD）。"
    )


def addressee_number(value: str) -> str:
    if not (value.isascii() and value.isdigit() and len(value) <= 15):
        raise FieldError(f"「{value[:30]}」は宛名番号（15桁以内の数字）ではありません。")
    return value


def my_number_value(value: str) -> str:
    """The 12 digits after the check digit; the number itself is never echoed in a message."""
    try:
        return validate_my_number(value)
    except ValidationError as exc:
        raise FieldError(" ".join(exc.messages)) from None


def two_parts(label: str, max_length: int):
    def parse(value: str) -> tuple[str, str]:
        parts = _NAME_SPLIT.split(value.strip(), maxsplit=1)
        if len(parts) != 2 or not all(parts):
            raise FieldError(f"{label}は氏と名を空白で区切ってください。")
        if any(len(p) > max_length for p in parts):
            raise FieldError(f"{label}の氏・名はそれぞれ{max_length}文字以内です。")
        return parts[0], parts[1]

    return parse


def postal_code(value: str) -> str:
    digits = digits_only(value)
    if not re.fullmatch(r"\d{7}", digits):
        raise FieldError("郵便番号は7桁の数字です（ハイフン可）。")
    return digits


def text(max_length: int):
    def parse(value: str) -> str:
        if len(value) > max_length:
            raise FieldError(f"{max_length}文字以内にしてください（{len(value)}文字）。")
        return value

    return parse


def household_number(value: str) -> str:
    if len(value) > 12 or not value.isascii() or not value.isalnum():
        raise FieldError(f"「{value[:30]}」は世帯番号（12桁以内の英数字）ではありません。")
    return value


def f3_columns(events: dict[str, str]) -> dict[str, Any]:
    return {
        "異動区分": required(code_of(events)),
        "異動年月日": required(parse_date),
        "届出年月日": optional(parse_date),
        "宛名番号": required(addressee_number),
        "個人番号": optional(my_number_value),
        "氏名": optional(two_parts("氏名", 40)),
        "フリガナ": optional(two_parts("フリガナ", 60)),
        "性別": optional(code_of(SEX_CODES)),
        "生年月日": optional(parse_date),
        "郵便番号": optional(postal_code),
        "住所": optional(text(120)),
        "世帯番号": optional(household_number),
        "続柄": optional(text(20)),
        "世帯主宛名番号": optional(addressee_number),
    }


F3_COLUMNS = f3_columns(F3_EVENTS)
F3_UNIQUE = ("宛名番号",)


@dataclass
class ResidentsImportResult:
    errors: list[LineError] = field(default_factory=list)
    error_count: int = 0
    lines: int = 0
    by_event: Counter = field(default_factory=Counter)
    created: int = 0
    updated: int = 0
    filename: str = ""
    encoding: str = ""
    dry_run: bool = False
    changes_to_report: int = 0  # rows left on the 「氏名・住所変更の届出」 work list

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def counts(self) -> list[tuple[str, str, int]]:
        """(code, label, lines) per 異動区分, in code order, zero counts left out."""
        return [
            (code, ResidentEvent(code).label, self.by_event[code])
            for code in sorted(self.by_event)
            if self.by_event[code]
        ]


CHUNK = 2000


def persons_on_file(numbers: list[str]) -> dict[str, Person]:
    found: dict[str, Person] = {}
    for i in range(0, len(numbers), CHUNK):
        for p in Person.objects.filter(addressee_number__in=numbers[i : i + CHUNK]):
            found[p.addressee_number] = p
    return found


def _hash_owners(hashes: list[str]) -> dict[str, str]:
    owners: dict[str, str] = {}
    for i in range(0, len(hashes), CHUNK):
        owners.update(
            Person.objects.filter(my_number_hash__in=hashes[i : i + CHUNK]).values_list(
                "my_number_hash", "addressee_number"
            )
        )
    return owners


def check_rows(
    rows: list[tuple[int, dict[str, Any]]], *, creates: frozenset[str] = CREATES
) -> tuple[list[LineError], dict[str, Person], dict[str, str]]:
    """The line errors a file's rows make against each other and the register (the reader
    already checked each cell); returns them with the persons on file and each new 個人番号's
    keyed hash by 宛名番号."""
    errors: list[LineError] = []
    numbers = sorted({row["宛名番号"] for _, row in rows})
    on_file = persons_on_file(numbers)
    hashes: dict[str, str] = {}
    hash_lines: dict[str, int] = {}
    for line, row in rows:
        code, number = row["異動区分"], row["宛名番号"]
        for column in REQUIRED_BY_EVENT[code]:
            if row[column] in (None, ""):
                errors.append(LineError(line, column, f"異動区分 {code} では必須項目です。"))
        if code in creates:
            if number in on_file:
                errors.append(
                    LineError(line, "宛名番号", f"宛名番号「{number}」は既に登録されています。")
                )
            birth = row["生年月日"]
            if birth and birth > row["異動年月日"]:
                errors.append(LineError(line, "生年月日", "生年月日が異動年月日より後です。"))
            if row["個人番号"]:
                digest = my_number.lookup_hash(row["個人番号"])
                if digest in hash_lines:
                    errors.append(
                        LineError(line, "個人番号", f"{hash_lines[digest]}行目と同じ個人番号です。")
                    )
                hash_lines.setdefault(digest, line)
                hashes[number] = digest
        elif number not in on_file:
            errors.append(
                LineError(line, "宛名番号", f"宛名番号「{number}」の住民が登録されていません。")
            )
        elif row["個人番号"]:
            errors.append(LineError(line, "個人番号", "個人番号は転入の行にだけ記載できます。"))
    owners = _hash_owners(sorted(hashes.values()))
    lines = {row["宛名番号"]: line for line, row in rows}
    for number, digest in hashes.items():
        if digest in owners:
            errors.append(
                LineError(
                    lines[number],
                    "個人番号",
                    f"この個人番号は宛名番号「{owners[digest]}」の方に登録済みです。",
                )
            )
    return errors, on_file, hashes


def households_for(numbers: set[str]) -> dict[str, Household]:
    """The households of `numbers`, the missing ones created (one load, ids known after)."""
    found: dict[str, Household] = {}
    wanted = sorted(numbers)
    for i in range(0, len(wanted), CHUNK):
        found.update(
            (h.number, h) for h in Household.objects.filter(number__in=wanted[i : i + CHUNK])
        )
    new = [Household(number=n) for n in wanted if n not in found]
    bulk_copy(Household, new)
    found.update((h.number, h) for h in new)
    return found


def add_persons(
    rows: list[tuple[int, dict[str, Any]]],
    households: dict[str, Household],
    hashes: dict[str, str],
) -> list[Person]:
    """The new persons of 転入 (or 初期移行) rows, written in one load: the 個人番号 column is
    encrypted in one pass, then every row goes in through `kokumin_nenkin.bulk.bulk_copy`
    (PostgreSQL COPY, ids taken from the sequence first; `bulk_create` elsewhere). As with
    `bulk_create`, no per-row signals: the import's one audit event stands for the rows."""
    numbered = [row for _, row in rows if row["個人番号"]]
    encrypted = my_number.encrypt_many([row["個人番号"] for row in numbered])
    sealed = {row["宛名番号"]: token for row, token in zip(numbered, encrypted, strict=True)}
    persons = []
    for _, row in rows:
        number = row["宛名番号"]
        person = new_person(row, households)
        if number in sealed:
            person.my_number_encrypted = sealed[number]
            person.my_number_hash = hashes[number]
        persons.append(person)
    bulk_copy(Person, persons)
    return persons


def new_person(row: dict[str, Any], households: dict[str, Household]) -> Person:
    """A person of a 転入 (or 初期移行) row, not saved, without the 個人番号 (`add_persons`)."""
    family, given = row["氏名"]
    family_kana, given_kana = row["フリガナ"]
    person = Person(
        addressee_number=row["宛名番号"],
        family_name=family,
        given_name=given,
        family_name_kana=family_kana,
        given_name_kana=given_kana,
        sex=row["性別"],
        birth_date=row["生年月日"],
        postal_code=row["郵便番号"] or "",
        address=row["住所"],
        household=households.get(row["世帯番号"] or ""),
        relationship=row["続柄"] or "",
        is_householder=bool(row["世帯主宛名番号"]) and row["世帯主宛名番号"] == row["宛名番号"],
        residence_status=ResidenceStatus.RESIDENT,
        residence_event=row["異動区分"],
        residence_event_on=row["異動年月日"],
    )
    person.normalise()
    return person


def _update(person: Person, row: dict[str, Any], households: dict[str, Household]) -> None:
    """One change to a person on file, saved with its field diff."""
    code = row["異動区分"]
    if code in LEAVES:
        person.residence_status = LEAVES[code]
        person.residence_event = code
        person.residence_event_on = row["異動年月日"]
    elif code == ResidentEvent.NAME_CHANGE:
        person.family_name, person.given_name = row["氏名"]
        person.family_name_kana, person.given_name_kana = row["フリガナ"]
    elif code == ResidentEvent.ADDRESS_CHANGE:
        person.address = row["住所"]
        if row["郵便番号"]:
            person.postal_code = row["郵便番号"]
    elif code == ResidentEvent.HOUSEHOLD_CHANGE:
        person.household = households[row["世帯番号"]]
        person.relationship = row["続柄"] or ""
        person.is_householder = row["世帯主宛名番号"] == row["宛名番号"]
    person.save()


REPORTED_CHANGES = (ResidentEvent.NAME_CHANGE, ResidentEvent.ADDRESS_CHANGE)


def _changes_to_report(rows, on_file: dict[str, Person]) -> int:
    """A work-list row for each 氏名・住所 change of a person holding 第1号 / 任意加入: the
    氏名変更届 / 住所変更届 to JPS is taken in by a counter clerk (the importer may not)."""
    changed = [
        (on_file[row["宛名番号"]], row) for _, row in rows if row["異動区分"] in REPORTED_CHANGES
    ]
    ids = [p.pk for p, _ in changed]
    reported: set[int] = set()
    for i in range(0, len(ids), CHUNK):
        reported.update(
            QualificationRecord.objects.filter(
                person_id__in=ids[i : i + CHUNK],
                is_latest=True,
                held=Held.HELD,
                category__in=REPORTED_CHANGE_CATEGORIES,
            ).values_list("person_id", flat=True)
        )
    notes = [
        ResidentChange(person=p, event=row["異動区分"], changed_on=row["異動年月日"])
        for p, row in changed
        if p.pk in reported
    ]
    ResidentChange.objects.bulk_create(notes, batch_size=CHUNK)
    return len(notes)


def reader_for(data: bytes, *, filename: str, encoding: str, kind: str = F3_KIND, **kw):
    return CsvInput(
        data,
        filename=filename,
        header=F3_HEADER,
        kind=kind,
        columns=kw.get("columns", F3_COLUMNS),
        unique=F3_UNIQUE,
        encoding=encoding,
    )


@transaction.atomic
def residents_import(
    *, data: bytes, filename: str, actor, encoding: str = "auto", dry_run: bool = False
) -> ResidentsImportResult:
    """Take in an F3 file: every line checked first; any error → nothing applied."""
    reader = reader_for(data, filename=filename, encoding=encoding)
    rows = list(reader.rows())
    result = ResidentsImportResult(
        lines=reader.line_count,
        filename=reader.filename,
        encoding=reader.encoding,
        dry_run=dry_run,
    )
    result.by_event = Counter(row["異動区分"] for _, row in rows)
    more, on_file, hashes = check_rows(rows)
    result.errors = sorted([*reader.errors, *more], key=lambda e: (e.line or 0, e.column or ""))
    result.error_count = reader.error_count + len(more)
    if not result.ok or dry_run:
        return result
    try:
        with transaction.atomic():
            reader.mark_imported(actor)
    except IntegrityError:
        result.errors = [LineError(None, None, "このファイルは既に取り込まれています。")]
        result.error_count = 1
        return result
    households = households_for({row["世帯番号"] for _, row in rows if row["世帯番号"]})
    created = add_persons(
        [(line, row) for line, row in rows if row["異動区分"] in CREATES], households, hashes
    )
    for _, row in rows:
        if row["異動区分"] not in CREATES:
            _update(on_file[row["宛名番号"]], row, households)
    result.changes_to_report = _changes_to_report(rows, on_file)
    result.created = len(created)
    result.updated = len(rows) - len(created)
    imported = ImportedFile.objects.get(kind=F3_KIND, sha256=reader.sha256)
    record(
        Action.IMPORT,
        target=imported,
        details={
            "ファイル": "住民異動（F3）",
            "SHA-256": digest_for_details(reader.sha256),
            "行数": result.lines,
            "新規": result.created,
            "更新": result.updated,
            "異動区分別": {code: n for code, _, n in result.counts()},
        },
        actor=actor,
    )
    return result
