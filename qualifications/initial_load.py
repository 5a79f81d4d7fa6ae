"""初期移行: the register loaded once from the previous system (`manage.py load_register DIR`).

A folder of CSV files, one per table, in the layouts of docs/formats.md ("初期移行", version 2),
read through the one input reader (`kokumin_nenkin.imports.CsvInput`: encodings, line-numbered
Japanese errors, duplicate keys, once only by SHA-256):

- `persons.csv` (required): the F3 layout with 異動区分 `00` only — the person and household,
  個人番号 encrypted with its keyed hash, checked as an F3 転入;
- then one file per registered `LoadPart`, in `order`: the register's own qualification history
  (`qualifications.csv`, below) and what higher apps register from their `AppConfig.ready()`
  (the exemption and 付加 histories, `exemptions/initial_load.py`). The register does not import
  the workflows: they plug in here, as panels do in `panels.py`.

Every row of a part names a person by 宛名番号, who must be in `persons.csv` or already on file.
A person already on file who has a current record (最新フラグ) in a part's table cannot be given
another by the load (the table holds one current record a person): that is a line error on the
row that would become current, found by reading the current rows of those persons (one query a
table, before anything is written). A part may also check its rows against the person
(`check_persons`: 性別, 生年月日 from `persons.csv` or the register). The whole folder is
checked first; any error in any file → nothing is written (one transaction), and the
reconciliation report lists every rejected line with its reason. A dry run checks and reports,
and writes nothing. A file already loaded (same SHA-256) is refused, so a second run with the
same files applies nothing. One audit event (`import`) for the load.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Model

from audit.models import Action
from audit.services import digest_for_details, record
from kokumin_nenkin.bulk import bulk_copy
from kokumin_nenkin.imports import CsvInput, FieldError, LineError, Parser, code_of, optional
from kokumin_nenkin.imports import required as needed
from kokumin_nenkin.imports.models import ImportedFile
from kokumin_nenkin.wareki import format_date

from . import residents, rules
from .codes import (
    AcquisitionCause,
    CategoryChangeCause,
    Event,
    Held,
    InsuredCategory,
    LossCause,
)
from .models import QualificationRecord, ResidentEvent

Rows = list[tuple[int, dict[str, Any]]]

PERSONS_FILE = "persons.csv"
PERSONS_TITLE = "宛名（被保険者）"
KIND_PREFIX = "initial_load."


@dataclass(frozen=True)
class LoadPart:
    """One table of the initial load besides the persons.

    `check(rows)` returns the line errors the rows make among themselves (the reader already
    checked each cell and the unique key; the loader checks every 宛名番号);
    `apply(rows, person_ids, actor)` writes them (`person_ids`: 宛名番号 → Person id) and
    returns how many rows it wrote; a part writes its rows in one load with
    `kokumin_nenkin.bulk.bulk_copy` (PostgreSQL COPY; `bulk_create` elsewhere)."""

    code: str  # short, stable: the once-only kind is "initial_load.<code>"
    filename: str
    title: str  # Japanese, the report's table name
    order: int
    header: list[str]
    columns: dict[str, Parser]
    unique: tuple[str, ...]
    check: Callable[[Rows], list[LineError]]
    apply: Callable[[Rows, dict[str, int], Any], int]
    #: The history model the part writes, with one current row (`is_latest`) a person: a person
    #: on file who already has one is a line error (read before writing, not left to the
    #: database's unique constraint).
    model: type[Model] | None = None
    #: Line errors of rows against their person (`PersonFacts` by 宛名番号), e.g. 性別.
    check_persons: Callable[[Rows, dict[str, PersonFacts]], list[LineError]] | None = None


@dataclass(frozen=True)
class PersonFacts:
    """What a part may check a row against: the person's 性別 and 生年月日, from `persons.csv`
    or, for a person already on file, from the register."""

    sex: str
    birth_date: date


_PARTS: dict[str, LoadPart] = {}


def register_part(part: LoadPart) -> LoadPart:
    """Add (or replace, by code) a table of the initial load."""
    _PARTS[part.code] = part
    return part


def registered_parts() -> list[LoadPart]:
    return sorted(_PARTS.values(), key=lambda p: (p.order, p.code))


# --- the report ------------------------------------------------------------------------------
@dataclass
class TableResult:
    title: str
    filename: str
    present: bool = True
    lines: int = 0
    loaded: int = 0
    errors: list[LineError] = field(default_factory=list)
    error_count: int = 0
    sha256: str = ""


@dataclass
class LoadResult:
    tables: list[TableResult] = field(default_factory=list)
    households: int = 0
    dry_run: bool = False
    applied: bool = False

    @property
    def error_count(self) -> int:
        return sum(t.error_count for t in self.tables)

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def report(self) -> str:
        """The reconciliation report, in Japanese, as the command prints it."""
        head = "初期移行の突合報告" + ("（検査のみ・書き込みなし）" if self.dry_run else "")
        out = [head, "", "表\tファイル\t行数\t取込件数\t誤り"]
        for t in self.tables:
            if not t.present:
                out.append(f"{t.title}\t{t.filename}\tファイルなし\t0\t0")
                continue
            out.append(f"{t.title}\t{t.filename}\t{t.lines:,}\t{t.loaded:,}\t{t.error_count:,}")
        if self.applied:
            out.append(f"世帯\t（宛名から）\t-\t{self.households:,}\t0")
        if not self.ok:
            out += ["", "取り込めない行（理由）:"]
            for t in self.tables:
                out += [f"{t.filename} {e}" for e in t.errors]
                if t.error_count > len(t.errors):
                    out.append(f"{t.filename} ほか {t.error_count - len(t.errors):,}件")
            out += ["", f"誤りが {self.error_count:,}件あります。何も取り込んでいません。"]
        elif self.dry_run:
            out += ["", "誤りはありません。検査のみのため、何も取り込んでいません。"]
        else:
            total = sum(t.loaded for t in self.tables)
            out += ["", f"取り込みました（{total:,}件）。"]
        return "\n".join(out)


# --- the register's own table: qualification history ------------------------------------
EVENT_CODES = {"1": Event.ACQUISITION, "2": Event.LOSS, "3": Event.CATEGORY_CHANGE}
QUALIFICATION_HEADER = [
    "宛名番号",
    "連番",
    "異動の種類",
    "資格有無区分",
    "被保険者種別",
    "資格取得届出年月日",
    "資格取得年月日",
    "資格取得事由",
    "資格喪失届出年月日",
    "資格喪失年月日",
    "資格喪失事由",
    "種別変更年月日",
    "種別変更事由",
    "種別変更届出年月日",
]


def sequence(value: str) -> int:
    if not (value.isascii() and value.isdigit() and 0 < len(value) <= 4 and int(value) > 0):
        raise FieldError(f"「{value[:20]}」は連番（1〜9999の数字）ではありません。")
    return int(value)


def labelled(choices) -> dict[str, str]:
    return {c.value: c.label for c in choices}


QUALIFICATION_COLUMNS: dict[str, Parser] = {
    "宛名番号": needed(residents.addressee_number),
    "連番": needed(sequence),
    "異動の種類": needed(code_of({k: v.label for k, v in EVENT_CODES.items()})),
    "資格有無区分": needed(code_of(labelled(Held))),
    "被保険者種別": optional(code_of(labelled(InsuredCategory))),
    "資格取得届出年月日": optional(residents.parse_date),
    "資格取得年月日": optional(residents.parse_date),
    "資格取得事由": optional(code_of(labelled(AcquisitionCause))),
    "資格喪失届出年月日": optional(residents.parse_date),
    "資格喪失年月日": optional(residents.parse_date),
    "資格喪失事由": optional(code_of(labelled(LossCause))),
    "種別変更年月日": optional(residents.parse_date),
    "種別変更事由": optional(code_of(labelled(CategoryChangeCause))),
    "種別変更届出年月日": optional(residents.parse_date),
}
QUALIFICATION_NEEDS = {
    "1": ("被保険者種別", "資格取得年月日", "資格取得事由"),
    "2": ("資格喪失年月日", "資格喪失事由"),
    "3": ("被保険者種別", "種別変更年月日", "種別変更事由"),
}


def check_qualifications(rows: Rows) -> list[LineError]:
    errors = []
    for line, row in rows:
        code = row["異動の種類"]
        for column in QUALIFICATION_NEEDS[code]:
            if row[column] in (None, ""):
                label = EVENT_CODES[code].label
                errors.append(LineError(line, column, f"異動の種類「{label}」では必須項目です。"))
        if row["資格有無区分"] == Held.HELD and not row["被保険者種別"]:
            errors.append(LineError(line, "被保険者種別", "資格が有る行では必須項目です。"))
        if code == "2" and row["資格有無区分"] != Held.NOT_HELD:
            errors.append(LineError(line, "資格有無区分", "資格喪失の行は「0 無」です。"))
        if code != "2" and row["資格有無区分"] != Held.HELD:
            errors.append(LineError(line, "資格有無区分", "資格取得・種別変更の行は「1 有」です。"))
        got, lost = row["資格取得年月日"], row["資格喪失年月日"]
        if got and lost and lost < got:
            errors.append(
                LineError(line, "資格喪失年月日", "資格喪失年月日が資格取得年月日より前です。")
            )
    return errors


#: Causes whose date follows from the birth date alone (DOMAIN_RULES §1: 20歳到達 and 60歳到達
#: on the day before the birthday), with the rules the counter uses (`rules.py`).
BIRTH_DATE_RULES = [
    (
        "資格取得年月日",
        "資格取得事由",
        AcquisitionCause.AGE_20,
        *rules.ACQUISITION_DATE_RULES[AcquisitionCause.AGE_20],
    ),
    ("資格喪失年月日", "資格喪失事由", LossCause.AGE_60, *rules.LOSS_DATE_RULES[LossCause.AGE_60]),
]


def check_qualification_persons(rows: Rows, people: dict[str, PersonFacts]) -> list[LineError]:
    """A 20歳到達 取得 and a 60歳到達 喪失 are dated the day the person reaches that age."""
    errors = []
    for line, row in rows:
        birth = people[row["宛名番号"]].birth_date
        for column, cause_column, cause, text, rule in BIRTH_DATE_RULES:
            typed, expected = row[column], rule(None, birth)
            if row[cause_column] == cause and typed and typed != expected:
                message = (
                    f"事由「{cause.label}」の{column}は{text}で、{format_date(expected)}です"
                    f"（ファイル: {format_date(typed)}）。"
                )
                errors.append(LineError(line, column, message))
    return errors


def latest_lines(rows: Rows, key: str = "連番") -> set[int]:
    """The line of each person's highest 連番 (that row is the 最新フラグ one)."""
    best: dict[str, tuple[int, int]] = {}
    for line, row in rows:
        number = row["宛名番号"]
        if number not in best or row[key] > best[number][0]:
            best[number] = (row[key], line)
    return {line for _, line in best.values()}


