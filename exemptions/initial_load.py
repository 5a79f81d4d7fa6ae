"""The exemption and 付加 histories of the initial load (初期移行), plugged into the register's
`load_register` (`qualifications.initial_load.register_part`). Layouts: docs/formats.md
("初期移行", version 2).

- `exemptions.csv`: 申請免除・納付猶予・学生納付特例 (免除区分 01–06), one row per application;
- `additional.csv`: 付加保険料の申出 and its 辞退.

A row's 処理結果 is JPS's decision as the previous system kept it: empty → 審査中, 1 承認 and
3 一部承認 → 承認, 2 却下, 4 取消, 5 返戻. Each person's highest 連番 is the 最新フラグ row.
The records are written with no entry (the previous system's 受付番号 is not carried over).
"""

from __future__ import annotations

import re
from datetime import date

from kokumin_nenkin.decisions import DecisionStatus
from kokumin_nenkin.imports import FieldError, LineError, code_of, optional
from kokumin_nenkin.imports import required as needed
from qualifications import residents
from qualifications.initial_load import (
    BATCH,
    LoadPart,
    Rows,
    labelled,
    latest_lines,
    register_part,
    sequence,
)

from .models import AdditionalPremium, ExemptionApplication, ProcessingResult
from .periods import exemption_year_of, student_year_of
from .rules import APPLICATION_CLASSES, ExemptionClass

DECISION_OF = {
    "": DecisionStatus.AWAITING,
    ProcessingResult.APPROVED: DecisionStatus.APPROVED,
    ProcessingResult.PARTLY_APPROVED: DecisionStatus.APPROVED,
    ProcessingResult.REJECTED: DecisionStatus.REJECTED,
    ProcessingResult.REVOKED: DecisionStatus.REVOKED,
    ProcessingResult.RETURNED: DecisionStatus.RETURNED,
}
LOADED_CLASSES = {
    c.value: c.label
    for c in (*APPLICATION_CLASSES, ExemptionClass.POSTPONEMENT, ExemptionClass.STUDENT)
}


def month(value: str) -> date:
    m = re.fullmatch(r"(\d{4})-(\d{2})", value)
    if not m or not 1 <= int(m[2]) <= 12:
        raise FieldError(f"「{value[:20]}」は年月（YYYY-MM）ではありません。")
    return date(int(m[1]), int(m[2]), 1)


EXEMPTION_HEADER = [
    "宛名番号",
    "連番",
    "免除区分",
    "申請年月日",
    "免除始期",
    "免除終期",
    "処理結果",
    "承認期間開始",
    "承認期間終了",
    "却下期間開始",
    "却下期間終了",
    "処理年月日",
]
EXEMPTION_COLUMNS = {
    "宛名番号": needed(residents.addressee_number),
    "連番": needed(sequence),
    "免除区分": needed(code_of(LOADED_CLASSES)),
    "申請年月日": needed(residents.parse_date),
    "免除始期": needed(month),
    "免除終期": needed(month),
    "処理結果": optional(code_of(labelled(ProcessingResult))),
    "承認期間開始": optional(month),
    "承認期間終了": optional(month),
    "却下期間開始": optional(month),
    "却下期間終了": optional(month),
    "処理年月日": optional(residents.parse_date),
}


def _pairs_in_order(line: int, row: dict, pairs) -> list[LineError]:
    errors = []
    for start, end in pairs:
        if (row[start] is None) != (row[end] is None):
            errors.append(LineError(line, end, f"「{start}」と「{end}」は両方記入してください。"))
        elif row[start] and row[end] < row[start]:
            errors.append(LineError(line, end, f"「{end}」が「{start}」より前です。"))
    return errors


PERIODS = [
    ("免除始期", "免除終期"),
    ("承認期間開始", "承認期間終了"),
    ("却下期間開始", "却下期間終了"),
]


def check_exemptions(rows: Rows) -> list[LineError]:
    errors = []
    for line, row in rows:
        errors += _pairs_in_order(
            line,
            row,
            PERIODS,
        )
        result = row["処理結果"]
        if (
            result in (ProcessingResult.APPROVED, ProcessingResult.PARTLY_APPROVED)
            and not row["承認期間開始"]
        ):
            errors.append(LineError(line, "承認期間開始", "承認の行では必須項目です。"))
        if (
            result in (ProcessingResult.REJECTED, ProcessingResult.PARTLY_APPROVED)
            and not row["却下期間開始"]
        ):
            errors.append(LineError(line, "却下期間開始", "却下の行では必須項目です。"))
    return errors


