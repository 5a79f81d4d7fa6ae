"""The register's front door (issue 12): the F3 import, the initial load and the 20歳 list,
each against a same-run baseline.

BENCH_REGISTER_PERSONS (default 100,000) sets the size: F3 lines, persons of the initial load
(each with 3 history rows: 2 qualification rows and 1 exemption row), persons behind the 20歳
list. Baselines: a plain insert of the same rows (no reading, no checks, no audit) — both the
ORM's `bulk_create` (what the loaders used before issue 12's COPY change) and
`kokumin_nenkin.bulk.bulk_copy` (what they use now: COPY on PostgreSQL) — and for the list a
plain query of the persons born in the list's date range.

Goals (issue 12): F3 ≤ 30 s and ≤ 2 × its baseline; initial load ≤ 3 minutes; 20歳 list
p95 ≤ 100 ms.
"""

import os
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from django.db import transaction

from exemptions.models import ExemptionApplication
from kokumin_nenkin.accounts.models import Role, Staff
from kokumin_nenkin.bulk import bulk_copy
from kokumin_nenkin.identifiers import my_number_check_digit
from kokumin_nenkin.imports.models import ImportedFile
from qualifications import my_number
from qualifications.initial_load import load_register
from qualifications.models import Household, Person, QualificationRecord, WorkList
from qualifications.residents import F3_HEADER, residents_import
from qualifications.worklists import work_list_rows

BASE = 7_000_000_000
FAMILIES = ["試験", "見本", "仮名", "架空", "例示"]
GIVENS = ["一郎", "花子", "次郎", "葉子"]
KANA_F = ["シケン", "ミホン", "カメイ", "カクウ", "レイジ"]
KANA_G = ["イチロウ", "ハナコ", "ジロウ", "ヨウコ"]


def _my_number(i: int) -> str:
    first11 = f"{90000000000 + i:011d}"
    return first11 + str(my_number_check_digit(first11))


def _birth(i: int) -> date:
    # spread over 0–89 years: about n / 1,080 persons reach 20 in any month
    return date(1937, 1, 1) + timedelta(days=(i * 7919) % (89 * 365))


def _person_cells(i: int, code: str, when: str) -> str:
    number = BASE + i
    mn = _my_number(i) if i % 2 == 0 else ""
    f, g = i % len(FAMILIES), i % len(GIVENS)
    return (
        f"{code},{when},{when},{number},{mn},{FAMILIES[f]}　{GIVENS[g]},"
        f"{KANA_F[f]}　{KANA_G[g]},{1 + i % 2},{_birth(i).isoformat()},360-0001,"
        f"熊谷市試験町{i % 9 + 1}丁目{i % 50 + 1}番{i % 20 + 1}号,B{i // 3:08d},"
        f"{'世帯主' if i % 3 == 0 else '子'},{BASE + i - i % 3}"
    )


def _csv(lines: list[str]) -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def _plain_persons(n: int) -> list[Person]:
    """The same person rows as the files, built without the reader (the baselines)."""
    persons = []
    for i in range(n):
        f, g = i % len(FAMILIES), i % len(GIVENS)
        p = Person(
            addressee_number=str(BASE + i),
            family_name=FAMILIES[f],
            given_name=GIVENS[g],
            family_name_kana=KANA_F[f],
            given_name_kana=KANA_G[g],
            sex=str(1 + i % 2),
            birth_date=_birth(i),
            postal_code="3600001",
            address=f"熊谷市試験町{i % 9 + 1}丁目{i % 50 + 1}番{i % 20 + 1}号",
            residence_event="A1",
            residence_event_on=date(2026, 11, 30),
        )
        if i % 2 == 0:
            p.my_number_encrypted = my_number.encrypt(_my_number(i))
            p.my_number_hash = my_number.lookup_hash(_my_number(i))
        p.normalise()
        persons.append(p)
    return persons


def _wipe() -> None:
    """Empty the tables between runs without per-object delete signals (django-auditlog would
    write one diff row per person deleted, which is not what is measured)."""
    with transaction.atomic():
        for model in (ExemptionApplication, QualificationRecord, Person, Household, ImportedFile):
            qs = model.objects.all()
            qs._raw_delete(qs.db)


