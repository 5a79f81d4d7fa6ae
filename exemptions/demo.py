"""Synthetic incomes (地方税関係情報) for the demo persons, so the panel has something to show.

`seed_demo_incomes(years=..., seed=...)` is the hook for `seed_demo`; the management command
`seed_demo_incomes` runs it on its own. Deterministic for a seed; existing rows are kept.
`seed_demo_exemption_entries(today, staff)` then puts a few 届書 in the verification queue.
"""

import random
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction

from kokumin_nenkin.bulk import bulk_copy
from qualifications.codes import Held, InsuredCategory
from qualifications.models import Person, ResidenceStatus, Sex

from .models import Income, PublicAssistance, WidowSingleParent
from .rules import ExemptionClass

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
                bulk_copy(Income, batch)
                created += len(batch)
                batch = []
        bulk_copy(Income, batch)
        created += len(batch)
    return created


def seed_demo_exemption_entries(today: date, staff: dict) -> int:
    """A few exemption and 付加 届書 waiting for verification, for the demo queue.

    Each is checked by its kind's rules (`kind.validate`, as at intake; a candidate the rules
    refuse is skipped) and saved the way seed_demo saves its other waiting entries (no audit
    event: demo data is not somebody's work). Returns the number of entries made."""
    from kokumin_nenkin.demo.entries import demo_entry

    from . import kinds, periods

    makers = [s for name, s in sorted(staff.items()) if name in ("madoguchi", "oosato")]
    if not makers:
        return 0
    year = periods.exemption_year_period(periods.exemption_year_of(today))
    student_year = periods.student_year_period(periods.student_year_of(today))
    income_year = periods.income_year_for(ExemptionClass.FULL, year.start.year)
    insured = (
        Person.objects.filter(
            residence_status=ResidenceStatus.RESIDENT,
            qualifications__is_latest=True,
            qualifications__held=Held.HELD,
            qualifications__category=InsuredCategory.FIRST,
            incomes__year=income_year,
        )
        .order_by("addressee_number")
        .distinct()
    )
    wanted = [
        (
            kinds.APPLICATION,
            insured.filter(incomes__total_income__lte=670_000),
            {"exemption_class": ExemptionClass.FULL, "accept_lower_class": "1"},
        ),
        (
            kinds.APPLICATION,
            insured.filter(incomes__total_income__gt=1_000_000),
            {"exemption_class": ExemptionClass.HALF, "accept_lower_class": "0"},
        ),
        (
            kinds.STUDENT,
            insured.filter(birth_date__gt=date(today.year - 23, 4, 1)),
            {"school_name": "熊谷デモ大学"},
        ),
        (kinds.ADDITIONAL, insured.filter(incomes__total_income__gt=3_000_000), {}),
        (
            kinds.MATERNITY,
            insured.filter(sex=Sex.FEMALE, birth_date__gt=date(today.year - 38, 1, 1)),
            {"due_date": today + timedelta(days=90), "pregnancy": "1"},
        ),
    ]
    base = {
        kinds.APPLICATION: {
            "applied_on": today,
            "start": year.start,
            "end": year.end,
            "continuing": "0",
            "special_reason": "",
        },
        kinds.STUDENT: {
            "applied_on": today,
            "start": student_year.start,
            "end": student_year.end,
            "continuing": "1",
            "special_reason": "",
        },
        kinds.ADDITIONAL: {"applied_on": today, "join_reason": "", "national_pension_fund": "0"},
        kinds.MATERNITY: {"notified_on": today},
    }
    made = 0
    used: set[int] = set()
    for i, (kind, candidates, fields) in enumerate(wanted):
        payload = kind.encode({**base[kind], **fields})
        for person in candidates[:20]:
            if person.pk in used:
                continue
            try:
                kind.validate(person, payload)
            except ValidationError:
                continue
            demo_entry(kind, person, payload, makers[i % len(makers)])
            used.add(person.pk)
            made += 1
            break
    return made


def seed_demo_part(run) -> None:
    """seed_demo's part of this app (issue 6): incomes for the household panel and exemption
    届書 in the queue, once the persons are there."""
    if not run.persons_created:
        return
    seed_demo_incomes(years=[run.today.year - 1, run.today.year - 2], seed=run.seed)
    run.pending += seed_demo_exemption_entries(run.today, run.staff)


def register_demo_parts() -> None:
    """From `ExemptionsConfig.ready()`: after the persons (qualifications, order 100)."""
    from kokumin_nenkin.demo.parts import DemoPart, register_demo_part

    register_demo_part(
        DemoPart(code="exemptions.incomes_and_entries", order=200, seed=seed_demo_part)
    )
