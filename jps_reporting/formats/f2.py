"""F2 — JPS processing results (input), and their reconciliation (突合) with what was reported.

Reading goes through the shared `CsvInput` (encodings, header, line-numbered Japanese errors,
duplicates, once-only by SHA-256); this module adds the F2 columns and the rules between
columns. Nothing is kept per line: `F2Input.lines()` and `reconcile()` are generators, so a
100,000-line file is checked and matched in bounded memory (the caller keeps what it needs).

Reconciliation is a pure function of the lines and a lookup of the reported items by 受付番号:
- matched: the 受付番号 names a reported item and the person agrees;
- unmatched: no reported item has that 受付番号;
- conflict: 氏名カナ (compared in any width) or 生年月日 disagree, or the 処理区分 cannot answer
  the reported 届書種類. A conflict is shown on the reconciliation screen, it is not an error.
"""

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from csv import reader as csv_reader
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from itertools import islice

from kokumin_nenkin.identifiers import contains_my_number_like
from kokumin_nenkin.imports import CsvInput, FieldError, LineError, code_of, optional, required
from kokumin_nenkin.kana import comparable
from kokumin_nenkin.wareki import format_date

from ..codes import (
    EXEMPTION_CLASSES,
    FORM_KINDS,
    PROCESS_KIND_FORMS,
    PROCESS_KINDS,
    RESULTS,
    SUPPORT_KINDS,
)

KIND = "jps_results"
HEADER_V1 = [
    "受付番号",
    "処理区分",
    "基礎年金番号",
    "氏名カナ",
    "生年月日",
    "免除区分",
    "処理結果",
    "免除結果種別区分コード",
    "承認期間開始",
    "承認期間終了",
    "却下期間開始",
    "却下期間終了",
    "処理年月日",
    "備考",
]
#: Version 2 (benefit claims): five columns at the end; a file is read by its header.
V2_COLUMNS = ["年金コード", "記号番号", "給付金種別", "支給開始年月", "支給終了年月"]
HEADER_V2 = [*HEADER_V1, *V2_COLUMNS]
HEADER = HEADER_V1  # the header of the files taken in before version 2 (still accepted)
HEADERS = {1: HEADER_V1, 2: HEADER_V2}


# --- column parsers -------------------------------------------------------------------------
def receipt_number(value: str) -> str:
    if not re.fullmatch(r"\d{12}", value):
        raise FieldError(f"「{value[:30]}」は受付番号（12桁の数字）ではありません。")
    return value


def basic_pension_number(value: str) -> str:
    if not re.fullmatch(r"\d{4}-?\d{6}", value):
        raise FieldError(
            f"「{value[:30]}」は基礎年金番号ではありません（NNNN-NNNNNN または10桁の数字）。"
        )
    digits = value.replace("-", "")
    return f"{digits[:4]}-{digits[4:]}"


def iso_date(value: str) -> date:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise FieldError(f"「{value[:30]}」は日付ではありません（YYYY-MM-DD）。")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise FieldError(f"「{value}」という日付はありません。") from None


def year_month(value: str) -> tuple[int, int]:
    m = re.fullmatch(r"(\d{4})-(\d{2})", value)
    if not m or not 1 <= int(m[2]) <= 12:
        raise FieldError(f"「{value[:30]}」は年月ではありません（YYYY-MM）。")
    return int(m[1]), int(m[2])


def kana(value: str) -> str:
    if len(value) > 60:
        raise FieldError("氏名カナが長すぎます（60文字まで）。")
    return value


def result_type_code(value: str) -> str:
    if not re.fullmatch(r"\d{1,2}", value):
        raise FieldError(f"「{value[:30]}」は1〜2桁の数字のコードではありません。")
    return value


def note(value: str) -> str:
    if len(value) > 200:
        raise FieldError("備考が長すぎます（200文字まで）。")
    if contains_my_number_like(value):
        raise FieldError("備考に個人番号らしき12桁の数字があります。取り込めません。")
    return value


def pension_code(value: str) -> str:
    if not re.fullmatch(r"\d{4}", value):
        raise FieldError(f"「{value[:30]}」は年金コード（4桁の数字）ではありません。")
    return value


def certificate_number(value: str) -> str:
    if not re.fullmatch(r"[0-9A-Za-z-]{1,20}", value):
        raise FieldError(
            f"「{value[:30]}」は記号番号（英数字とハイフン20文字まで）ではありません。"
        )
    if contains_my_number_like(value):
        raise FieldError("記号番号に個人番号らしき12桁の数字があります。取り込めません。")
    return value


COLUMNS = {
    "受付番号": required(receipt_number),
    "処理区分": required(code_of(PROCESS_KINDS)),
    "基礎年金番号": optional(basic_pension_number),
    "氏名カナ": required(kana),
    "生年月日": required(iso_date),
    "免除区分": optional(code_of(EXEMPTION_CLASSES)),
    "処理結果": optional(code_of(RESULTS)),
    "免除結果種別区分コード": optional(result_type_code),
    "承認期間開始": optional(year_month),
    "承認期間終了": optional(year_month),
    "却下期間開始": optional(year_month),
    "却下期間終了": optional(year_month),
    "処理年月日": required(iso_date),
    "備考": note,
    "年金コード": optional(pension_code),
    "記号番号": optional(certificate_number),
    "給付金種別": optional(code_of(SUPPORT_KINDS)),
    "支給開始年月": optional(year_month),
    "支給終了年月": optional(year_month),
}


