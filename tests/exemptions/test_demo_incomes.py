"""Demo incomes: deterministic, for residents only, never overwriting real rows."""

import pytest
from django.core.management import CommandError, call_command

from exemptions.demo import seed_demo_incomes
from exemptions.models import Income
from qualifications.models import Person, ResidenceStatus

from .conftest import give_income, make_person


@pytest.mark.django_db
def test_demo_incomes_are_deterministic_and_keep_existing_rows():
    people = [make_person(given=f"{i}") for i in range(30)]
    Person.objects.filter(pk=people[0].pk).update(residence_status=ResidenceStatus.DECEASED)
    give_income(people[1], 2025, 123_000)
    created = seed_demo_incomes(years=[2025, 2024], seed=7)
    assert created == 29 + 28
    assert Income.objects.get(person=people[1], year=2025).total_income == 123_000
    assert not Income.objects.filter(person=people[0]).exists()
    first = list(Income.objects.order_by("person", "year").values_list("total_income", flat=True))
    Income.objects.exclude(person=people[1], year=2025).delete()
    seed_demo_incomes(years=[2025, 2024], seed=7)
    again = list(Income.objects.order_by("person", "year").values_list("total_income", flat=True))
    assert first == again
    assert len({v for v in again}) > 5  # a spread of incomes, not one figure


@pytest.mark.django_db
def test_the_command_refuses_outside_demo_mode(settings):
    settings.DEMO_MODE = False
    with pytest.raises(CommandError, match="デモモード"):
        call_command("seed_demo_incomes")


@pytest.mark.django_db
def test_seed_demo_gives_incomes_and_exemption_forms_waiting_for_verification(settings):
    from django.utils import timezone

    from kokumin_nenkin.verification.models import Entry
    from kokumin_nenkin.verification.models import Status as EntryStatus

    settings.DEMO_MODE = True
    call_command("seed_demo", persons=800, seed=5)
    year = timezone.localdate().year
    assert Income.objects.filter(year=year - 1).count() > 500
    waiting = Entry.objects.filter(kind__startswith="exemptions.", status=EntryStatus.PENDING)
    kinds = set(waiting.values_list("kind", flat=True))
    assert kinds == {
        "exemptions.application",
        "exemptions.student",
        "exemptions.additional",
        "exemptions.maternity",
    }
    assert waiting.count() == 5
    # each passed its kind's rules (as at intake) and has a 受付番号
    assert all(len(e.receipt_number) == 12 for e in waiting)
