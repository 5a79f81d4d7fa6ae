"""Issue 11, item 4: a person's access history lists every screen and file that showed them —
search results, a batch's detail, the report sheets, the F1 file and the 受付処理簿 — each
found by the person, as the auditor's per-person screen reads it."""

import pytest

from audit.models import AuditEvent
from jps_reporting.models import Batch
from tests.jps_reporting.test_batches import (  # noqa: F401 - fixtures
    DESIGNATED,
    confirm,
    entries,
    terminals,
    today,
)

pytestmark = pytest.mark.django_db


def screens_of(person) -> set[str]:
    events = AuditEvent.objects.filter(person=person)
    return {str(e.details.get("画面") or e.details.get("出力") or "") for e in events}


def test_every_screen_and_file_that_showed_a_person_is_in_their_history(
    client_for,
    cast,
    entries,  # noqa: F811
    terminals,  # noqa: F811
):
    person = entries[0].person
    clerk = client_for("shintatsu")
    confirm(clerk, entries)
    batch = Batch.objects.get()
    office = cast["madoguchi"].office
    assert clerk.get(f"/jps/batches/{batch.pk}/").status_code == 200
    assert clerk.get(f"/jps/batches/{batch.pk}/sheets/").status_code == 200
    assert clerk.get(f"/jps/batches/{batch.pk}/f1/", REMOTE_ADDR=DESIGNATED).status_code == 200
    assert clerk.get("/jps/register/", {"day": today(), "office": office.pk}).status_code == 200
    counter = client_for("madoguchi")
    found = counter.post("/persons/", {"q": person.family_name_kana}, follow=True)
    assert person.full_name in found.content.decode()
    seen = screens_of(person)
    for screen in ("進達の詳細", "報告書", "電子媒体（F1）", "受付処理簿", "search"):
        assert screen in seen, (screen, seen)
    page = client_for("kansa").get(f"/audit/person/{person.pk}/").content.decode()
    assert "進達の詳細" in page or "閲覧" in page


def test_my_entries_lists_each_person_in_their_history(client_for, cast):
    """Issue 11, item 4: 「自分の受付一覧」 shows persons, so each has an event naming it."""
    from datetime import date

    from tests.qualifications.factories import make_person
    from tests.verification.test_http import intake

    maker = client_for("madoguchi")
    persons = [make_person(birth_date=date(2005, 4, 2)) for _ in range(2)]
    for person in persons:
        assert intake(maker, person).status_code == 302
    assert maker.get("/entries/mine/").status_code == 200
    for person in persons:
        assert "自分の受付一覧" in screens_of(person)
