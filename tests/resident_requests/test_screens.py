"""The screens over HTTP: intake from the person page, the open list, the decision through the
generic verification screens, the printed package, and the retention screen's two persons."""

from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import Action, AuditEvent
from kokumin_nenkin.verification.models import Entry, Status
from qualifications.models import Person
from resident_requests.kinds import DECISION_KIND, PURGE_KIND
from resident_requests.models import DisclosurePackage, ResidentRequest
from tests.conftest import shown_version
from tests.factories import make_person

from .helpers import person_with_everything
from .test_purge import gone_long_ago

pytestmark = pytest.mark.django_db


def wareki_today() -> str:
    return timezone.localdate().isoformat()


def test_a_disclosure_from_intake_to_the_printed_package(client_for, cast):
    person = person_with_everything(cast, batch=False)
    counter = client_for("madoguchi")
    page = counter.get(f"/persons/{person.pk}/")
    assert "開示・訂正・利用停止請求を受け付ける" in page.content.decode()
    response = counter.post(
        f"/requests/new/{person.pk}/",
        {
            "kind": "disclosure",
            "channel": "counter",
            "requester": "agent",
            "agent_name": "",
            "agent_proof": "",
            "identity_check": "driving_licence",
            "subject": "保有個人情報の全部",
            "received_on": wareki_today(),
        },
    )
    assert "代理人の氏名を入力してください。" in response.content.decode()
    assert not ResidentRequest.objects.exists()
    response = counter.post(
        f"/requests/new/{person.pk}/",
        {
            "kind": "disclosure",
            "channel": "counter",
            "requester": "self",
            "identity_check": "driving_licence",
            "subject": "保有個人情報の全部",
            "received_on": wareki_today(),
        },
    )
    request = ResidentRequest.objects.get()
    assert response.status_code == 302
    listed = counter.get("/requests/").content.decode()
    assert f"第{request.pk}号" in listed and person.full_name in listed
    # the decision: entered at the counter, approved by a 確認担当 through the generic screens
    response = counter.post(
        f"/entries/new/{DECISION_KIND}/{person.pk}/",
        {
            "request": str(request.pk),
            "decision": "disclose",
            "decision_reason": "",
            "decided_on": wareki_today(),
            "show_staff_names": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = Entry.objects.get(kind=DECISION_KIND)
    checker = client_for("kakunin")
    response = checker.post(
        f"/entries/{entry.pk}/approve/",
        {"rekey-decision": "disclose", "version": shown_version(entry)},
    )
    entry.refresh_from_db()
    assert entry.status == Status.APPROVED
    request.refresh_from_db()
    assert request.get_decision_display() == "開示"
    response = counter.post(f"/requests/{request.pk}/disclosure/")
    package = DisclosurePackage.objects.get()
    assert response.status_code == 302
    pdf = counter.get(f"/requests/packages/{package.pk}/")
    assert pdf["Content-Type"] == "application/pdf"
    assert bytes(pdf.content) == bytes(package.pdf)
    served = AuditEvent.objects.filter(action=Action.PRINT, person_id=person.pk)
    assert {e.details.get("結果") for e in served} == {"created", "served"}


def test_an_extension_without_a_reason_is_refused_next_to_the_field(client_for, cast):
    from .helpers import receive

    request = receive(cast, make_person())
    response = client_for("kakunin").post(
        f"/requests/{request.pk}/extend/",
        {
            "extended_deadline": (request.deadline + timedelta(days=40)).isoformat(),
            "extension_reason": "多量",
        },
    )
    assert "延長できるのは当初の期限から30日以内です。" in response.content.decode()
    request.refresh_from_db()
    assert request.extended_deadline is None


def test_a_purge_is_proposed_by_one_supervisor_and_approved_by_another(client_for, cast):
    person = person_with_everything(cast, batch=False, family_name="梢川", given_name="画面子")
    gone_long_ago(person)
    first = client_for("kakunin")
    page = first.get("/requests/retention/").content.decode()
    assert "梢川" in page and "保存期間表" in page
    first.post("/requests/retention/")
    entry = Entry.objects.get(kind=PURGE_KIND)
    # the proposer cannot approve
    first.post(
        f"/requests/retention/{entry.pk}/approve/",
        {"rekey-persons": "1", "version": shown_version(entry)},
    )
    assert Person.objects.filter(pk=person.pk).exists()
    second = client_for("kakunin2")
    second.post(
        f"/requests/retention/{entry.pk}/approve/",
        {"rekey-persons": "2", "version": shown_version(entry)},
    )
    assert Person.objects.filter(pk=person.pk).exists()  # a wrong re-key purges nothing
    second.post(
        f"/requests/retention/{entry.pk}/approve/",
        {"rekey-persons": "1", "version": shown_version(entry)},
    )
    assert not Person.objects.filter(pk=person.pk).exists()
    assert AuditEvent.objects.filter(action=Action.PURGE, person_id=person.pk).count() == 1


def test_the_counter_cannot_reach_the_retention_screen(client_for):
    assert client_for("madoguchi").get("/requests/retention/").status_code == 403
