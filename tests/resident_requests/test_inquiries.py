"""問合せ受付票: counter and telephone inquiries with the person optional, searchable by date
and staff, printable, closed when answered."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from pypdf import PdfReader

from audit.models import Action, AuditEvent
from resident_requests.models import ResidentRequest
from resident_requests.selectors import open_requests
from tests.factories import make_person

pytestmark = pytest.mark.django_db


def post(client, person=None, **data):
    url = "/requests/inquiries/new/" + (f"?person={person.pk}" if person else "")
    return client.post(
        url,
        {
            "channel": "telephone",
            "subject": "免除の申請方法",
            "answer": "",
            "received_on": timezone.localdate().isoformat(),
            "follow_up_on": (timezone.localdate() + timedelta(days=3)).isoformat(),
            **data,
        },
    )


def test_inquiries_are_recorded_searched_by_date_and_staff_printed_and_closed(client_for, cast):
    counter, branch = client_for("madoguchi"), client_for("oosato")
    person = make_person()
    assert post(counter, person).status_code == 302
    assert post(branch, subject="窓口の受付時間", channel="counter").status_code == 302
    mine = ResidentRequest.objects.get(person=person)
    assert mine.pk in [r.pk for r in open_requests(timezone.localdate())]  # follow-up pending
    page = counter.get("/requests/inquiries/", {"staff": cast["madoguchi"].pk}).content.decode()
    assert "免除の申請方法" in page and "窓口の受付時間" not in page
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    page = counter.get("/requests/inquiries/", {"start": tomorrow}).content.decode()
    assert "該当する問合せはありません。" in page
    pdf = counter.get(f"/requests/inquiries/{mine.pk}/pdf/")
    pages = PdfReader(io.BytesIO(pdf.content)).pages
    text = "".join(p.extract_text() for p in pages).replace(" ", "")
    assert "問合せ受付票" in text and "免除の申請方法" in text
    assert AuditEvent.objects.filter(action=Action.PRINT, person_id=person.pk).exists()
    counter.post(f"/requests/inquiries/{mine.pk}/close/", {"answer": "申請書の記入方法を案内"})
    mine.refresh_from_db()
    assert mine.closed and mine.answer == "申請書の記入方法を案内"
    assert mine.pk not in [r.pk for r in open_requests(timezone.localdate())]