def in_order(rows: Rows) -> Rows:
    """The rows by person and 連番: the order a part writes them in."""
    return sorted(rows, key=lambda lr: (lr[1]["宛名番号"], lr[1]["連番"]))


def apply_qualifications(rows: Rows, person_ids: dict[str, int], actor) -> int:
    latest = latest_lines(rows)
    objects = [
        QualificationRecord(
            person_id=person_ids[row["宛名番号"]],
            event=EVENT_CODES[row["異動の種類"]],
            is_latest=line in latest,
            held=row["資格有無区分"],
            category=row["被保険者種別"] or "",
            acquisition_notified_on=row["資格取得届出年月日"],
            acquired_on=row["資格取得年月日"],
            acquisition_cause=row["資格取得事由"] or "",
            loss_notified_on=row["資格喪失届出年月日"],
            lost_on=row["資格喪失年月日"],
            loss_cause=row["資格喪失事由"] or "",
            category_changed_on=row["種別変更年月日"],
            category_change_cause=row["種別変更事由"] or "",
            category_change_notified_on=row["種別変更届出年月日"],
            operator=actor,
        )
        for line, row in in_order(rows)
    ]
    bulk_copy(QualificationRecord, objects)
    return len(objects)


QUALIFICATIONS = LoadPart(
    code="qualifications",
    filename="qualifications.csv",
    title="資格履歴",
    order=10,
    header=QUALIFICATION_HEADER,
    columns=QUALIFICATION_COLUMNS,
    unique=("宛名番号", "連番"),
    check=check_qualifications,
    apply=apply_qualifications,
    model=QualificationRecord,
    check_persons=check_qualification_persons,
)


