"""F4 income import and the pre-screening, each against a same-run baseline.

BENCH_INCOME_ROWS (default 100,000) sets the size: that many persons (seed_demo) and one F4
line each. Baselines: a plain bulk_create of the same Income rows (no validation, no upsert,
no audit), and for the screening, building the same inputs without screening them.
"""

import os
import time
from datetime import date

from django.core.management import call_command
from django.db import transaction

from exemptions.models import Income, IncomeRevision
from exemptions.rules import PersonIncome, ScreeningInput, screen
from exemptions.services import income_import
from kokumin_nenkin.accounts.models import Role, Staff
from kokumin_nenkin.imports.models import ImportedFile
from qualifications.models import Household, Person

HEADER = (
    "所得年,宛名番号,合計所得金額,扶養親族等の数,扶養親族等控除額,社会保険料控除額等,"
    "障害者,寡婦ひとり親,生活保護"
)


def _corrected(line: str) -> str:
    year, number, total, *rest = line.split(",")
    return ",".join([year, number, str(int(total) + 1000), *rest])


def _wipe() -> None:
    with transaction.atomic():
        IncomeRevision.objects.all().delete()
        Income.objects.all().delete()
        Person.objects.update(spouse=None)
        Person.objects.all().delete()
        Household.objects.all().delete()


def run() -> list[str]:
    n = int(os.environ.get("BENCH_INCOME_ROWS", "100000"))
    _wipe()
    call_command("seed_demo", persons=n, seed=1, stdout=open(os.devnull, "w"))  # noqa: SIM115
    clerk = Staff.objects.create_user(
        username="bench-shintatsu", password="x-bench-only-x", role=Role.REPORT_CLERK
    )
    # seed_demo writes demo incomes for the last two years: start from none, as a first import.
    Income.objects.all().delete()
    numbers = list(Person.objects.order_by("pk").values_list("addressee_number", "pk"))
    lines = [HEADER] + [
        f"2025,{number},{(i * 7919) % 3_000_000},{i % 4},{(i % 4) * 380000},{i % 500000},0,0,0"
        for i, (number, _) in enumerate(numbers)
    ]
    data = ("\r\n".join(lines) + "\r\n").encode("cp932")

    started = time.perf_counter()
    result = income_import(data=data, filename="bench.csv", actor=clerk)
    imported = time.perf_counter() - started
    assert result.ok and result.created == len(numbers), result.errors[:3]

    # A corrected assessment for every line: each replaced income is kept as history and each
    # person changed gets an audit event with the old and new values.
    corrected = ("\r\n".join([HEADER] + [_corrected(line) for line in lines[1:]]) + "\r\n").encode(
        "cp932"
    )
    started = time.perf_counter()
    again = income_import(data=corrected, filename="bench-corrected.csv", actor=clerk)
    reimported = time.perf_counter() - started
    assert again.ok and again.updated == len(numbers), again.errors[:3]

    IncomeRevision.objects.all().delete()
    Income.objects.all().delete()
    ImportedFile.objects.all().delete()
    started = time.perf_counter()
    with transaction.atomic():
        Income.objects.bulk_create(
            [
                Income(
                    person_id=pk,
                    year=2025,
                    total_income=(i * 7919) % 3_000_000,
                    dependents=i % 4,
                    dependent_deduction=(i % 4) * 380000,
                    social_insurance_deduction=i % 500000,
                )
                for i, (_, pk) in enumerate(numbers)
            ],
            batch_size=2000,
        )
    baseline = time.perf_counter() - started

    inputs = [
        ScreeningInput(
            date(2026, 7, 1),
            PersonIncome("本人", (i * 7919) % 3_000_000, i % 4, (i % 4) * 380000, i % 500000),
            spouse=PersonIncome("配偶者", (i * 104729) % 2_000_000) if i % 2 else None,
        )
        for i in range(n)
    ]
    started = time.perf_counter()
    for inp in inputs:
        screen(inp)
    screened = time.perf_counter() - started
    started = time.perf_counter()
    for i in range(n):
        ScreeningInput(
            date(2026, 7, 1),
            PersonIncome("本人", (i * 7919) % 3_000_000, i % 4, (i % 4) * 380000, i % 500000),
            spouse=PersonIncome("配偶者", (i * 104729) % 2_000_000) if i % 2 else None,
        )
    build = time.perf_counter() - started

    _wipe()
    Staff.objects.filter(pk=clerk.pk).update(is_active=False)
    return [
        f"F4 rows: {n:,} ({len(data) / 1e6:.1f} MB, CP932)",
        f"income_import (decode, validate, look up 宛名番号, upsert, audit): {imported:.1f} s "
        f"({n / imported:,.0f} rows/s)",
        f"income_import of a corrected file (every line changed: history kept, one audit event "
        f"per person with old and new values): {reimported:.1f} s ({n / reimported:,.0f} rows/s)",
        f"baseline bulk_create of the same Income rows: {baseline:.1f} s",
        f"ratio import / baseline: {imported / baseline:.2f}x",
        f"screen(): {n:,} screenings in {screened:.2f} s ({n / screened:,.0f}/s); "
        f"building the inputs alone {build:.2f} s",
    ]
