"""seed_demo: deterministic, the six demo logins work, and demo tools refuse outside demo mode."""

from collections import Counter
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from kokumin_nenkin.accounts.models import Role, Staff
from kokumin_nenkin.demo.generator import DEMO_PASSWORD, DEMO_STAFF
from qualifications.models import Household, Person


def snapshot():
    return list(
        Person.objects.order_by("addressee_number").values_list(
            "addressee_number",
            "family_name",
            "given_name_kana",
            "birth_date",
            "address",
            "household__number",
            "spouse__addressee_number",
            "residence_status",
        )
    )


@pytest.mark.django_db
def test_same_seed_gives_the_same_people():
    call_command("seed_demo", persons=300, seed=7)
    first = snapshot()
    Person.objects.update(spouse=None)
    Person.objects.all().delete()
    Household.objects.all().delete()
    call_command("seed_demo", persons=300, seed=7)
    assert snapshot() == first
    assert len(first) == 300


@pytest.mark.django_db
def test_other_seed_gives_other_people():
    call_command("seed_demo", persons=200, seed=1)
    first = snapshot()
    Person.objects.update(spouse=None)
    Person.objects.all().delete()
    call_command("seed_demo", persons=200, seed=2)
    assert snapshot() != first


@pytest.mark.django_db
def test_population_has_an_example_for_every_workflow():
    call_command("seed_demo", persons=2000, seed=1)
    today = date.today()
    ages = Counter()
    for birth in Person.objects.values_list("birth_date", flat=True):
        ages[today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))] += 1
    assert sum(ages[a] for a in (19, 20)) > 20, "people turning 20"
    assert sum(ages[a] for a in (59, 60)) > 20, "people turning 60"
    assert sum(ages[a] for a in (64, 65)) > 20, "people turning 65"
    spouses = Person.objects.filter(spouse__isnull=False)
    assert spouses.count() > 200
    for p in spouses.select_related("spouse")[:50]:
        assert p.spouse.spouse_id == p.pk and p.spouse.household_id == p.household_id
    assert Person.objects.filter(residence_status="deceased").exists()
    assert Person.objects.filter(residence_status="moved_out").exists()
    assert all(a.startswith("熊谷市") for a in Person.objects.values_list("address", flat=True))
    kana = "".join(Person.objects.values_list("family_name_kana", flat=True)[:200])
    assert all("\u30a0" <= ch <= "\u30ff" for ch in kana)


@pytest.mark.django_db
def test_if_empty_keeps_existing_people():
    call_command("seed_demo", persons=50, seed=1)
    call_command("seed_demo", persons=50, seed=9, if_empty=True)
    assert Person.objects.count() == 50


@pytest.mark.django_db
@pytest.mark.parametrize("username,_name,role,office", DEMO_STAFF)
def test_each_demo_account_logs_in_with_password_and_totp(username, _name, role, office, capsys):
    call_command("seed_demo", persons=0)
    user = Staff.objects.get(username=username)
    assert user.role == role and user.office.code == office
    client = Client()
    response = client.post(
        reverse("accounts:login"), {"username": username, "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    capsys.readouterr()
    call_command("demo_totp", username)
    code = capsys.readouterr().out.strip()
    assert len(code) == 6 and code.isdigit()
    assert client.post(reverse("accounts:otp"), {"token": code}).status_code == 302
    home = client.get("/")
    assert home.status_code == 200
    assert Role(role).label in home.content.decode()


@pytest.mark.django_db
def test_demo_tools_refuse_outside_demo_mode(settings):
    call_command("seed_demo", persons=0)
    settings.DEMO_MODE = False
    with pytest.raises(CommandError, match="デモモード"):
        call_command("demo_totp", "kakunin")
    with pytest.raises(CommandError, match="デモモード"):
        call_command("seed_demo", persons=10)


@pytest.mark.django_db
def test_demo_has_checked_entries_waiting_for_the_report_clerk():
    from kokumin_nenkin.verification.models import Entry, Status

    call_command("seed_demo", persons=2000, seed=1)
    approved = Entry.objects.filter(status=Status.APPROVED).select_related("maker", "checker")
    assert approved.count() >= 2
    assert all(e.checker.username == "kakunin" and e.maker_id != e.checker_id for e in approved)
    assert Entry.objects.filter(status=Status.PENDING).exists()
