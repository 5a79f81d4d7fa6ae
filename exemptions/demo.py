"""Synthetic incomes (地方税関係情報) for the demo persons, so the panel has something to show.

`seed_demo_incomes(years=..., seed=...)` is the hook for `seed_demo`; the management command
`seed_demo_incomes` runs it on its own. Deterministic for a seed; existing rows are kept.
"""

import random

from django.db import transaction

from qualifications.models import Person, ResidenceStatus

from .models import Income, PublicAssistance, WidowSingleParent

BATCH = 2000
DEPENDENT_DEDUCTION = 380_000  # a plausible figure per dependant for synthetic data only

# (weight, low, high) of 合計所得金額: many around the exemption thresholds on purpose.
BANDS = [
    (25, 0, 0),
    (15, 1, 670_000),
    (15, 670_001, 1_400_000),
    (15, 1_400_001, 2_200_000),
    (30, 2_200_001, 6_000_000),
]


def _income(rng: random.Random, person_id: int, year: int) -> Income:
    band = rng.choices(BANDS, weights=[b[0] for b in BANDS])[0]
    total = rng.randint(band[1], band[2]) // 1000 * 1000
    dependents = rng.choices([0, 1, 2, 3], weights=[60, 20, 15, 5])[0]
    return Income(
        person_id=person_id,
        year=year,
        total_income=total,
        dependents=dependents,
        dependent_deduction=dependents * DEPENDENT_DEDUCTION,
        social_insurance_deduction=min(total // 7, 900_000) // 1000 * 1000,
        disabled=rng.random() < 0.03,
        widow_single_parent=rng.choices(
            [WidowSingleParent.NONE, WidowSingleParent.WIDOW, WidowSingleParent.SINGLE_PARENT],
            weights=[94, 3, 3],
        )[0],
        public_assistance=PublicAssistance.LIVELIHOOD
        if rng.random() < 0.01
        else PublicAssistance.NONE,
    )


@transaction.atomic
def seed_demo_incomes(*, years: list[int], seed: int = 1) -> int:
    """Incomes for every resident for each year that has none yet. Returns rows created."""
    rng = random.Random(seed)  # noqa: S311 — synthetic demo data, not a secret
    created = 0
    persons = Person.objects.filter(residence_status=ResidenceStatus.RESIDENT).order_by("pk")
    for year in years:
        have = set(Income.objects.filter(year=year).values_list("person_id", flat=True))
        batch: list[Income] = []
        for person_id in persons.values_list("pk", flat=True).iterator(chunk_size=BATCH):
            income = _income(rng, person_id, year)  # drawn even when skipped: stable output
            if person_id in have:
                continue
            batch.append(income)
            if len(batch) >= BATCH:
                Income.objects.bulk_create(batch)
                created += len(batch)
                batch = []
        Income.objects.bulk_create(batch)
        created += len(batch)
    return created
