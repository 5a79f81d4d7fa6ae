"""所得情報の取込 (format F4 from 市民税課): all or nothing, once only, audited."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import IntegrityError, transaction

from audit.models import Action
from audit.services import record
from kokumin_nenkin.imports import CsvInput, LineError
from kokumin_nenkin.imports.models import ImportedFile
from qualifications.models import Person

from ..formats import F4_COLUMNS, F4_HEADER, F4_KIND, F4_UNIQUE
from ..models import (
    Income,
)


# --- 所得情報の取込 (F4) ---
@dataclass
class IncomeImportResult:
    errors: list[LineError] = field(default_factory=list)
    error_count: int = 0
    lines: int = 0
    created: int = 0
    updated: int = 0
    filename: str = ""
    encoding: str = ""

    @property
    def ok(self) -> bool:
        return self.error_count == 0


_CHUNK = 2000
_INCOME_FIELDS = (
    "total_income",
    "dependents",
    "dependent_deduction",
    "social_insurance_deduction",
    "disabled",
    "widow_single_parent",
    "public_assistance",
    "source_file",
)


@transaction.atomic
def income_import(
    *, data: bytes, filename: str, actor, encoding: str = "auto"
) -> IncomeImportResult:
    """Take in an F4 file: all or nothing, every error listed by line, once only, audited.

    A person and year already on file is updated (a corrected assessment replaces the old)."""
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
    for i in range(0, len(rows), _CHUNK):
        chunk = rows[i : i + _CHUNK]
        pids = {persons[row["宛名番号"]] for _, row in chunk}
        years = {row["所得年"] for _, row in chunk}
        existing = {
            (inc.person_id, inc.year): inc
            for inc in Income.objects.filter(person_id__in=pids, year__in=years)
        }
        new, changed = [], []
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
                "source_file": imported,
            }
            if key in existing:
                income = existing[key]
                for name, value in values.items():
                    setattr(income, name, value)
                changed.append(income)
            else:
                new.append(Income(person_id=key[0], year=key[1], **values))
        Income.objects.bulk_create(new)
        Income.objects.bulk_update(changed, _INCOME_FIELDS)
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
        },
        actor=actor,
    )
    return result