def register_parts() -> None:
    register_part(QUALIFICATIONS)


# --- the load ------------------------------------------------------------------------------
PERSON_EVENTS = {ResidentEvent.INITIAL.value: ResidentEvent.INITIAL.label}
PERSON_COLUMNS = residents.f3_columns(PERSON_EVENTS)
PERSON_CREATES = frozenset({ResidentEvent.INITIAL.value})


def _reader(data: bytes, filename: str, kind: str, header, columns, unique, encoding):
    return CsvInput(
        data,
        filename=filename,
        header=header,
        kind=KIND_PREFIX + kind,
        columns=columns,
        unique=unique,
        encoding=encoding,
    )


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise FieldError(f"ファイルを読めません（{exc.strerror}）。") from None


def _take(table: TableResult, reader: CsvInput, more: list[LineError]) -> None:
    table.lines = reader.line_count
    table.sha256 = reader.sha256
    table.errors = sorted([*reader.errors, *more], key=lambda e: (e.line or 0, e.column or ""))
    table.error_count = reader.error_count + len(more)


def _current_conflicts(part: LoadPart, rows: Rows, on_file: dict[str, Any]) -> list[LineError]:
    """Persons on file who already hold a current record in the part's table: the row that
    would become theirs is a line error. One query (in chunks) for the persons of the file."""
    if part.model is None:
        return []
    ids = sorted({on_file[r["宛名番号"]].pk for _, r in rows if r["宛名番号"] in on_file})
    holders: set[str] = set()
    for i in range(0, len(ids), residents.CHUNK):  # one query but for SQLite's parameter limit
        holders.update(
            part.model.objects.filter(
                person_id__in=ids[i : i + residents.CHUNK], is_latest=True
            ).values_list("person__addressee_number", flat=True)
        )
    if not holders:
        return []
    latest = latest_lines(rows)
    return [
        LineError(
            line,
            "宛名番号",
            f"宛名番号「{row['宛名番号']}」の方には既に現在の記録（{part.title}）があります"
            "（現在の記録は一人に一つです）。",
        )
        for line, row in rows
        if line in latest and row["宛名番号"] in holders
    ]


