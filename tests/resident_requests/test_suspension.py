"""利用停止: the decided suspension marks the person on every screen, searches still find them,
opening the record asks for a reason that goes into the audit event, entries other than those
the decision allows are refused, and only a verified entry lifts it."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from audit.models import Action, AuditEvent
from kokumin_nenkin.verification import services
from kokumin_nenkin.verification.registry import get_kind, intake_refusal
from resident_requests.kinds import LIFT_KIND
from tests.factories import make_person
from tests.qualifications.factories import acquisition_payload, approve

from .helpers import receive

pytestmark = pytest.mark.django_db


@pytest.fixture
def suspended(cast):
    person = make_person(family_name="停止", given_name="花子")
    request = receive(cast, person, kind="suspension")
    entry = services.entry_submit(
        kind="resident_requests.decision",
        person=person,
        payload={
            "request": str(request.pk),
            "decision": "suspend",
            "decision_reason": "",
            "decided_on": timezone.localdate().isoformat(),
            "show_staff_names": "0",
            "allowed_kinds": "qualifications.loss",
        },
        actor=cast["madoguchi"],
    )
    approve(entry, cast["kakunin"])
    person.refresh_from_db()
    return person


def test_the_decision_marks_the_person_and_lists_what_may_still_be_entered(suspended):
    assert suspended.use_suspended_on == timezone.localdate()
    assert "qualifications.loss" in suspended.use_suspension_allows
    assert LIFT_KIND in suspended.use_suspension_allows


def test_opening_the_record_asks_for_a_reason_that_goes_into_the_audit_event(client_for, suspended):
    client = client_for("madoguchi")
    page = client.get(f"/persons/{suspended.pk}/").content.decode()
    assert "閲覧の理由" in page and "利用停止中" in page
    assert suspended.full_name not in page
    refused = client.post(f"/persons/{suspended.pk}/", {"reason": "a"}).content.decode()
    assert "4文字以上" in refused
    page = client.post(
        f"/persons/{suspended.pk}/", {"reason": "本人からの開示請求への対応"}
    ).content.decode()
    assert suspended.full_name in page and "利用停止中" in page
    event = AuditEvent.objects.filter(person_id=suspended.pk, action=Action.VIEW).last()
    assert event.details["閲覧理由"] == "本人からの開示請求への対応"


def test_searches_still_find_the_person_with_the_mark(client_for, suspended):
    client = client_for("madoguchi")
    response = client.post("/persons/", {"q": suspended.addressee_number}, follow=True)
    page = response.content.decode()
    assert suspended.full_name in page and "利用停止中" in page


def test_entries_the_decision_does_not_allow_are_refused(cast, suspended):
    with pytest.raises(ValidationError, match="利用停止中"):
        services.entry_submit(
            kind="qualifications.acquisition",
            person=suspended,
            payload=acquisition_payload(),
            actor=cast["madoguchi"],
        )
    assert intake_refusal(get_kind("qualifications.loss"), suspended) == ""


def test_only_a_verified_entry_lifts_the_suspension(cast, suspended):
    entry = services.entry_submit(
        kind=LIFT_KIND,
        person=suspended,
        payload={"lifted_on": timezone.localdate().isoformat(), "reason": "利用停止の理由が解消"},
        actor=cast["madoguchi"],
    )
    suspended.refresh_from_db()
    assert suspended.use_suspended  # still, until a second person approves
    approve(entry, cast["kakunin"])
    suspended.refresh_from_db()
    assert not suspended.use_suspended
    assert intake_refusal(get_kind("qualifications.acquisition"), suspended) == ""
