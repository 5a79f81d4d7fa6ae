"""This app's part of seed_demo: a few 老齢基礎年金 claims waiting in the verification queue,
for people who reach 65 about now and whose record is 第1号 only (the claims the city takes).

Each candidate is checked by its kind's rules (`kind.validate`, as at intake; a refused one is
skipped) and saved the way every demo part saves waiting entries (no audit event: demo data is
not somebody's work). Registered from `BenefitsConfig.ready()` (`register_demo_parts`).
"""

from datetime import date, timedelta

from django.core.exceptions import ValidationError

from kokumin_nenkin.demo.entries import demo_entry
from kokumin_nenkin.demo.parts import DemoPart, DemoRun, register_demo_part
from qualifications.codes import Held, InsuredCategory
from qualifications.models import Person, ResidenceStatus
from qualifications.rules import age_reached_on

from .kinds import BY_CLAIM
from .rules import ClaimKind

OLD_AGE = BY_CLAIM[ClaimKind.OLD_AGE]

WANTED = 2  # claims put in the queue


def seed_demo_claims(today: date, staff: dict) -> int:
    """Up to `WANTED` 老齢基礎年金 claims of people who reached 65 in the last two months.
    Returns the number of entries made."""
    makers = [s for name, s in sorted(staff.items()) if name in ("madoguchi", "oosato")]
    if not makers:
        return 0
    born_from = date(today.year - 65, 1, 1) - timedelta(days=62)
    candidates = (
        Person.objects.filter(
            residence_status=ResidenceStatus.RESIDENT,
            birth_date__gte=born_from,
            birth_date__lte=date(today.year - 65, 12, 31),
            qualifications__held=Held.HELD,
            qualifications__category=InsuredCategory.FIRST,
        )
        .order_by("addressee_number")
        .distinct()
    )
    made = 0
    for person in candidates[:40]:
        reached = age_reached_on(person.birth_date, 65)
        if not (today - timedelta(days=62) <= reached <= today):
            continue
        start = date(reached.year + reached.month // 12, reached.month % 12 + 1, 1)
        payload = OLD_AGE.encode(
            {
                "claimed_on": today,
                "claimant": person.pk,
                "claimant_name": "",
                "relationship": "本人",
                "start_month": start,
                "paid_months": 300,
                "exempt_months": 24,
                "kara_months": 0,
                "attachments": "techo,bank",
            }
        )
        try:
            OLD_AGE.validate(person, payload)
        except ValidationError:
            continue
        demo_entry(OLD_AGE, person, payload, makers[made % len(makers)])
        made += 1
        if made == WANTED:
            break
    return made


def seed_demo_part(run: DemoRun) -> None:
    if not run.persons_created:
        return
    run.pending += seed_demo_claims(run.today, run.staff)


def register_demo_parts() -> None:
    """After the persons (qualifications, order 100) and the exemptions' part (200)."""
    register_demo_part(DemoPart(code="benefits.claims", order=300, seed=seed_demo_part))