@transaction.atomic
def load_register(
    folder: Path, *, actor, encoding: str = "auto", dry_run: bool = False
) -> LoadResult:
    """Check every file of `folder`, then (unless a dry run or on any error) write them all."""
    result = LoadResult(dry_run=dry_run)
    persons = TableResult(PERSONS_TITLE, PERSONS_FILE)
    result.tables.append(persons)
    readers: list[tuple[TableResult, CsvInput, LoadPart | None, Rows]] = []
    try:
        data = _read(folder / PERSONS_FILE)
    except FieldError as exc:
        persons.present = False
        persons.errors = [LineError(None, None, str(exc))]
        persons.error_count = 1
        data = None
    person_rows: Rows = []
    hashes: dict[str, str] = {}
    if data is not None:
        reader = _reader(
            data,
            PERSONS_FILE,
            "persons",
            residents.F3_HEADER,
            PERSON_COLUMNS,
            residents.F3_UNIQUE,
            encoding,
        )
        person_rows = list(reader.rows())
        more, _, hashes = residents.check_rows(person_rows, creates=PERSON_CREATES)
        _take(persons, reader, more)
        readers.append((persons, reader, None, person_rows))
    known = {row["宛名番号"] for _, row in person_rows}
    needed_on_file: dict[str, list[tuple[TableResult, int]]] = {}
    for part in registered_parts():
        table = TableResult(part.title, part.filename)
        result.tables.append(table)
        path = folder / part.filename
        if not path.exists():
            table.present = False
            continue
        try:
            part_data = _read(path)
        except FieldError as exc:
            table.errors, table.error_count = [LineError(None, None, str(exc))], 1
            continue
        reader = _reader(
            part_data, part.filename, part.code, part.header, part.columns, part.unique, encoding
        )
        rows = list(reader.rows())
        more = part.check(rows)
        for line, row in rows:
            if row["宛名番号"] not in known:
                needed_on_file.setdefault(row["宛名番号"], []).append((table, line))
        _take(table, reader, more)
        readers.append((table, reader, part, rows))
    on_file = residents.persons_on_file(sorted(needed_on_file))
    for number, places in needed_on_file.items():
        if number not in on_file:
            for table, line in places:
                table.errors.append(
                    LineError(
                        line,
                        "宛名番号",
                        f"宛名番号「{number}」の方が {PERSONS_FILE} にも"
                        "登録済みの宛名にもありません。",
                    )
                )
                table.error_count += 1
    facts = {row["宛名番号"]: PersonFacts(row["性別"], row["生年月日"]) for _, row in person_rows}
    facts.update({n: PersonFacts(p.sex, p.birth_date) for n, p in on_file.items()})
    for table, _, part, rows in readers:
        if part is None:
            continue
        more = _current_conflicts(part, rows, on_file)
        if part.check_persons is not None:
            more += part.check_persons([(ln, r) for ln, r in rows if r["宛名番号"] in facts], facts)
        table.errors += more
        table.error_count += len(more)
    for table in result.tables:
        table.errors.sort(key=lambda e: (e.line or 0, e.column or ""))
    if not result.ok or dry_run:
        return result
    try:
        with transaction.atomic():
            for _, reader, _, _ in readers:
                reader.mark_imported(actor)
    except IntegrityError:
        persons.errors = [LineError(None, None, "このファイルは既に取り込まれています。")]
        persons.error_count = 1
        return result

    households = residents.households_for(
        {row["世帯番号"] for _, row in person_rows if row["世帯番号"]}
    )
    result.households = len(households)
    created = residents.add_persons(person_rows, households, hashes)
    persons.loaded = len(created)
    person_ids = {p.addressee_number: p.pk for p in created}
    person_ids.update({n: p.pk for n, p in on_file.items()})
    for table, _, part, rows in readers:
        if part is not None:
            table.loaded = part.apply(rows, person_ids, actor)
    result.applied = True
    first = ImportedFile.objects.get(kind=KIND_PREFIX + "persons", sha256=persons.sha256)
    combined = hashlib.sha256(
        "\n".join(f"{t.filename}:{t.sha256}" for t in result.tables if t.present).encode()
    ).hexdigest()
    record(
        Action.IMPORT,
        target=first,
        details={
            "ファイル": "初期移行",
            "SHA-256": digest_for_details(combined),
            "行数": sum(t.lines for t in result.tables),
            "新規": persons.loaded,
            "表別": {t.title: t.loaded for t in result.tables},
        },
        actor=actor,
    )
    return result
