"""Each django-auditlog diff row (LogEntry) is bound into the hash chain: an edited, deleted or
slipped-in diff row makes verify_audit_chain fail and name it (tampering done with the triggers
out of the way, as a superuser could)."""

import pytest
from auditlog.models import LogEntry
from django.db import transaction

from audit import diffs
from audit.models import Action, AuditEvent

from .conftest import make_person, tamper
from .test_chain import verify_command, verify_fails_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def changed_person(db):
    """A person created and then changed: two LogEntries, each with its chained event."""
    person = make_person(diffed=True)
    person.address = "埼玉県熊谷市試験町2-2"
    person.save()
    return person


def entries() -> list[LogEntry]:
    return list(LogEntry.objects.order_by("pk"))


def test_each_diff_row_gets_a_chained_event_with_its_digest(changed_person):
    created, updated = entries()
    bound = AuditEvent.objects.filter(action=Action.FIELD_CHANGES).order_by("chain_position")
    assert [(e.object_type, e.object_id) for e in bound] == [
        ("auditlog.LogEntry", str(created.pk)),
        ("auditlog.LogEntry", str(updated.pk)),
    ]
    for event, entry in zip(bound, (created, updated), strict=True):
        stored = diffs.log_entry_values([entry.pk])[entry.pk]
        assert event.details == {
            "SHA-256": diffs.log_entry_digest(stored),
            "対象": "qualifications.person",
        }
    out = verify_command()
    assert "正常" in out and "2 件を照合" in out


def test_the_digest_never_looks_like_a_my_number(changed_person):
    from kokumin_nenkin.identifiers import contains_my_number_like

    for event in AuditEvent.objects.filter(action=Action.FIELD_CHANGES):
        digest = event.details["SHA-256"]
        assert len(digest.replace(":", "")) == 64
        assert not contains_my_number_like(digest)


def test_a_change_rolled_back_leaves_neither_diff_nor_event(changed_person):
    before = (LogEntry.objects.count(), AuditEvent.objects.count())
    with pytest.raises(RuntimeError), transaction.atomic():
        changed_person.address = "埼玉県熊谷市試験町3-3"
        changed_person.save()
        raise RuntimeError("the service failed after saving")
    assert (LogEntry.objects.count(), AuditEvent.objects.count()) == before
    assert "正常" in verify_command()


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE auditlog_logentry SET changes_text = 'x' WHERE id = %s",
        'UPDATE auditlog_logentry SET changes = \'{"address": ["a", "b"]}\' WHERE id = %s',
        "UPDATE auditlog_logentry SET actor_id = NULL, remote_addr = '192.0.2.9' WHERE id = %s",
    ],
)
def test_an_edited_diff_row_is_named(changed_person, sql):
    updated = entries()[-1]
    tamper(sql, [updated.pk])
    message = verify_fails_at()
    assert f"LogEntry {updated.pk}" in message and "一致しません" in message
    position = AuditEvent.objects.get(object_id=str(updated.pk)).chain_position
    assert f"位置 {position}" in message


def test_a_deleted_diff_row_is_named(changed_person):
    created = entries()[0]
    tamper("DELETE FROM auditlog_logentry WHERE id = %s", [created.pk])
    message = verify_fails_at()
    assert f"LogEntry {created.pk}" in message and "削除" in message


def test_a_diff_row_slipped_in_beside_the_chain_is_named(changed_person):
    # bulk_create sends no signal: a row written the way a program bypassing the app would.
    forged = LogEntry.objects.bulk_create(
        [
            LogEntry(
                content_type_id=entries()[0].content_type_id,
                object_pk=str(changed_person.pk),
                object_repr="forged",
                action=LogEntry.Action.UPDATE,
                changes={"address": ["x", "y"]},
            )
        ]
    )[0]
    message = verify_fails_at()
    assert f"LogEntry {forged.pk}" in message and "チェーンにありません" in message


def test_diff_rows_from_before_the_binding_are_counted_not_checked(db):
    from django.contrib.contenttypes.models import ContentType

    from qualifications.models import Person

    # As written by the version before the binding existed (no signal, so no event).
    LogEntry.objects.bulk_create(
        [
            LogEntry(
                content_type=ContentType.objects.get_for_model(Person),
                object_pk="1",
                object_repr="older",
                action=LogEntry.Action.CREATE,
            )
        ]
    )
    make_person(diffed=True)
    out = verify_command()
    assert "正常" in out and "1 件を照合" in out
    assert "結び付けられる前の差分記録 1 件" in out