@dataclass(frozen=True, slots=True)
class ResultLine:
    """One valid line of a JPS results file."""

    line: int
    receipt_number: str
    process_kind: str
    basic_pension_number: str | None
    name_kana: str
    birth_date: date
    exemption_class: str | None
    result: str | None
    result_type_code: str | None
    approved_from: tuple[int, int] | None
    approved_to: tuple[int, int] | None
    rejected_from: tuple[int, int] | None
    rejected_to: tuple[int, int] | None
    processed_on: date
    note: str
    pension_code: str | None = None
    certificate_number: str | None = None
    support_kind: str | None = None
    support_from: tuple[int, int] | None = None
    support_to: tuple[int, int] | None = None

    @classmethod
    def from_row(cls, line: int, row: dict) -> "ResultLine":
        return cls(
            line=line,
            receipt_number=row["受付番号"],
            process_kind=row["処理区分"],
            basic_pension_number=row["基礎年金番号"],
            name_kana=row["氏名カナ"],
            birth_date=row["生年月日"],
            exemption_class=row["免除区分"],
            result=row["処理結果"],
            result_type_code=row["免除結果種別区分コード"],
            approved_from=row["承認期間開始"],
            approved_to=row["承認期間終了"],
            rejected_from=row["却下期間開始"],
            rejected_to=row["却下期間終了"],
            processed_on=row["処理年月日"],
            note=row["備考"],
            pension_code=row.get("年金コード"),
            certificate_number=row.get("記号番号"),
            support_kind=row.get("給付金種別"),
            support_from=row.get("支給開始年月"),
            support_to=row.get("支給終了年月"),
        )


def _line_rules(line: int, row: dict) -> list[LineError]:
    """Rules between the columns of one line (docs/jps_reporting.md)."""
    errors = []
    kind = row["処理区分"]
    if kind == "01" and not row["基礎年金番号"]:
        errors.append(LineError(line, "基礎年金番号", "基礎年金番号付番（01）には必須です。"))
    if kind == "02" and not row["免除区分"]:
        errors.append(LineError(line, "免除区分", "免除等審査結果（02）には必須です。"))
    if kind in ("02", "03", "05", "06") and not row["処理結果"]:
        errors.append(LineError(line, "処理結果", f"{PROCESS_KINDS[kind]}（{kind}）には必須です。"))
    if kind == "02" and row["処理結果"] in ("1", "3") and not row["承認期間開始"]:
        errors.append(LineError(line, "承認期間開始", "承認・一部承認には承認期間が必須です。"))
    if kind == "05" and row["処理結果"] == "1" and not row.get("記号番号"):
        errors.append(LineError(line, "記号番号", "裁定結果（05）の承認には必須です。"))
    if kind == "06" and row["処理結果"] == "1":
        for column in ("給付金種別", "支給開始年月"):
            if not row.get(column):
                errors.append(LineError(line, column, "認定結果（06）の承認には必須です。"))
    start, end = row.get("支給開始年月"), row.get("支給終了年月")
    if start and end and start > end:
        errors.append(LineError(line, "支給終了年月", "支給終了年月が支給開始年月より前です。"))
    for label in ("承認期間", "却下期間"):
        start, end = row[f"{label}開始"], row[f"{label}終了"]
        if (start is None) != (end is None):
            missing = f"{label}終了" if end is None else f"{label}開始"
            errors.append(LineError(line, missing, f"{label}の開始と終了は両方必要です。"))
        elif start and end and start > end:
            errors.append(LineError(line, f"{label}終了", f"{label}の終了が開始より前です。"))
    return errors


class F2Input:
    """One uploaded results file: `lines()` yields the valid lines, `errors` lists the rest."""

    def __init__(self, data: bytes, *, filename: str, encoding: str = "auto"):
        self.csv = CsvInput(
            data,
            filename=filename,
            header=HEADER_V2,
            kind=KIND,
            columns=COLUMNS,
            unique=("受付番号",),
            encoding=encoding,
        )
        self.version = self._version()
        self.csv.header = HEADERS[self.version]
        self._rule_errors: list[LineError] = []

    def _version(self) -> int:
        """Version 1 (14 columns) or 2 (19 columns), by the header row; anything else is read
        as version 2, whose header the error message then names."""
        first = self.csv.text.lstrip("\ufeff").split("\n", 1)[0]
        cells = [c.strip() for c in next(csv_reader([first]), [])]
        return 1 if cells == HEADER_V1 else 2

    @property
    def sha256(self) -> str:
        return self.csv.sha256

    @property
    def line_count(self) -> int:
        return self.csv.line_count

    @property
    def errors(self) -> list[LineError]:
        return sorted(
            [*self.csv.errors, *self._rule_errors], key=lambda e: (e.line or 0, e.column or "")
        )

    @property
    def error_count(self) -> int:
        return self.csv.error_count + len(self._rule_errors)

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def lines(self) -> Iterator[ResultLine]:
        for line, row in self.csv.rows():
            problems = _line_rules(line, row)
            if problems:
                self._rule_errors.extend(problems)
                continue
            yield ResultLine.from_row(line, row)

    def validate(self) -> int:
        """Read the whole file, keeping nothing but the errors; returns the valid line count."""
        return sum(1 for _ in self.lines())

    def mark_imported(self, actor) -> None:
        """Inside the transaction that applies the file: the same file never twice."""
        self.csv.mark_imported(actor)


