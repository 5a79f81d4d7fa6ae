"""The exemption and 付加 histories of the initial load (初期移行), plugged into the register's
`load_register` (`qualifications.initial_load.register_part`). Layouts: docs/formats.md
("初期移行", version 2).

- `exemptions.csv`: 申請免除・納付猶予・学生納付特例 (免除区分 01–06), one row per application;
- `statutory.csv`: 法定免除 (免除区分 07), one row per 該当届 with its 消滅 if any;
- `maternity.csv`: 産前産後免除 (免除区分 08), one row per 届;
- `additional.csv`: 付加保険料の申出 and its 辞退.

A row's 処理結果 is JPS's decision as the previous system kept it: empty → 審査中, 1 承認 and
3 一部承認 → 承認, 2 却下, 4 取消, 5 返戻 (一部承認 only where a period can be split: not for
法定免除 and 産前産後免除). Each person's highest 連番 is the 最新フラグ row. The months of a
法定免除 and a 産前産後免除 are computed from its dates by the rules of `periods` (as at the
counter), never taken from the file. The records are written with no entry (the previous
system's 受付番号 is not carried over), each table in one load (`kokumin_nenkin.bulk`).
"""

from __future__ import annotations

import re
from datetime import date

from kokumin_nenkin.bulk import bulk_copy
from kokumin_nenkin.decisions import HELD_DECISIONS, DecisionStatus, RuleRefused
from kokumin_nenkin.imports import FieldError, LineError, code_of, optional
from kokumin_nenkin.imports import required as needed
from qualifications import residents
from qualifications.initial_load import (
    LoadPart,
    PersonFacts,
    Rows,
    in_order,
    labelled,
    latest_lines,
    register_part,
    sequence,
)
from qualifications.models import Sex

from . import periods
from .models import (
    AdditionalPremium,
    ExemptionApplication,
    MaternityExemption,
    Pregnancy,
    ProcessingResult,
    StatutoryExemption,
    StatutoryReason,
)
from .periods import exemption_year_of, student_year_of
from .rules import ExemptionClass

DECISION_OF = {
    "": DecisionStatus.AWAITING,
    ProcessingResult.APPROVED: DecisionStatus.APPROVED,
    ProcessingResult.PARTLY_APPROVED: DecisionStatus.APPROVED,
    ProcessingResult.REJECTED: DecisionStatus.REJECTED,
    ProcessingResult.REVOKED: DecisionStatus.REVOKED,
    ProcessingResult.RETURNED: DecisionStatus.RETURNED,
}
STATUTORY_FILE = "statutory.csv"
MATERNITY_FILE = "maternity.csv"
#: 免除区分 07 and 08 have their own files (their items differ from an application's).
OWN_FILE = {ExemptionClass.STATUTORY: STATUTORY_FILE, ExemptionClass.MATERNITY: MATERNITY_FILE}


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
    "免除区分": needed(code_of(labelled(ExemptionClass))),
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
        if row["免除区分"] in OWN_FILE:
            code = row["免除区分"]
            message = f"{ExemptionClass(code).label}（{code}）は {OWN_FILE[code]} に記載します。"
            errors.append(LineError(line, "免除区分", message))
            continue
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


def check_exemption_persons(rows: Rows, people: dict[str, PersonFacts]) -> list[LineError]:
    """納付猶予 only for the months before the month of 50歳到達 (DOMAIN_RULES §2, as at the
    counter: `periods.check_postponement_age`)."""
    errors = []
    for line, row in rows:
        if row["免除区分"] != ExemptionClass.POSTPONEMENT or row["免除終期"] < row["免除始期"]:
            continue
        period = periods.Period(row["免除始期"], row["免除終期"])
        try:
            periods.check_postponement_age(people[row["宛名番号"]].birth_date, period)
        except RuleRefused as exc:
            errors.append(LineError(line, "免除始期", str(exc)))
    return errors


def apply_exemptions(rows: Rows, person_ids: dict[str, int], actor) -> int:
    latest = latest_lines(rows)
    objects = []
    for line, row in in_order(rows):
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
    bulk_copy(ExemptionApplication, objects)
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
        for line, row in in_order(rows)
    ]
    bulk_copy(AdditionalPremium, objects)
    return len(objects)