def apply_exemptions(rows: Rows, person_ids: dict[str, int], actor) -> int:
    latest = latest_lines(rows)
    objects = []
    for line, row in sorted(rows, key=lambda lr: (lr[1]["宛名番号"], lr[1]["連番"])):
        start = row["免除始期"]
        student = row["免除区分"] == ExemptionClass.STUDENT
        objects.append(
            ExemptionApplication(
                person_id=person_ids[row["宛名番号"]],
                period_year=student_year_of(start) if student else exemption_year_of(start),
                exemption_class=row["免除区分"],
                applied_on=row["申請年月日"],
                start_month=start,
                end_month=row["免除終期"],
                result=row["処理結果"] or "",
                decision=DECISION_OF[row["処理結果"] or ""],
                approved_start=row["承認期間開始"],
                approved_end=row["承認期間終了"],
                rejected_start=row["却下期間開始"],
                rejected_end=row["却下期間終了"],
                jps_processed_on=row["処理年月日"],
                is_latest=line in latest,
                operator=actor,
            )
        )
    ExemptionApplication.objects.bulk_create(objects, batch_size=BATCH)
    return len(objects)


ADDITIONAL_HEADER = [
    "宛名番号",
    "連番",
    "付加納付申出年月日",
    "付加加入理由",
    "付加該当年月日",
    "付加納付辞退申出年月日",
    "付加辞退理由",
    "付加非該当年月日",
    "処理結果",
]
ADDITIONAL_COLUMNS = {
    "宛名番号": needed(residents.addressee_number),
    "連番": needed(sequence),
    "付加納付申出年月日": needed(residents.parse_date),
    "付加加入理由": residents.text(80),
    "付加該当年月日": needed(residents.parse_date),
    "付加納付辞退申出年月日": optional(residents.parse_date),
    "付加辞退理由": residents.text(80),
    "付加非該当年月日": optional(residents.parse_date),
    "処理結果": optional(code_of(labelled(ProcessingResult))),
}


def check_additional(rows: Rows) -> list[LineError]:
    errors = []
    for line, row in rows:
        ceased = row["付加非該当年月日"]
        if ceased and ceased < row["付加該当年月日"]:
            errors.append(
                LineError(line, "付加非該当年月日", "付加非該当年月日が付加該当年月日より前です。")
            )
    return errors


def apply_additional(rows: Rows, person_ids: dict[str, int], actor) -> int:
    latest = latest_lines(rows)
    objects = [
        AdditionalPremium(
            person_id=person_ids[row["宛名番号"]],
            applied_on=row["付加納付申出年月日"],
            join_reason=row["付加加入理由"],
            applies_on=row["付加該当年月日"],
            withdrawal_applied_on=row["付加納付辞退申出年月日"],
            withdrawal_reason=row["付加辞退理由"],
            ceased_on=row["付加非該当年月日"],
            result=row["処理結果"] or "",
            decision=DECISION_OF[row["処理結果"] or ""],
            is_latest=line in latest,
            operator=actor,
        )
        for line, row in sorted(rows, key=lambda lr: (lr[1]["宛名番号"], lr[1]["連番"]))
    ]
    AdditionalPremium.objects.bulk_create(objects, batch_size=BATCH)
    return len(objects)


EXEMPTIONS = LoadPart(
    code="exemptions",
    filename="exemptions.csv",
    title="免除等履歴",
    order=20,
    header=EXEMPTION_HEADER,
    columns=EXEMPTION_COLUMNS,
    unique=("宛名番号", "連番"),
    check=check_exemptions,
    apply=apply_exemptions,
)
ADDITIONAL = LoadPart(
    code="additional",
    filename="additional.csv",
    title="付加履歴",
    order=30,
    header=ADDITIONAL_HEADER,
    columns=ADDITIONAL_COLUMNS,
    unique=("宛名番号", "連番"),
    check=check_additional,
    apply=apply_additional,
)


def register_parts() -> None:
    register_part(EXEMPTIONS)
    register_part(ADDITIONAL)