# --- reconciliation -------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class ReportedRef:
    """What was reported under one 受付番号 (filled by the batch from its items)."""

    receipt_number: str
    form_code: str
    family_name_kana: str
    given_name_kana: str
    birth_date: date
    #: what a result would change (an exemption record and whether the entry created it),
    #: filled by the database lookup; None for entries with no record of their own
    target: object = None
    returned: bool = False  # the item was already returned by JPS (処理区分 04)


class Outcome(StrEnum):
    MATCHED = "matched"
    UNMATCHED = "unmatched"
    CONFLICT = "conflict"


OUTCOME_LABELS = {
    Outcome.MATCHED: "一致",
    Outcome.UNMATCHED: "該当なし",
    Outcome.CONFLICT: "不一致",
}


@dataclass(frozen=True, slots=True)
class Reconciled:
    line: ResultLine
    outcome: Outcome
    reasons: tuple[str, ...] = ()
    reported: ReportedRef | None = None


def normalise_kana(text: str) -> str:
    """Kana compared in any width: 'ｸﾏｶﾞﾔ ﾊﾅｺ' == 'クマガヤ　ハナコ' == 'くまがや はなこ'."""
    return comparable(text)


Lookup = Callable[[Sequence[str]], Mapping[str, ReportedRef]] | Mapping[str, ReportedRef]


def _as_lookup(lookup: Lookup) -> Callable[[Sequence[str]], Mapping[str, ReportedRef]]:
    if isinstance(lookup, Mapping):
        return lambda numbers: {n: lookup[n] for n in numbers if n in lookup}
    return lookup


def compare(line: ResultLine, reported: ReportedRef) -> tuple[str, ...]:
    reasons = []
    ours = normalise_kana(reported.family_name_kana + reported.given_name_kana)
    if normalise_kana(line.name_kana) != ours:
        reasons.append(
            f"氏名カナが違います（報告: {reported.family_name_kana}　{reported.given_name_kana}、"
            f"結果: {line.name_kana}）。"
        )
    if line.birth_date != reported.birth_date:
        reasons.append(
            f"生年月日が違います（報告: {format_date(reported.birth_date)}、"
            f"結果: {format_date(line.birth_date)}）。"
        )
    if reported.form_code not in PROCESS_KIND_FORMS[line.process_kind]:
        reasons.append(
            f"処理区分「{PROCESS_KINDS[line.process_kind]}」は報告した届書"
            f"「{FORM_KINDS.get(reported.form_code, reported.form_code)}」の結果になりません。"
        )
    return tuple(reasons)


Check = Callable[[ResultLine, ReportedRef], tuple[str, ...]]


def reconcile(
    lines: Iterable[ResultLine],
    lookup: Lookup,
    *,
    chunk_size: int = 1000,
    check: Check | None = None,
) -> Iterator[Reconciled]:
    """Match each line with the reported item of its 受付番号; the lookup is asked once per
    chunk of lines (a database query in the batch), so memory stays bounded. `check` adds the
    reasons a decision contradicts the record's state (a conflict, never applied)."""
    find = _as_lookup(lookup)
    iterator = iter(lines)
    while chunk := list(islice(iterator, chunk_size)):
        found = find([line.receipt_number for line in chunk])
        for line in chunk:
            reported = found.get(line.receipt_number)
            if reported is None:
                yield Reconciled(line, Outcome.UNMATCHED, ("報告していない受付番号です。",))
                continue
            reasons = compare(line, reported)
            if not reasons and check is not None:
                reasons = check(line, reported)
            outcome = Outcome.CONFLICT if reasons else Outcome.MATCHED
            yield Reconciled(line, outcome, reasons, reported)


@dataclass
class Summary:
    """Counts per outcome and the first lines of each (what the screen shows at once)."""

    keep: int = 200
    counts: dict[Outcome, int] = field(default_factory=lambda: dict.fromkeys(Outcome, 0))
    examples: dict[Outcome, list[Reconciled]] = field(
        default_factory=lambda: {o: [] for o in Outcome}
    )

    def add(self, r: Reconciled) -> None:
        self.counts[r.outcome] += 1
        if len(self.examples[r.outcome]) < self.keep:
            self.examples[r.outcome].append(r)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def summarize(reconciled: Iterable[Reconciled], *, keep: int = 200) -> Summary:
    summary = Summary(keep=keep)
    for r in reconciled:
        summary.add(r)
    return summary
