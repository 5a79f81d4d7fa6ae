"""The retention purge: the dry run changes nothing; the real run leaves nothing of the person in
any table, the audit events intact and the chain verifiable, one purge event per person."""

from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from audit import chain
from audit.models import Action, AuditEvent, PurgedLogEntry
from qualifications.models import Person, QualificationRecord
from resident_requests.purge import plan, purge_persons
from resident_requests.retention import due_persons

from .helpers import person_with_everything

pytestmark = pytest.mark.django_db


def gone_long_ago(person, years=6):
    QualificationRecord.objects.filter(person=person).update(is_latest=False)
    QualificationRecord.objects.create(
        person=person,
        event="loss",
        held="0",
        lost_on=timezone.localdate() - timedelta(days=365 * years),
        loss_cause="",
        operator_id=QualificationRecord.objects.filter(person=person).first().operator_id,
    )


def table_rows_mentioning(*needles: str) -> dict[str, int]:
    found = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cols = [c.name for c in connection.introspection.get_table_description(cursor, table)]
            for col in cols:
                for needle in needles:
                    cursor.execute(
                        f'SELECT COUNT(*) FROM "{table}" WHERE CAST("{col}" AS TEXT) LIKE %s',  # noqa: S608
                        [f"%{needle}%"],
                    )
                    if cursor.fetchone()[0]:
                        found[f"{table}.{col}"] = needle
    return found


@pytest.fixture
def due(cast):
    person = person_with_everything(cast, family_name="梢川", given_name="対象子")
    gone_long_ago(person)
    kept = person_with_everything(cast, batch=False, family_name="保存", given_name="継続子")
    return person, kept


def test_only_persons_past_retention_are_due(due):
    person, _kept = due
    assert [d.person_id for d in due_persons(timezone.localdate())] == [person.pk]


def test_the_dry_run_lists_and_changes_nothing(due, capsys):
    person, _kept = due
    before = {t: AuditEvent.objects.count() for t in ("events",)}
    call_command("purge_expired", "--dry-run")
    out = capsys.readouterr().out
    assert "消去の対象 1 人" in out
    assert Person.objects.filter(pk=person.pk).exists()
    assert AuditEvent.objects.count() == before["events"]
    assert not PurgedLogEntry.objects.exists()


def test_the_purge_leaves_nothing_of_the_person_and_the_chain_still_verifies(cast, due):
    person, kept = due
    number, family, given = person.addressee_number, person.family_name, person.given_name
    events_before = AuditEvent.objects.filter(person_id=person.pk).count()
    assert table_rows_mentioning(number, family + given, given)  # the scan finds them first
    result = purge_persons([person.pk], as_of=timezone.localdate(), actor=cast["kakunin"])
    assert result.person_ids == [person.pk]
    assert table_rows_mentioning(number, given, family) == {}
    assert Person.objects.filter(pk=kept.pk).exists()
    # the audit events stay, naming the person by id; one purge event with the counts
    assert AuditEvent.objects.filter(person_id=person.pk).count() == events_before + 1
    purge = AuditEvent.objects.get(person_id=person.pk, action=Action.PURGE)
    assert purge.details["件数別"]["qualifications.Person"] == 1
    assert purge.details["件数"] > 5
    verified = chain.verify()
    assert verified.ok, verified.reason
    assert verified.log_entries_purged == PurgedLogEntry.objects.count() > 0


def test_a_tombstone_with_another_digest_breaks_the_verification(cast, due):
    from audit.triggers import maintenance

    person, _kept = due
    purge_persons([person.pk], as_of=timezone.localdate(), actor=cast["kakunin"])
    stone = PurgedLogEntry.objects.first()
    with maintenance():
        PurgedLogEntry.objects.filter(pk=stone.pk).update(digest="0" * 64)
    assert not chain.verify().ok


def test_a_diff_without_a_tombstone_still_cannot_be_deleted(due):
    from auditlog.models import LogEntry
    from django.db import DatabaseError, transaction

    with pytest.raises(DatabaseError), transaction.atomic():
        LogEntry.objects.all()._raw_delete(LogEntry.objects.db)


def test_a_shared_batch_output_holds_the_person_back_until_everyone_in_it_is_due(cast):
    from jps_reporting.services import batch_confirm
    from tests.jps_reporting.flow import approved_acquisition

    m, k = cast["madoguchi"], cast["kakunin"]
    one = approved_acquisition(m, k, family_name="共通", given_name="一子")
    two = approved_acquisition(m, k, family_name="共通", given_name="二子")
    batch_confirm(
        cutoff=timezone.localdate(),
        entry_ids=[one.pk, two.pk],
        messages={},
        actor=cast["shintatsu"],
    )
    result = plan([one.person_id], date.today())
    assert result.person_ids == []
    assert one.person_id in result.held_back
    both = plan([one.person_id, two.person_id], date.today())
    assert both.person_ids == sorted([one.person_id, two.person_id])
