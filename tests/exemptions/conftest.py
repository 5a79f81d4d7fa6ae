"""Synthetic households for the exemption tests (no real person's data)."""

from datetime import date
from itertools import count

import pytest

from exemptions.models import Income
from qualifications.codes import Event, Held
from qualifications.models import Household, Person, QualificationRecord, Sex

_numbers = count(1)


def make_person(
    *,
    family="熊谷",
    given="花子",
    sex=Sex.FEMALE,
    birth=date(1990, 5, 10),
    household=None,
    householder=False,
    spouse=None,
    relationship="",
) -> Person:
    from tests.factories import make_person as make_synthetic_person

    return make_synthetic_person(
        registered=False,
        family_name=family,
        given_name=given,
        family_name_kana="クマガヤ",
        given_name_kana="ハナコ",
        sex=sex,
        birth_date=birth,
        address="熊谷市テスト町一丁目1番1号",
        household=household,
        is_householder=householder,
        relationship=relationship or ("世帯主" if householder else ""),
        spouse=spouse,
    )


def qualify(person, operator, category="1", acquired_on=date(2012, 5, 9)):
    """An approved qualification history row: the person is insured in `category`."""
    QualificationRecord.objects.filter(person=person).update(is_latest=False)
    return QualificationRecord.objects.create(
        person=person,
        event=Event.ACQUISITION,
        held=Held.HELD,
        category=category,
        acquired_on=acquired_on,
        acquisition_notified_on=acquired_on,
        acquisition_cause="01",
        operator=operator,
    )


def give_income(person, year, total, n=0, dep=0, si=0, **kw) -> Income:
    return Income.objects.create(
        person=person,
        year=year,
        total_income=total,
        dependents=n,
        dependent_deduction=dep,
        social_insurance_deduction=si,
        **kw,
    )


@pytest.fixture
def family(db):
    """A householder father, his wife (the applicant) and nothing else."""
    home = Household.objects.create(number=f"T{next(_numbers):07d}")
    head = make_person(
        family="熊谷",
        given="太郎",
        sex=Sex.MALE,
        birth=date(1960, 3, 3),
        household=home,
        householder=True,
    )
    wife = make_person(given="花子", birth=date(1992, 5, 10), household=home, relationship="子")
    husband = make_person(
        family="熊谷",
        given="一郎",
        sex=Sex.MALE,
        birth=date(1990, 1, 20),
        household=home,
        spouse=wife,
        relationship="子の夫",
    )
    return {"head": head, "applicant": wife, "spouse": husband, "household": home}
