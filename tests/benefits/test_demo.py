"""The demo part of benefits puts 老齢基礎年金 claims in the queue, checked by the kind's rules,
for people who have just reached 65 with a 第1号-only record."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from benefits.demo import seed_demo_claims
from kokumin_nenkin.demo.parts import registered_parts
from kokumin_nenkin.verification.models import Entry, Status
from qualifications.rules import age_reached_on

from .conftest import make_person, qualify

pytestmark = pytest.mark.django_db


def just_65(today: date) -> date:
    """A birth date whose 65th birthday (the day before it, in law) was 20 days ago."""
    birth = (today - timedelta(days=20)).replace(year=today.year - 65) + timedelta(days=1)
    assert today - timedelta(days=62) <= age_reached_on(birth, 65) <= today
    return birth


def test_a_claim_waits_for_someone_just_65_and_not_for_a_second_category_record(cast):
    today = timezone.localdate()
    first = make_person(birth=just_65(today))
    qualify(first, cast["madoguchi"], acquired_on=age_reached_on(first.birth_date, 20))
    other = make_person(birth=just_65(today))
    qualify(other, cast["madoguchi"], category="2", acquired_on=date(1985, 4, 1))
    made = seed_demo_claims(today, {"madoguchi": cast["madoguchi"]})
    assert made == 1
    entry = Entry.objects.get(kind="benefits.old_age")
    assert (entry.person, entry.status, entry.maker) == (first, Status.PENDING, cast["madoguchi"])
    assert entry.payload["claimant"] == str(first.pk)


def test_the_part_runs_after_the_persons_and_the_exemptions():
    codes = [p.code for p in registered_parts()]
    assert codes.index("benefits.claims") > codes.index("exemptions.incomes_and_entries")
