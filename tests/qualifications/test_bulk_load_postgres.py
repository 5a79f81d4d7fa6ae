"""PostgreSQL: the F3 import and the initial load write their rows through COPY
(`kokumin_nenkin.bulk.bulk_copy`), and store exactly what the `bulk_create` path (SQLite's, and
PostgreSQL's before) stores: the same persons, households, 個人番号 (encrypted, decrypting back,
with the same keyed hash) and history rows. A bad line still leaves nothing behind."""

from datetime import date

import pytest
from auditlog.models import LogEntry
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEvent
from exemptions.models import (
    AdditionalPremium,
    ExemptionApplication,
    MaternityExemption,
    StatutoryExemption,
)
from kokumin_nenkin import bulk
from kokumin_nenkin.imports.models import ImportedFile
from qualifications import my_number
from qualifications.initial_load import load_register
from qualifications.models import Household, Person, QualificationRecord
from qualifications.residents import residents_import
from tests.factories import make_person
from tests.qualifications.test_initial_load import good_files, write
from tests.qualifications.test_residents_import import f3, moved_in, valid_number

pytestmark = pytest.mark.postgres_only

SKIPPED = {"id", "created_at", "updated_at"}


def snapshot(model) -> list[dict]:
    """Every row of `model` as the user sees it: no ids or timestamps; foreign keys by what they
    name; the 個人番号 decrypted."""
    rows = []
    for obj in model.objects.all():
        row = {}
        for field in model._meta.concrete_fields:
            if field.name in SKIPPED:
                continue
            value = getattr(obj, field.attname)
            if field.name == "my_number_encrypted":
                value = my_number.decrypt(value) if value else ""
            elif field.name == "household":
                value = obj.household.number if obj.household_id else None
            elif field.name in ("person", "spouse"):
                value = getattr(obj, field.name).addressee_number if value else None
            row[field.name] = value
        rows.append(row)
    return sorted(rows, key=str)


def through_bulk_create(monkeypatch, work):
    """Run `work` with `bulk_copy` taking the `bulk_create` path, inside a savepoint rolled
    back afterwards; returns what `work` returned and the INSERT statements it sent."""
    monkeypatch.setattr(bulk, "copies", lambda using="default": False)
    try:
        with CaptureQueriesContext(connection) as queries:
            sid = transaction.savepoint_create()
            result = work()
            transaction.savepoint_rollback(sid)
    finally:
        monkeypatch.undo()
    return result, [q["sql"] for q in queries.captured_queries if q["sql"].startswith("INSERT")]


def copied(work):
    with CaptureQueriesContext(connection) as queries:
        result = work()
    return result, [q["sql"] for q in queries.captured_queries if q["sql"].startswith("INSERT")]


def inserts_into(statements, table: str) -> int:
    return sum(f'INSERT INTO "{table}"' in s for s in statements)


F3_LINES = [
    moved_in(f"20000000{i:02d}", mn=valid_number(f"1234567{i:04d}") if i % 2 else "")
    for i in range(1, 11)
] + ["D2,2025-04-01,2025-04-01,1000000001,,,,,,3600002,熊谷市新町三丁目3番3号,,,"]


@pytest.mark.django_db
def test_the_f3_import_through_copy_stores_what_bulk_create_stores(cast, monkeypatch):
    on_file = make_person(addressee_number="1000000001", household=None, registered=False)
    creations = LogEntry.objects.filter(action=LogEntry.Action.CREATE).count()  # the factory's
    text = f3(*F3_LINES)

    def work():
        result = residents_import(data=text.encode(), filename="f3.csv", actor=cast["shintatsu"])
        assert result.ok, [str(e) for e in result.errors]
        return (
            snapshot(Person),
            snapshot(Household),
            result.created,
        )

    reference, plain = through_bulk_create(monkeypatch, work)
    assert inserts_into(plain, "qualifications_person") == 1
    assert Person.objects.count() == 1 and not Household.objects.exists()  # rolled back

    loaded, sent = copied(work)
    assert inserts_into(sent, "qualifications_person") == 0  # the rows came through COPY
    assert inserts_into(sent, "qualifications_household") == 0
    assert loaded == reference
    persons, households, created = loaded
    assert created == 10 and len(persons) == 11
    assert [h["number"] for h in households] == ["H900001"]

    with_number = Person.objects.get(addressee_number="2000000001")
    assert my_number.decrypt(with_number.my_number_encrypted) == valid_number("12345670001")
    assert with_number.my_number_hash == my_number.lookup_hash(valid_number("12345670001"))
    without = Person.objects.get(addressee_number="2000000002")
    assert (without.my_number_encrypted, without.my_number_hash) == ("", None)
    assert without.basic_pension_number == "" and without.use_suspension_allows == []
    # the 住所変更 of the person on file still goes through save(): its field diff is kept;
    # the new persons, as with bulk_create, have the import's one event and no diff each
    diffs = LogEntry.objects.filter(action=LogEntry.Action.UPDATE, object_pk=str(on_file.pk))
    assert any("address" in e.changes_dict for e in diffs)
    assert LogEntry.objects.filter(action=LogEntry.Action.CREATE).count() == creations
    assert AuditEvent.objects.filter(action="import").count() == 1
    connection.check_constraints()  # the deferred foreign keys hold


TABLES = [
    Person,
    Household,
    QualificationRecord,
    ExemptionApplication,
    StatutoryExemption,
    MaternityExemption,
    AdditionalPremium,
]


@pytest.mark.django_db
def test_the_initial_load_through_copy_stores_what_bulk_create_stores(cast, monkeypatch, tmp_path):
    folder = write(tmp_path / "load", good_files())

    def work():
        result = load_register(folder, actor=cast["shintatsu"])
        assert result.ok, result.report()
        return [snapshot(model) for model in TABLES]

    reference, plain = through_bulk_create(monkeypatch, work)
    assert inserts_into(plain, "qualifications_qualificationrecord") == 1
    assert not Person.objects.exists()  # rolled back

    loaded, sent = copied(work)
    for model in TABLES:
        assert inserts_into(sent, model._meta.db_table) == 0, model
    assert loaded == reference
    assert [len(rows) for rows in loaded] == [2, 1, 4, 2, 2, 2, 1]
    taro = Person.objects.get(addressee_number="3000000001")
    assert my_number.decrypt(taro.my_number_encrypted) == valid_number("12345678901")
    assert taro.my_number_hash == my_number.lookup_hash(valid_number("12345678901"))
    latest = QualificationRecord.objects.get(person=taro, is_latest=True)
    assert (latest.event, latest.category_changed_on) == ("category_change", date(2020, 10, 1))
    connection.check_constraints()


@pytest.mark.django_db
def test_an_error_line_leaves_nothing_on_postgresql(cast, tmp_path):
    bad = f3(*F3_LINES[:5], moved_in("2000000099", mn="123456789010"))
    result = residents_import(data=bad.encode(), filename="f3.csv", actor=cast["shintatsu"])
    (error,) = result.errors
    assert (error.line, error.column) == (7, "個人番号") and "検査用数字" in error.message
    files = good_files()
    files["maternity.csv"][2] = "3000000002,2,2023-02-10,2,2022-01-01,,"  # notified too early
    load_result = load_register(write(tmp_path / "load", files), actor=cast["shintatsu"])
    assert not load_result.ok
    assert (
        Person.objects.count(),
        Household.objects.count(),
        QualificationRecord.objects.count(),
        MaternityExemption.objects.count(),
        ImportedFile.objects.count(),
        AuditEvent.objects.filter(action="import").count(),
    ) == (0, 0, 0, 0, 0, 0)
