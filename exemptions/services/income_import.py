"""所得情報の取込 (format F4 from 市民税課): all or nothing, once only, audited."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.models import Action
from audit.services import record, record_many
from kokumin_nenkin.imports import CsvInput, LineError
from kokumin_nenkin.imports.models import ImportedFile
from qualifications.models import Person

from ..formats import F4_COLUMNS, F4_HEADER, F4_KIND, F4_UNIQUE
from ..models import Income, IncomeRevision, PublicAssistance, WidowSingleParent


# --- 所得情報の取込 (F4) ---
@dataclass
class IncomeImportResult:
    errors: list[LineError] = field(default_factory=list)
    error_count: int = 0
    lines: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    filename: str = ""
    encoding: str = ""

    @property
    def ok(self) -> bool:
        return self.error_count == 0


_CHUNK = 2000
_UPDATE_BATCH = 200
_INCOME_FIELDS = (*Income.VALUE_FIELDS, "source_file", "updated_at")

#: field → the key of its old and new values in the per-person audit event (audit/schema.py).
AUDIT_KEYS = {
    "total_income": "前年所得",
    "dependents": "扶養親族等の数",
    "dependent_deduction": "扶養親族等控除額",
    "social_insurance_deduction": "社会保険料控除額等",
    "disabled": "障害者",
    "widow_single_parent": "寡婦・ひとり親",
    "public_assistance": "生活保護",
}
_LABELS = {
    "widow_single_parent": dict(WidowSingleParent.choices),
    "public_assistance": dict(PublicAssistance.choices),
}


def _shown(name: str, value):
    """A value as the auditor reads it: the label of a code, else the value itself."""
    return str(_LABELS[name].get(value, value)) if name in _LABELS else value


def _person_details(year: int, old: Income | None, values: dict) -> dict:
    """One person's event: the year, then 変更前 / 変更後 of each field that changed (all of them
    for a new income, 変更前 なし)."""
    details: dict = {"ファイル": "所得情報（F4）", "所得年": year}
    for name, key in AUDIT_KEYS.items():
        before = None if old is None else getattr(old, name)
        if old is None or before != values[name]:
            details[key] = {
                "変更前": None if old is None else _shown(name, before),
                "変更後": _shown(name, values[name]),
            }
    return details


@transaction.atomic
def income_import(
    *, data: bytes, filename: str, actor, encoding: str = "auto"
) -> IncomeImportResult:
    """Take in an F4 file: all or nothing, every error listed by line, once only, audited.

    A person and year already on file with other values is updated (a corrected assessment
    replaces the old) and the values it replaced are kept as an `IncomeRevision`; the same
    values again change nothing. Each person whose income was added or changed gets one audit
    event naming the fields with their old and new values (`所得年`, `前年所得` …)."""
    reader = CsvInput(
        data,
        filename=filename,
        header=F4_HEADER,
        kind=F4_KIND,
        columns=F4_COLUMNS,
        unique=F4_UNIQUE,
        encoding=encoding,
    )
    rows = list(reader.rows())
    result = IncomeImportResult(
        lines=reader.line_count, filename=reader.filename, encoding=reader.encoding
    )
    numbers = {row["宛名番号"] for _, row in rows}
    persons: dict[str, int] = {}
    number_list = sorted(numbers)
    for i in range(0, len(number_list), _CHUNK):
        persons.update(
            Person.objects.filter(addressee_number__in=number_list[i : i + _CHUNK]).values_list(
                "addressee_number", "pk"
            )
        )
    unknown = [
        LineError(line, "宛名番号", f"宛名番号「{row['宛名番号']}」の住民が登録されていません。")
        for line, row in rows
        if row["宛名番号"] not in persons
    ]
    result.errors = sorted([*reader.errors, *unknown], key=lambda e: e.line or 0)
    result.error_count = reader.error_count + len(unknown)
    if not result.ok:
        return result
    try:
        with transaction.atomic():
            reader.mark_imported(actor)
    except IntegrityError:
        result.errors = [LineError(None, None, "このファイルは既に取り込まれています。")]
        result.error_count = 1
        return result
    imported = ImportedFile.objects.get(kind=F4_KIND, sha256=reader.sha256)
    now = timezone.now()
    for i in range(0, len(rows), _CHUNK):
        chunk = rows[i : i + _CHUNK]
        pids = {persons[row["宛名番号"]] for _, row in chunk}
        years = {row["所得年"] for _, row in chunk}
        existing = {
            (inc.person_id, inc.year): inc
            for inc in Income.objects.filter(person_id__in=pids, year__in=years).order_by()
        }
        new, changed, revisions = [], [], []
        touched: list[tuple[int, dict]] = []
        for _, row in chunk:
            key = (persons[row["宛名番号"]], row["所得年"])
            values = {
                "total_income": row["合計所得金額"],
                "dependents": row["扶養親族等の数"],
                "dependent_deduction": row["扶養親族等控除額"],
                "social_insurance_deduction": row["社会保険料控除額等"],
                "disabled": row["障害者"] == "1",
                "widow_single_parent": row["寡婦ひとり親"],
                "public_assistance": row["生活保護"],
            }
            income = existing.get(key)
            if income is not None and all(getattr(income, n) == v for n, v in values.items()):
                result.unchanged += 1
                continue
            touched.append((key[0], _person_details(key[1], income, values)))
            if income is None:
                new.append(Income(person_id=key[0], year=key[1], source_file=imported, **values))
                continue
            revisions.append(
                IncomeRevision(
                    person_id=income.person_id,
                    year=income.year,
                    source_file_id=income.source_file_id,
                    recorded_at=income.updated_at,
                    superseded_at=now,
                    superseded_by=imported,
                    **{n: getattr(income, n) for n in Income.VALUE_FIELDS},
                )
            )
            for name, value in values.items():
                setattr(income, name, value)
            income.source_file = imported
            income.updated_at = now
            changed.append(income)
        IncomeRevision.objects.bulk_create(revisions)
        Income.objects.bulk_create(new)
        # Small batches: bulk_update's CASE … WHEN grows with the batch and is read per row.
        Income.objects.bulk_update(changed, _INCOME_FIELDS, batch_size=_UPDATE_BATCH)
        record_many(
            Action.IMPORT,
            persons=[Person(pk=pid) for pid, _ in touched],
            target=imported,
            details=[details for _, details in touched],
            actor=actor,
        )
        result.created += len(new)
        result.updated += len(changed)
    # The SHA-256 and file name stay on the ImportedFile row: either can hold a 12-digit run,
    # which the audit writer refuses as 個人番号-like.
    record(
        Action.IMPORT,
        target=imported,
        details={
            "ファイル": "所得情報（F4）",
            "行数": result.lines,
            "新規": result.created,
            "更新": result.updated,
            "変更なし": result.unchanged,
        },
        actor=actor,
    )
    return result
