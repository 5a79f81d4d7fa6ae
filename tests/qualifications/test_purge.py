"""Deleting a person (only a retention purge ever does) takes their file with them:
history rows, entries and their status history, memos, reissues."""

from kokumin_nenkin.verification import services
from kokumin_nenkin.verification.models import Entry
from qualifications.models import Person, QualificationRecord
from tests.qualifications.factories import acquisition_payload, approve, make_person


def test_deleting_a_person_removes_their_file(cast, db):
    person = make_person()
    entry = services.entry_submit(
        kind="qualifications.acquisition",
        person=person,
        payload=acquisition_payload("2010-06-14"),
        actor=cast["madoguchi"],
    )
    approve(entry, cast["kakunin"])
    services.entry_amend(entry_id=entry.pk, payload=entry.payload, actor=cast["madoguchi"])
    Person.objects.filter(pk=person.pk).delete()
    assert not QualificationRecord.objects.exists() and not Entry.objects.exists()
