"""Field diffs of business models (django-auditlog): 個人番号 never in them, and the actor and
address come from our trusted context."""

import json

import pytest
from auditlog.diff import model_instance_diff
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.db import models
from django.test.utils import isolate_apps

from audit import diffs
from kokumin_nenkin.identifiers import contains_my_number_like
from qualifications.models import Person

pytestmark = pytest.mark.urls("tests.audit.urls")


def entries_for(person) -> list[LogEntry]:
    return list(LogEntry.objects.get_for_object(person).order_by("pk"))


@pytest.mark.django_db
class TestPersonDiffs:
    def test_person_is_registered_without_its_timestamps(self):
        assert auditlog.contains(Person)
        fields = auditlog.get_model_fields(Person)
        assert {"created_at", "updated_at"} <= set(fields["exclude_fields"])
        assert fields["mask_fields"] == []

    def test_a_change_through_a_request_keeps_field_diff_actor_address_and_request(
        self, client_for, person, cast
    ):
        client = client_for("madoguchi")
        client.post(
            f"/t/person/{person.pk}/rename",
            {"family_name": "改姓"},
            REMOTE_ADDR="192.0.2.31",
            HTTP_X_FORWARDED_FOR="203.0.113.99",  # forged: no trusted proxy configured
        )
        update = entries_for(person)[-1]
        assert update.action == LogEntry.Action.UPDATE
        assert update.changes_dict["family_name"] == ["試験", "改姓"]
        assert update.actor == cast["madoguchi"]
        assert update.remote_addr == "192.0.2.31"
        from audit.models import Action, AuditEvent

        event = AuditEvent.objects.get(action=Action.UPDATE)
        assert update.cid == event.request_id

    def test_no_diff_holds_a_my_number_like_run(self, person):
        person.phone = "048-000-0000"
        person.save()
        text = json.dumps([e.changes for e in LogEntry.objects.all()], ensure_ascii=False)
        assert not contains_my_number_like(text)


@isolate_apps("audit")
def test_a_my_number_field_is_excluded_entirely_never_masked():
    class Subscriber(models.Model):
        name = models.CharField(max_length=20)
        my_number_encrypted = models.CharField("個人番号（暗号化）", max_length=200)
        number_hint = models.CharField("個人番号", max_length=12)

        class Meta:
            app_label = "audit"

        def __str__(self) -> str:
            return self.name

    assert {"my_number_encrypted", "number_hint"} <= set(diffs.excluded_fields(Subscriber))
    diffs.register(Subscriber)
    try:
        old = Subscriber(pk=1, name="甲", my_number_encrypted="x", number_hint="123456789012")
        new = Subscriber(pk=1, name="乙", my_number_encrypted="y", number_hint="210987654321")
        changes = model_instance_diff(old, new)
        assert set(changes) == {"name"}
    finally:
        auditlog.unregister(Subscriber)


def test_mask_fields_and_include_fields_are_refused():
    with pytest.raises(ValueError, match="mask_fields"):
        diffs.register(Person, mask_fields=["address"])
    with pytest.raises(ValueError, match="include_fields"):
        diffs.register(Person, include_fields=["address"])
