"""訂正: a decided correction becomes an ordinary entry of the right kind, verified by two
people, linked to the request; what was corrected and why shows on the person page."""

import pytest
from django.utils import timezone

from kokumin_nenkin.verification.models import Entry, Status
from qualifications.models import Person
from resident_requests.models import CorrectionEntry
from tests.conftest import shown_version

from .helpers import decide, person_with_everything, receive

pytestmark = pytest.mark.django_db


def test_a_correction_flows_through_verification_and_shows_on_the_person_page(client_for, cast):
    person = person_with_everything(cast, batch=False, family_name="訂正", given_name="前子")
    request = receive(cast, person, kind="correction", subject="氏名の漢字の誤り")
    counter = client_for("madoguchi")
    # not before the decision
    assert (
        counter.get(f"/requests/{request.pk}/correct/qualifications.name_change/").status_code
        == 404
    )
    decide(cast, request, decision="correct", reason="戸籍の記載と相違")
    today = timezone.localdate().isoformat()
    response = counter.post(
        f"/requests/{request.pk}/correct/qualifications.name_change/",
        {
            "notified_on": today,
            "changed_on": today,
            "family_name": "訂正",
            "given_name": "後子",
            "family_name_kana": "テイセイ",
            "given_name_kana": "ノチコ",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    link = CorrectionEntry.objects.get(request=request)
    entry = link.entry
    assert entry.kind == "qualifications.name_change" and entry.status == Status.PENDING
    assert Person.objects.get(pk=person.pk).given_name == "前子"  # not until verified
    checker = client_for("kakunin")
    checker.post(
        f"/entries/{entry.pk}/approve/",
        {
            "rekey-changed_on": today,
            "rekey-family_name": "訂正",
            "rekey-given_name": "後子",
            "version": shown_version(entry),
        },
    )
    assert Entry.objects.get(pk=entry.pk).status == Status.APPROVED
    assert Person.objects.get(pk=person.pk).given_name == "後子"
    page = counter.get(f"/persons/{person.pk}/").content.decode()
    assert "氏名の漢字の誤り" in page and "戸籍の記載と相違" in page
    assert "氏名変更" in page and "承認済" in page