def bulk_create(model, objs) -> None:
    model.objects.bulk_create(objs, batch_size=2000)


INSERTS = (("bulk_create", bulk_create), ("bulk_copy (COPY)", bulk_copy))


def _f3_baseline(n: int, insert) -> float:
    started = time.perf_counter()
    with transaction.atomic():
        insert(Household, [Household(number=f"B{k:08d}") for k in range((n + 2) // 3)])
        insert(Person, _plain_persons(n))
    return time.perf_counter() - started


def _f3(n: int, clerk) -> list[str]:
    data = _csv([",".join(F3_HEADER)] + [_person_cells(i, "A1", "2026-11-30") for i in range(n)])
    started = time.perf_counter()
    result = residents_import(data=data, filename="bench-f3.csv", actor=clerk)
    imported = time.perf_counter() - started
    assert result.ok and result.created == n, result.errors[:3]
    _wipe()
    lines = [
        f"F3 lines: {n:,} (転入 A1, half with 個人番号; {len(data) / 1e6:.1f} MB UTF-8)",
        f"residents_import (read, check, encrypt, households, bulk insert, audit): "
        f"{imported:.1f} s ({n / imported:,.0f} lines/s; goal ≤ 30 s)",
    ]
    for name, insert in INSERTS:
        baseline = _f3_baseline(n, insert)
        _wipe()
        lines += [
            f"baseline: {name} of the same households and persons (encrypted too): "
            f"{baseline:.1f} s",
            f"ratio import / {name} baseline: {imported / baseline:.2f}x (goal ≤ 2x)",
        ]
    return lines


QUAL = (
    "宛名番号,連番,異動の種類,資格有無区分,被保険者種別,資格取得届出年月日,資格取得年月日,"
    "資格取得事由,資格喪失届出年月日,資格喪失年月日,資格喪失事由,種別変更年月日,種別変更事由,"
    "種別変更届出年月日"
)
EXEMPT = (
    "宛名番号,連番,免除区分,申請年月日,免除始期,免除終期,処理結果,承認期間開始,承認期間終了,"
    "却下期間開始,却下期間終了,処理年月日"
)


def _load_files(folder: Path, n: int) -> int:
    persons = [",".join(F3_HEADER)] + [_person_cells(i, "00", "2026-12-01") for i in range(n)]
    quals, exempts = [QUAL], [EXEMPT]
    for i in range(n):
        number = BASE + i
        quals.append(f"{number},1,1,1,1,2010-04-05,2010-04-01,99,,,,,,")  # 99: any birth date
        if i % 2:  # left for a job: 第2号 held
            quals.append(f"{number},2,3,1,2,,,,,,,2015-04-01,21,2015-04-10")
        else:  # lost
            quals.append(f"{number},2,2,0,1,,,,2015-04-10,2015-04-01,14,,,")
        exempts.append(f"{number},1,01,2021-07-05,2021-07,2022-06,1,2021-07,2022-06,,,2021-09-01")
    size = 0
    for name, lines in (
        ("persons.csv", persons),
        ("qualifications.csv", quals),
        ("exemptions.csv", exempts),
    ):
        data = _csv(lines)
        (folder / name).write_bytes(data)
        size += len(data)
    return size


def _load_baseline(n: int, clerk, insert) -> float:
    started = time.perf_counter()
    with transaction.atomic():
        insert(Household, [Household(number=f"B{k:08d}") for k in range((n + 2) // 3)])
        persons = _plain_persons(n)
        insert(Person, persons)
        quals = []
        exempts = []
        for p in persons:
            quals.append(
                QualificationRecord(
                    person_id=p.pk,
                    event="acquisition",
                    is_latest=False,
                    held="1",
                    category="1",
                    acquisition_notified_on=date(2010, 4, 5),
                    acquired_on=date(2010, 4, 1),
                    acquisition_cause="01",
                    operator=clerk,
                )
            )
            if int(p.addressee_number) % 2:
                second = QualificationRecord(
                    person_id=p.pk,
                    event="category_change",
                    held="1",
                    category="2",
                    category_changed_on=date(2015, 4, 1),
                    category_change_cause="21",
                    category_change_notified_on=date(2015, 4, 10),
                    operator=clerk,
                )
            else:
                second = QualificationRecord(
                    person_id=p.pk,
                    event="loss",
                    held="0",
                    category="1",
                    loss_notified_on=date(2015, 4, 10),
                    lost_on=date(2015, 4, 1),
                    loss_cause="14",
                    operator=clerk,
                )
            quals.append(second)
            exempts.append(
                ExemptionApplication(
                    person_id=p.pk,
                    period_year=2021,
                    exemption_class="01",
                    applied_on=date(2021, 7, 5),
                    start_month=date(2021, 7, 1),
                    end_month=date(2022, 6, 1),
                    result="1",
                    decision="approved",
                    approved_start=date(2021, 7, 1),
                    approved_end=date(2022, 6, 1),
                    jps_processed_on=date(2021, 9, 1),
                    operator=clerk,
                )
            )
        insert(QualificationRecord, quals)
        insert(ExemptionApplication, exempts)
    return time.perf_counter() - started


def _initial_load(n: int, clerk) -> list[str]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        size = _load_files(folder, n)
        started = time.perf_counter()
        result = load_register(folder, actor=clerk)
        loaded = time.perf_counter() - started
    assert result.ok, result.report()[:2000]
    lines = [
        f"initial load: {n:,} persons + {2 * n:,} qualification rows + {n:,} exemption rows "
        f"({size / 1e6:.1f} MB UTF-8)",
        f"load_register (read, check every file, encrypt, bulk insert, audit): {loaded:.1f} s "
        f"({n / loaded:,.0f} persons/s; goal ≤ 180 s)",
    ]
    # the last baseline's rows stay for the 20歳 list
    for name, insert in INSERTS:
        _wipe()
        baseline = _load_baseline(n, clerk, insert)
        lines += [
            f"baseline: {name} of the same households, persons and history rows: {baseline:.1f} s",
            f"ratio load / {name} baseline: {loaded / baseline:.2f}x",
        ]
    return lines


def _age_20_list(n: int) -> list[str]:
    # the persons (with histories) stay from the initial load's baseline
    months = [(2026, m) for m in range(1, 13)] + [(2027, m) for m in range(1, 13)]
    timings, baseline, sizes = [], [], []
    for year, month in months * 2:
        started = time.perf_counter()
        rows = work_list_rows(WorkList.AGE_20, year=year, month=month, today=date(2026, 12, 2))
        timings.append(time.perf_counter() - started)
        sizes.append(len(rows))
        low = date(year - 20, month, 1) - timedelta(days=2)
        started = time.perf_counter()
        list(Person.objects.filter(birth_date__range=(low, low + timedelta(days=35))))
        baseline.append(time.perf_counter() - started)
    p95 = statistics.quantiles(timings, n=20)[18] * 1000
    p95_base = statistics.quantiles(baseline, n=20)[18] * 1000
    return [
        f"20歳 list, {n:,} persons, {len(timings)} month lists "
        f"({min(sizes)}–{max(sizes)} rows each)",
        f"work_list_rows: median {statistics.median(timings) * 1000:.1f} ms, "
        f"p95 {p95:.1f} ms (goal ≤ 100 ms)",
        f"baseline: the persons born in the month's range, one query: "
        f"median {statistics.median(baseline) * 1000:.1f} ms, p95 {p95_base:.1f} ms",
        f"ratio p95 / baseline p95: {p95 / p95_base:.2f}x",
    ]


def run() -> list[str]:
    n = int(os.environ.get("BENCH_REGISTER_PERSONS", "100000"))
    _wipe()
    clerk = Staff.objects.create_user(
        username="bench-register", password="x-bench-only-x", role=Role.REPORT_CLERK
    )
    lines = _f3(n, clerk)
    lines += _initial_load(n, clerk)
    lines += _age_20_list(n)
    _wipe()
    Staff.objects.filter(pk=clerk.pk).update(is_active=False)
    return lines
