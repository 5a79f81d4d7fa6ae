"""Issue 14, item 9: the verification queue (確認待ち一覧) and 自分の受付 print as A4 PDFs, by
real HTTP: the rows of the list on paper, with the office, who printed it and when; one print
event in the access history of each person printed; another office's (or user's) rows are not
on it; a role without the list's permission is refused; no 個人番号."""

import io
import re

import pytest
from django.utils import timezone
from pypdf import PdfReader

from audit.models import Action, AuditEvent
from kokumin_nenkin.identifiers import find_my_number_like
from kokumin_nenkin.verification import services as verification
from kokumin_nenkin.wareki import format_date
from tests.pdf import pdf_text
from tests.qualifications.factories import acquisition_payload, make_person

ACQ = "qualifications.acquisition"


def submit(person, actor):
    return verification.entry_submit(
        kind=ACQ, person=person, payload=acquisition_payload("2010-06-14"), actor=actor
    )


@pytest.fixture
def entries(cast):
    """One entry taken in at 本庁, one at 大里行政センター, one made by the checker."""
    honcho = make_person(family_name="本庁", given_name="一郎")
    oosato = make_person(family_name="大里", given_name="二郎")
    own = make_person(family_name="自作", given_name="三郎")
    return {
        "honcho": submit(honcho, cast["madoguchi"]),
        "oosato": submit(oosato, cast["oosato"]),
        "own": submit(own, cast["kakunin"]),
    }


def flat(text: str) -> str:
    """The text without white space: pypdf may or may not extract a space between words."""
    return re.sub(r"\s+", "", text)


def receipts(text: str, entries: dict) -> set[str]:
    return {name for name, e in entries.items() if e.receipt_number in text}


def printed_for(entry) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=Action.PRINT, person_id=entry.person_id))


def assert_a4_sheet(response, title: str, user, office_name: str) -> str:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    box = reader.pages[0].mediabox
    assert sorted((round(float(box.width)), round(float(box.height)))) == [595, 842]  # A4
    text = flat(pdf_text(response.content))
    assert title in text and flat(office_name) in text
    assert flat(f"印刷者 {user.full_name}") in text
    assert f"印刷日時{format_date(timezone.localdate())}" in text  # 和暦 with the time
    assert "1/1" in text  # numbered pages
    return text


def test_the_queue_screen_offers_its_print_and_the_sheet_holds_the_office_chosen(
    client_for, cast, entries
):
    checker = client_for("kakunin")
    screen = checker.get("/entries/").content.decode()
    assert "/entries/print/?office=all" in screen and "この一覧を印刷" in screen
    response = checker.get("/entries/print/", {"office": "honcho"})
    text = assert_a4_sheet(response, "確認待ち一覧", cast["kakunin"], "本庁 保険年金課")
    assert receipts(text, entries) == {"honcho"}  # not 大里's, not the checker's own
    assert "一郎" in text and "二郎" not in text and "三郎" not in text
    assert "令和" in text and "madoguchiテスト（本庁保険年金課）" in text
    # the proposed values stay off the paper: the checker re-keys them blind
    assert "平成22年6月14日" not in text
    allowed = {e.receipt_number for e in entries.values()}
    assert not find_my_number_like(text, allow=allowed)

    events = printed_for(entries["honcho"])
    assert len(events) == 1
    assert events[0].details["帳票"] == "確認待ち一覧"
    assert events[0].details["事務所"] == "本庁 保険年金課"
    assert events[0].actor == cast["kakunin"]
    assert printed_for(entries["oosato"]) == [] and printed_for(entries["own"]) == []


def test_the_queue_of_every_office_and_the_screen_filter(client_for, cast, entries):
    checker = client_for("kakunin")
    page = checker.get("/entries/", {"office": "oosato"}).content.decode()
    assert entries["oosato"].receipt_number in page
    assert entries["honcho"].receipt_number not in page
    assert "/entries/print/?office=oosato" in page
    text = flat(pdf_text(checker.get("/entries/print/", {"office": "all"}).content))
    assert receipts(text, entries) == {"honcho", "oosato"} and "全事務所" in text
    # one print event per person printed, each in that person's access history
    for name in ("honcho", "oosato"):
        assert len(printed_for(entries[name])) == 1


def test_an_empty_queue_prints_and_leaves_one_print_event(client_for, cast, db):
    response = client_for("kakunin").get("/entries/print/")
    text = assert_a4_sheet(response, "確認待ち一覧", cast["kakunin"], "全事務所")
    assert "確認待ちの受付はありません" in text
    event = AuditEvent.objects.get(action=Action.PRINT)
    assert event.person_id is None and event.details["件数"] == 0


def test_the_queue_print_is_refused_without_the_permission_to_verify(client_for, entries):
    for name in ("madoguchi", "kanri"):
        assert client_for(name).get("/entries/print/").status_code == 403
    assert not AuditEvent.objects.filter(action=Action.PRINT).exists()


def test_my_entries_print_with_mine_only(client_for, cast, entries):
    returned = submit(make_person(family_name="差戻", given_name="四郎"), cast["madoguchi"])
    verification.entry_return(entry_id=returned.pk, reason="届出日を確認", actor=cast["kakunin"])
    clerk = client_for("madoguchi")
    screen = clerk.get("/entries/mine/").content.decode()
    assert "/entries/mine/print/" in screen and "この一覧を印刷" in screen
    response = clerk.get("/entries/mine/print/")
    text = assert_a4_sheet(response, "自分の受付一覧", cast["madoguchi"], "本庁 保険年金課")
    assert receipts(text, entries) == {"honcho"}  # 大里's clerk's and the checker's are not
    assert returned.receipt_number in text and "差戻し：届出日を確認" in text
    assert text.index(returned.receipt_number) < text.index(entries["honcho"].receipt_number)
    assert not find_my_number_like(
        text, allow={returned.receipt_number, *(e.receipt_number for e in entries.values())}
    )
    for entry in (entries["honcho"], returned):
        events = printed_for(entry)
        assert len(events) == 1 and events[0].details["帳票"] == "自分の受付一覧"
    assert printed_for(entries["oosato"]) == []

    branch = client_for("oosato").get("/entries/mine/print/")
    text = assert_a4_sheet(branch, "自分の受付一覧", cast["oosato"], "大里行政センター")
    assert receipts(text, entries) == {"oosato"}


def test_my_entries_print_is_refused_without_the_permission_to_take_entries(client_for, db):
    for name in ("kanri", "kansa", "shintatsu"):
        assert client_for(name).get("/entries/mine/print/").status_code == 403
