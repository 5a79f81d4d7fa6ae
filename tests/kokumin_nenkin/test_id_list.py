"""kokumin_nenkin.bulk.id_list: many ids as one query parameter, on both engines."""

import pytest
from auditlog.models import LogEntry

from kokumin_nenkin.bulk import id_list
from qualifications.models import Person
from tests.qualifications.factories import make_person

pytestmark = pytest.mark.django_db


def test_the_rows_named_and_only_them_even_past_sqlites_parameter_limit():
    people = [make_person(family_name=f"試験{i}") for i in range(3)]
    wanted = [people[0].pk, people[2].pk]
    # 40,000 ids would be 40,000 bound parameters as a plain list (SQLite stops at 32,766).
    ids = wanted + list(range(10_000_000, 10_040_000))
    found = set(Person.objects.filter(pk__in=id_list(ids)).values_list("pk", flat=True))
    assert found == set(wanted)
    assert not Person.objects.filter(pk__in=id_list([])).exists()
    assert Person.objects.exclude(pk__in=id_list(wanted)).get() == people[1]


def test_text_ids_match_a_text_column():
    person = make_person(family_name="差分")
    assert LogEntry.objects.filter(object_pk=str(person.pk)).exists()  # its creation's diff
    entries = LogEntry.objects.filter(object_pk__in=id_list([person.pk, 999_999], text=True))
    assert set(entries.values_list("object_pk", flat=True)) == {str(person.pk)}
