"""Synthetic persons for the claim tests (no real person's data)."""

from datetime import date

import pytest

from qualifications.models import Household, Sex
from tests.exemptions.conftest import give_income, make_person, qualify

__all__ = ["give_income", "make_person", "qualify"]


@pytest.fixture
def couple(db, cast):
    """A deceased husband insured 第1号 from 20, and his widow in the same household."""
    home = Household.objects.create(number="B0000001")
    husband = make_person(
        family="熊谷",
        given="太郎",
        sex=Sex.MALE,
        birth=date(1960, 5, 10),
        household=home,
        householder=True,
    )
    wife = make_person(
        given="花子",
        birth=date(1968, 5, 10),
        household=home,
        spouse=husband,
        relationship="妻",
    )
    husband.spouse = wife
    husband.save(update_fields=["spouse"])
    qualify(husband, cast["madoguchi"], acquired_on=date(1980, 5, 9))
    return {"husband": husband, "wife": wife}


@pytest.fixture
def staff(client_for):
    """staff("kakunin") → one logged-in client per cast member for the whole test (a TOTP code
    is accepted once, so a second login in the same 30 seconds would fail)."""
    clients: dict = {}

    def _client(name: str):
        if name not in clients:
            clients[name] = client_for(name)
        return clients[name]

    return _client