# --- 法定免除 (免除区分 07) and 産前産後免除 (08) ----------------------------------------------
STATUTORY_REASON_CODES = {
    "1": StatutoryReason.DISABILITY_PENSION,
    "2": StatutoryReason.LIVELIHOOD,
    "3": StatutoryReason.SANATORIUM,
}
#: 処理結果 of a notice whose period is computed, not applied for: no 一部承認.
WHOLE_RESULTS = {
    k: v for k, v in labelled(ProcessingResult).items() if k != ProcessingResult.PARTLY_APPROVED
}


def _revocation_errors(line: int, row: dict, column: str) -> list[LineError]:
    """A 取消 row names the date of its 取消, and only a 取消 row does."""
    errors = []
    revoked = row["処理結果"] == ProcessingResult.REVOKED
    if revoked and not row[column]:
        errors.append(LineError(line, column, "取消の行では必須項目です。"))
    if row[column] and not revoked:
        errors.append(LineError(line, column, "処理結果が「4 取消」の行だけに記入します。"))
    return errors


def _held(row: dict) -> bool:
    return DECISION_OF[row["処理結果"] or ""] in HELD_DECISIONS


def _by_person(rows: Rows) -> dict[str, list[tuple[int, dict]]]:
    """Each person's rows in 連番 order."""
    out: dict[str, list[tuple[int, dict]]] = {}
    for line, row in in_order(rows):
        out.setdefault(row["宛名番号"], []).append((line, row))
    return out


STATUTORY_HEADER = [
    "宛名番号",
    "連番",
    "免除理由",
    "該当年月日",
    "届出年月日",
    "消滅_不該当年月日",
    "免除消滅理由",
    "消滅届出年月日",
    "取消_不該当年月日",
    "処理結果",
    "処理年月日",
]
STATUTORY_COLUMNS = {
    "宛名番号": needed(residents.addressee_number),
    "連番": needed(sequence),
    "免除理由": needed(code_of({k: v.label for k, v in STATUTORY_REASON_CODES.items()})),
    "該当年月日": needed(residents.parse_date),
    "届出年月日": needed(residents.parse_date),
    "消滅_不該当年月日": optional(residents.parse_date),
    "免除消滅理由": residents.text(80),
    "消滅届出年月日": optional(residents.parse_date),
    "取消_不該当年月日": optional(residents.parse_date),
    "処理結果": optional(code_of(WHOLE_RESULTS)),
    "処理年月日": optional(residents.parse_date),
}


def check_statutory(rows: Rows) -> list[LineError]:
    """法定免除: the 消滅 not before the 該当 (periods.statutory_period); 消滅理由 and 消滅届
    only with a 消滅; one person holds at most one 法定免除 without its 消滅 (a 該当届 is refused
    at the counter while one is open)."""
    errors = []
    for line, row in rows:
        errors += _revocation_errors(line, row, "取消_不該当年月日")
        ended = row["消滅_不該当年月日"]
        if ended:
            try:
                periods.statutory_period(row["該当年月日"], ended)
            except RuleRefused as exc:
                errors.append(LineError(line, "消滅_不該当年月日", str(exc)))
        else:
            for column in ("免除消滅理由", "消滅届出年月日"):
                if row[column]:
                    errors.append(
                        LineError(line, column, "消滅_不該当年月日のある行だけに記入します。")
                    )
    for person_rows in _by_person(rows).values():
        open_line = None
        for line, row in person_rows:
            if not _held(row) or row["消滅_不該当年月日"]:
                continue
            if open_line is not None:
                errors.append(
                    LineError(
                        line,
                        "該当年月日",
                        f"{open_line}行目の法定免除が消滅していません（消滅していない法定免除は"
                        "一人に一つです）。",
                    )
                )
            else:
                open_line = line
    return errors


def apply_statutory(rows: Rows, person_ids: dict[str, int], actor) -> int:
    latest = latest_lines(rows)
    objects = []
    for line, row in in_order(rows):
        ended = row["消滅_不該当年月日"]
        objects.append(
            StatutoryExemption(
                person_id=person_ids[row["宛名番号"]],
                reason=STATUTORY_REASON_CODES[row["免除理由"]],
                applies_on=row["該当年月日"],
                notified_on=row["届出年月日"],
                start_month=periods.statutory_start(row["該当年月日"]),
                ended_on=ended,
                end_month=periods.statutory_period(row["該当年月日"], ended).end if ended else None,
                end_reason=row["免除消滅理由"],
                end_notified_on=row["消滅届出年月日"],
                revoked_on=row["取消_不該当年月日"],
                decision=DECISION_OF[row["処理結果"] or ""],
                jps_processed_on=row["処理年月日"],
                is_latest=line in latest,
                operator=actor,
            )
        )
    bulk_copy(StatutoryExemption, objects)
    return len(objects)


