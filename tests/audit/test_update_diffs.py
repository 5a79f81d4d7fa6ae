"""Every change to a person or a record leaves a django-auditlog field diff, also when it is
written by `.update()` or `bulk_update()` (which auditlog alone does not see), and each such diff
is bound into the hash chain like any other."""

import pytest
from auditlog.models import LogEntry
from django.utils import timezone

from audit import diffs
from exemptions.models import ExemptionApplication
from jps_reporting.results import RESULTS_KIND, results_request_apply, results_upload
from jps_reporting.services import batch_confirm
from kokumin_nenkin.verification import services
from kokumin_nenkin.verification.models import Entry
from qualifications.models import Person
from tests.jps_reporting.flow import (
    APPLICATION,
    approved_acquisition,
    approved_exemption,
    results_rekey,
)
from tests.jps_reporting.test_results_import import f2
from tests.qualifications.factories import approve

from .conftest import make_person, tamper
from .test_chain import verify_command, verify_fails_at

pytestmark = pytest.mark.django_db


def updates_of(obj) -> list[dict]:
    return [
        e.changes_dict
        for e in LogEntry.objects.get_for_object(obj)
        .filter(action=LogEntry.Action.UPDATE)
        .order_by("pk")
    ]


def test_a_pension_number_from_a_results_file_leaves_a_chained_diff(cast, client_for):
    entry = approved_acquisition(cast["madoguchi"], cast["kakunin"])
    batch_confirm(
        cutoff=timezone.localdate(), entry_ids=[entry.pk], messages={}, actor=cast["shintatsu"]
    )
    text = f2(f"{entry.receipt_number},01,1234-567890,ｼｹﾝ ﾀﾛｳ,1990-06-15,,,,,,,,2026-11-20,")
    saved, _ = results_upload(
        data=text.encode(), filename="kekka.csv", encoding="auto", actor=cast["shintatsu"]
    )
    request = results_request_apply(upload=saved, actor=cast["shintatsu"])
    assert Entry.objects.get(pk=request.pk).kind == RESULTS_KIND
    checker = client_for("kakunin")
    assert (
        checker.post(f"/entries/{request.pk}/approve/", results_rekey(request.pk)).status_code
        == 302
    )

    person = Person.objects.get(pk=entry.person_id)
    assert person.basic_pension_number == "1234-567890"
    diff = LogEntry.objects.get_for_object(person).filter(action=LogEntry.Action.UPDATE).last()
    assert diff.changes_dict["basic_pension_number"] == ["", "1234-567890"]
    assert diff.actor == cast["kakunin"]
    assert "正常" in verify_command()
    tamper("UPDATE auditlog_logentry SET changes_text = 'x' WHERE id = %s", [diff.pk])
    assert f"LogEntry {diff.pk}" in verify_fails_at()


def test_a_new_exemption_record_leaves_a_diff_on_the_one_it_replaces_as_latest(cast):
    first = approved_exemption(cast["madoguchi"], cast["kakunin"])
    older = ExemptionApplication.objects.get(receipt_number=first.receipt_number)
    assert older.is_latest
    again = services.entry_submit(
        kind=APPLICATION,
        person=older.person,
        payload={
            "applied_on": "2025-08-01",
            "exemption_class": "01",
            "accept_lower_class": "1",
            "start": "2025-07-01",
            "end": "2026-06-01",
            "continuing": "0",
            "special_reason": "",
        },
        actor=cast["madoguchi"],
    )
    approve(again, cast["kakunin"])
    older.refresh_from_db()
    assert not older.is_latest
    assert {"is_latest": ["True", "False"]} in updates_of(older)
    assert "正常" in verify_command()


def test_logged_update_and_bulk_update_keep_a_diff_of_each_changed_row(db):
    a, b = make_person(diffed=True), make_person(diffed=True)
    diffs.logged_update(Person.objects.filter(pk__in=[a.pk, b.pk]), phone="048-111-2222")
    assert updates_of(a)[-1]["phone"][1] == "048-111-2222"
    assert updates_of(b)[-1]["phone"][1] == "048-111-2222"
    a.refresh_from_db()
    a.phone, b.phone = "048-333-4444", b.phone  # b unchanged: no diff for it
    b.refresh_from_db()
    diffs.logged_bulk_update(Person, [a, b], ["phone"])
    assert updates_of(a)[-1]["phone"] == ["048-111-2222", "048-333-4444"]
    assert len(updates_of(b)) == 1
    assert "正常" in verify_command()
