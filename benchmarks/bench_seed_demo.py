"""seed_demo: persons per second, against a plain bulk INSERT of the same rows (the baseline).

BENCH_PERSONS (default 100,000) sets the size. The target: 100,000 persons on
PostgreSQL in under two minutes.
"""

import os
import time

from django.core.management import call_command
from django.db import connection, transaction

from qualifications.models import Household, Person


def _wipe() -> None:
    with transaction.atomic():
        Person.objects.update(spouse=None)
        Person.objects.all().delete()
        Household.objects.all().delete()


def run() -> list[str]:
    n = int(os.environ.get("BENCH_PERSONS", "100000"))
    _wipe()
    started = time.perf_counter()
    call_command("seed_demo", persons=n, seed=1, stdout=open(os.devnull, "w"))  # noqa: SIM115
    seeded = time.perf_counter() - started

    rows = list(
        Person.objects.values_list(
            "addressee_number",
            "family_name",
            "given_name",
            "family_name_kana",
            "given_name_kana",
            "sex",
            "birth_date",
            "postal_code",
            "address",
            "phone",
            "relationship",
            "is_householder",
            "residence_status",
        )
    )
    _wipe()
    table = Person._meta.db_table
    cols = (
        "addressee_number, family_name, given_name, family_name_kana, given_name_kana, sex, "
        "birth_date, postal_code, address, phone, relationship, is_householder, "
        "residence_status, created_at, updated_at"
    )
    placeholders = ", ".join(["%s"] * 15)
    from django.utils import timezone

    now = timezone.now()
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        for i in range(0, len(rows), 2000):
            cursor.executemany(
                f"INSERT INTO {table} ({cols}) VALUES ({placeholders})",  # noqa: S608
                [(*r, now, now) for r in rows[i : i + 2000]],
            )
    baseline = time.perf_counter() - started
    _wipe()
    return [
        f"persons: {n:,}",
        f"seed_demo: {seeded:.1f} s ({n / seeded:,.0f} persons/s)",
        f"baseline plain INSERT of the same rows: {baseline:.1f} s",
        f"ratio seed_demo / baseline: {seeded / baseline:.2f}x "
        f"(seed_demo also builds households, spouses and demo staff)",
        f"target 100,000 persons < 120 s: {'met' if n < 100000 or seeded < 120 else 'NOT met'}",
    ]