MATERNITY_HEADER = [
    "宛名番号",
    "連番",
    "出産予定日",
    "単胎多胎の別",
    "届出年月日",
    "処理結果",
    "処理年月日",
]
MATERNITY_COLUMNS = {
    "宛名番号": needed(residents.addressee_number),
    "連番": needed(sequence),
    "出産予定日": needed(residents.parse_date),
    "単胎多胎の別": needed(code_of(labelled(Pregnancy))),
    "届出年月日": needed(residents.parse_date),
    "処理結果": optional(code_of(WHOLE_RESULTS)),
    "処理年月日": optional(residents.parse_date),
}


def maternity_period(row: dict) -> periods.Period:
    return periods.maternity_period(row["出産予定日"], row["単胎多胎の別"] == Pregnancy.MULTIPLE)


def check_maternity(rows: Rows) -> list[LineError]:
    """産前産後免除: notified no earlier than 6 months before the due date; two held periods of
    one person never overlap (as at the counter)."""
    errors = []
    for line, row in rows:
        try:
            periods.check_maternity_notification(row["出産予定日"], row["届出年月日"])
        except RuleRefused as exc:
            errors.append(LineError(line, "届出年月日", str(exc)))
    for person_rows in _by_person(rows).values():
        held = [(line, maternity_period(row)) for line, row in person_rows if _held(row)]
        for k, (line, period) in enumerate(held):
            for other_line, other in held[:k]:
                if period.start <= other.end and other.start <= period.end:
                    errors.append(
                        LineError(
                            line,
                            "出産予定日",
                            f"免除の期間（{period}）が{other_line}行目（{other}）と重なります。",
                        )
                    )
                    break
    return errors


def check_maternity_persons(rows: Rows, people: dict[str, PersonFacts]) -> list[LineError]:
    """産前産後免除 is notified by the insured woman who gives birth (as at the counter)."""
    errors = []
    for line, row in rows:
        if people[row["宛名番号"]].sex != Sex.FEMALE:
            number = row["宛名番号"]
            errors.append(
                LineError(
                    line,
                    "宛名番号",
                    f"宛名番号「{number}」の方は性別が女性ではありません。産前産後期間の免除は"
                    "出産する被保険者本人のものです。",
                )
            )
    return errors


def apply_maternity(rows: Rows, person_ids: dict[str, int], actor) -> int:
    latest = latest_lines(rows)
    objects = []
    for line, row in in_order(rows):
        period = maternity_period(row)
        objects.append(
            MaternityExemption(
                person_id=person_ids[row["宛名番号"]],
                due_date=row["出産予定日"],
                pregnancy=row["単胎多胎の別"],
                start_month=period.start,
                end_month=period.end,
                notified_on=row["届出年月日"],
                decision=DECISION_OF[row["処理結果"] or ""],
                jps_processed_on=row["処理年月日"],
                is_latest=line in latest,
                operator=actor,
            )
        )
    bulk_copy(MaternityExemption, objects)
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
    model=ExemptionApplication,
    check_persons=check_exemption_persons,
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
    model=AdditionalPremium,
)


STATUTORY = LoadPart(
    code="statutory",
    filename=STATUTORY_FILE,
    title="法定免除履歴",
    order=22,
    header=STATUTORY_HEADER,
    columns=STATUTORY_COLUMNS,
    unique=("宛名番号", "連番"),
    check=check_statutory,
    apply=apply_statutory,
    model=StatutoryExemption,
)
MATERNITY = LoadPart(
    code="maternity",
    filename=MATERNITY_FILE,
    title="産前産後免除履歴",
    order=24,
    header=MATERNITY_HEADER,
    columns=MATERNITY_COLUMNS,
    unique=("宛名番号", "連番"),
    check=check_maternity,
    apply=apply_maternity,
    model=MaternityExemption,
    check_persons=check_maternity_persons,
)


def register_parts() -> None:
    register_part(EXEMPTIONS)
    register_part(STATUTORY)
    register_part(MATERNITY)
    register_part(ADDITIONAL)
