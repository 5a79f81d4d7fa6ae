"""seed_demo gives every workflow an example: valid synthetic identifiers, histories with one
latest row each, entries waiting for verification and one returned."""

from collections import Counter

import pytest
from django.core.management import call_command
from django.db.models import Count, Q

from kokumin_nenkin.identifiers import is_valid_basic_pension_number, is_valid_my_number
from kokumin_nenkin.verification.models import Entry, Status
from qualifications import my_number
from qualifications.models import Person, QualificationRecord


@pytest.fixture
def seeded(db):
    call_command("seed_demo", persons=3000, seed=3)


@pytest.mark.django_db
def test_identifiers_are_synthetic_but_valid(seeded):
    people = list(Person.objects.exclude(my_number_encrypted="")[:300])
    assert len(people) == 300
    assert all(is_valid_my_number(my_number.decrypt(p.my_number_encrypted)) for p in people)
    numbers = Person.objects.exclude(basic_pension_number="").values_list(
        "basic_pension_number", flat=True
    )
    assert numbers.count() > 1000
    assert all(is_valid_basic_pension_number(n) for n in numbers[:500])
    assert Person.objects.filter(kana_key="").count() == 0


@pytest.mark.django_db
def test_histories_have_exactly_one_latest_row_and_cover_every_event(seeded):
    per_person = QualificationRecord.objects.values("person").annotate(
        latest=Count("id", filter=Q(is_latest=True))
    )
    assert per_person.count() > 1000
    assert {row["latest"] for row in per_person} == {1}
    events = Counter(QualificationRecord.objects.values_list("event", flat=True))
    causes = set(QualificationRecord.objects.values_list("loss_cause", flat=True))
    assert events["acquisition"] and events["loss"] and events["category_change"]
    assert {"11", "13"} <= causes  # death and 60歳到達


@pytest.mark.django_db
def test_there_is_work_waiting_in_the_queues(seeded):
    statuses = Counter(Entry.objects.values_list("status", flat=True))
    assert statuses[Status.PENDING] >= 3 and statuses[Status.RETURNED] == 1
    assert all(len(e.receipt_number) == 12 for e in Entry.objects.all())
