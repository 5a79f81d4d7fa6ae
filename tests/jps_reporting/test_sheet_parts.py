"""A large batch's report sheets are made and stored in parts of at most JPS_SHEETS_PER_PART
sheets (memory bounded by one part), in 受付番号 order; each part is reprinted on its own."""

import io

from django.utils import timezone
from pypdf import PdfReader

from audit.models import Action, AuditEvent
from jps_reporting.models import Batch, BatchOutput
from kokumin_nenkin.identifiers import find_my_number_like

from .flow import approved_acquisition


def test_a_batch_larger_than_a_part_is_stored_and_reprinted_in_parts(client_for, cast, settings):
    settings.JPS_SHEETS_PER_PART = 2
    m, k = cast["madoguchi"], cast["kakunin"]
    entries = [approved_acquisition(m, k) for _ in range(5)]
    clerk = client_for("shintatsu")
    response = clerk.post(
        "/jps/batches/new/",
        {"cutoff": timezone.localdate().isoformat(), "entry": [e.pk for e in entries]},
    )
    assert response.status_code == 302
    batch = Batch.objects.get()
    assert batch.output_status == Batch.OutputStatus.READY
    parts = list(BatchOutput.objects.filter(batch=batch, kind="sheets").order_by("part"))
    assert [p.part for p in parts] == [1, 2, 3]
    assert parts[0].filename.endswith("-houkokusho-01.pdf")

    detail = clerk.get(f"/jps/batches/{batch.pk}/").content.decode()
    assert "3分冊" in detail
    numbers = sorted(e.receipt_number for e in entries)
    seen = []
    for part, expected_pages in ((1, 2), (2, 2), (3, 1)):
        served = clerk.get(f"/jps/batches/{batch.pk}/sheets/{part}/")
        assert served.status_code == 200 and served["Content-Type"] == "application/pdf"
        assert served.content == bytes(parts[part - 1].content)
        reader = PdfReader(io.BytesIO(served.content))
        assert len(reader.pages) == expected_pages
        text = "\n".join(p.extract_text() for p in reader.pages)
        assert not find_my_number_like(text, allow=set(numbers))
        seen += [n for n in numbers if n in text]
    assert seen == numbers  # every sheet once, in 受付番号 order across the parts
    assert clerk.get(f"/jps/batches/{batch.pk}/sheets/4/").status_code == 404
    event = AuditEvent.objects.get(action=Action.EXPORT, details__結果="created")
    assert set(event.details["SHA-256"]) == {
        "報告書（1/3）",
        "報告書（2/3）",
        "報告書（3/3）",
        "送付書",
        "電子媒体",
    }
