"""Fail closed: no audit event, no change. And in tests, a personal-data request that wrote no
audit event is an error."""

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse

from audit.middleware import AuditEventMissing
from audit.models import Action, AuditEvent
from audit.policy import unclassified_permissions
from qualifications.models import Memo

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.audit.urls")]


def test_every_permission_of_the_matrix_is_classified():
    assert unclassified_permissions() == set()


def refuse_audit_inserts() -> None:
    """A trigger that fails every audit INSERT, as a full disk or lost grant would."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE FUNCTION test_audit_insert_fails() RETURNS trigger LANGUAGE plpgsql AS "
                "$$ BEGIN RAISE EXCEPTION 'audit storage unavailable'; END $$"
            )
            cursor.execute(
                "CREATE TRIGGER test_audit_insert_fails BEFORE INSERT ON audit_auditevent "
                "FOR EACH ROW EXECUTE FUNCTION test_audit_insert_fails()"
            )
        else:
            cursor.execute(
                "CREATE TRIGGER test_audit_insert_fails BEFORE INSERT ON audit_auditevent "
                "BEGIN SELECT RAISE(ABORT, 'audit storage unavailable'); END"
            )


MEMO = {"registered_on": "R8.11.2", "consultation": "納付について相談"}


class TestFailClosed:
    def test_a_change_and_its_event_are_kept_together(self, client_for, person):
        url = reverse("qualifications:memo_new", args=[person.pk])
        response = client_for("madoguchi").post(url, MEMO)
        assert response.status_code == 302
        memo = Memo.objects.get(person=person)
        assert memo.consultation == "納付について相談"
        assert AuditEvent.objects.filter(action=Action.CREATE, person=person).count() == 1

    @pytest.mark.parametrize("failure", ["database", "refused"])
    def test_a_failing_audit_write_fails_the_request_and_keeps_no_change(
        self, client_for, person, monkeypatch, failure
    ):
        client = client_for("madoguchi")
        before = AuditEvent.objects.count()
        if failure == "database":
            refuse_audit_inserts()  # the database itself fails the audit write
        else:
            from audit import services

            def record_with_a_number(*args, **kwargs):
                # refused: details may never hold a 12-digit run
                return services.record(*args, **{**kwargs, "details": {"画面": "1234 5678 9012"}})

            monkeypatch.setattr("qualifications.services.record", record_with_a_number)
        client.raise_request_exception = False
        response = client.post(reverse("qualifications:memo_new", args=[person.pk]), MEMO)
        assert response.status_code == 500
        assert not Memo.objects.filter(person=person).exists()
        monkeypatch.undo()
        assert AuditEvent.objects.count() == before


class TestEveryPersonalDataRequestIsAudited:
    def test_an_unaudited_read_of_a_person_is_an_error(self, client_for, person):
        with pytest.raises(AuditEventMissing, match="監査ログを記録していません"):
            client_for("madoguchi").get(f"/t/person/{person.pk}/unaudited")

    def test_the_person_page_passes_and_its_event_carries_the_request(self, client_for, person):
        client = client_for("madoguchi")
        url = reverse("qualifications:person", args=[person.pk])
        response = client.get(url, REMOTE_ADDR="192.0.2.8")
        assert response.status_code == 200
        event = AuditEvent.objects.get(action=Action.VIEW)
        assert (event.person, event.client_ip, event.actor.username) == (
            person,
            "192.0.2.8",
            "madoguchi",
        )

    def test_the_search_page_before_a_search_shows_nothing_personal(self, client_for, person):
        client = client_for("madoguchi")
        before = AuditEvent.objects.count()  # after the login's own events
        assert client.get(reverse("qualifications:search")).status_code == 200
        assert AuditEvent.objects.count() == before
        assert client.get(reverse("qualifications:search"), {"q": "シケン"}).status_code == 200
        assert AuditEvent.objects.filter(action=Action.SEARCH).count() == 1

    def test_refused_and_non_personal_requests_need_no_event(self, client_for, person):
        # 403 (no permission), redirect to login (anonymous), and an ANY_STAFF page.
        page = reverse("qualifications:person", args=[person.pk])
        assert client_for("kanri").get(page).status_code == 403
        assert Client().get(page).status_code == 302
        assert client_for("kansa").get(reverse("home")).status_code == 200
        assert not AuditEvent.objects.filter(person=person).exists()

    def test_a_declared_blank_form_needs_no_event_on_get_only(self, client_for, person):
        clerk = client_for("shintatsu")
        before = AuditEvent.objects.count()
        assert clerk.get(reverse("exemptions:income_import")).status_code == 200
        assert AuditEvent.objects.count() == before
        client = client_for("madoguchi")
        assert client.get(f"/t/person/{person.pk}/unaudited-but-get").status_code == 200
        with pytest.raises(AuditEventMissing):
            client.post(f"/t/person/{person.pk}/unaudited-but-get")

    @override_settings(AUDIT_REQUIRE_EVENTS=False)
    def test_in_production_the_missing_event_is_written_and_logged(
        self, client_for, cast, person, caplog
    ):
        """Issue 11, item 4: the log is never silently short. Outside tests the response is
        served, the middleware writes the event itself (view, path without the query string,
        actor, address) and logs the gap as an error."""
        client = client_for("madoguchi")
        before = AuditEvent.objects.count()
        with caplog.at_level("ERROR", logger="audit"):
            response = client.get(f"/t/person/{person.pk}/unaudited", {"q": "シケン"})
        assert response.status_code == 200
        event = AuditEvent.objects.order_by("chain_position").last()
        assert AuditEvent.objects.count() == before + 1
        assert event.action == Action.VIEW and event.actor == cast["madoguchi"]
        assert event.details["経路"] == f"/t/person/{person.pk}/unaudited"  # no query string
        assert event.details["補記"] is True and event.client_ip == "127.0.0.1"
        errors = [r for r in caplog.records if r.levelname == "ERROR" and r.name == "audit"]
        assert len(errors) == 1 and "記録漏れ" in errors[0].getMessage()
        assert "シケン" not in errors[0].getMessage()
