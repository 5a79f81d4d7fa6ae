"""Issue 14, item 9: 進達済・結果未着一覧 by real HTTP. The report clerk sees every entry sent
to JPS whose result has not been applied (受付番号, 届書種類, 氏名, 宛名番号 — never 個人番号 —,
進達番号, 進達日 in 和暦, days elapsed, oldest first, 要照会 past JPS_RESULT_OVERDUE_DAYS), of
the office chosen; prints it on A4; each person shown is in their access history."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import Action, AuditEvent
from jps_reporting.models import Batch, ResultsUpload
from jps_reporting.services import batch_confirm
from kokumin_nenkin.identifiers import find_my_number_like
from kokumin_nenkin.verification.models import Entry
from kokumin_nenkin.wareki import format_date
from qualifications.models import Person
from tests.pdf import pdf_text

from .flow import approved_acquisition, approved_exemption, results_rekey
from .test_results_import import f2, upload

LIST = "/jps/unanswered/"
PRINT = "/jps/unanswered/print/"


def send(entries, clerk, *, days_ago: int) -> Batch:
    today = timezone.localdate()
    return batch_confirm(
        cutoff=today,
        entry_ids=[e.pk for e in entries],
        messages={},
        actor=clerk,
        reported_on=today - timedelta(days=days_ago),
    )


@pytest.fixture
def sent(cast):
    """An old batch (40 days ago) of an exemption taken at 大里 and an acquisition whose result
    comes back; a new batch (today) of an acquisition taken at 本庁."""
    k = cast["kakunin"]
    old_oosato = approved_exemption(cast["oosato"], k, given_name="大里花子")
    answered = approved_acquisition(cast["madoguchi"], k, given_name="結果済")
    send([old_oosato, answered], cast["shintatsu"], days_ago=40)
    new_honcho = approved_acquisition(cast["madoguchi"], k, given_name="本庁次郎")
    send([new_honcho], cast["shintatsu"], days_ago=3)
    return {"old_oosato": old_oosato, "answered": answered, "new_honcho": new_honcho}


def apply_result(clerk, checker, entry: Entry, *, returned: Entry | None = None) -> None:
    """JPS's 基礎年金番号 for the entry (and a 返戻 of `returned`) comes back in an F2 file,
    applied two-person."""
    lines = [f"{entry.receipt_number},01,1234-567890,ｼｹﾝ ﾀﾛｳ,1990-06-15,,,,,,,,2026-11-20,"]
    if returned is not None:
        lines.append(f"{returned.receipt_number},04,,ｼｹﾝ ﾀﾛｳ,1990-06-15,,,,,,,,2026-11-20,記入漏れ")
    assert upload(clerk, f2(*lines)).status_code == 302
    saved = ResultsUpload.objects.get()
    assert saved.matched == len(lines)
    clerk.post(f"/jps/results/{saved.pk}/request/")
    request = Entry.objects.get(results_upload=saved)
    approved = checker.post(f"/entries/{request.pk}/approve/", results_rekey(request.pk))
    assert approved.status_code == 302
    saved.refresh_from_db()
    assert saved.applied_at is not None


def rows(page: str) -> list[str]:
    return re.findall(r"<tr[^>]*>(.*?)</tr>", page, flags=re.S)[1:]


def test_sent_entries_without_a_result_are_listed_oldest_first(client_for, cast, sent):
    clerk = client_for("shintatsu")
    apply_result(clerk, client_for("kakunin"), sent["answered"])
    page = clerk.get(LIST).content.decode()
    old, new = sent["old_oosato"], sent["new_honcho"]
    assert sent["answered"].receipt_number not in page and "結果済" not in page
    listed = rows(page)
    assert len(listed) == 2
    assert old.receipt_number in listed[0] and new.receipt_number in listed[1]  # oldest first
    person = Person.objects.get(pk=old.person_id)
    assert "大里花子" in listed[0] and person.addressee_number in listed[0]
    assert "保険料免除・納付猶予申請書" in listed[0] and "資格取得届" in listed[1]
    sent_on = timezone.localdate() - timedelta(days=40)
    assert format_date(sent_on) in listed[0] and "40日" in listed[0]
    assert "第1号" in listed[0] and "第2号" in listed[1] and "3日" in listed[1]
    assert "要照会" in listed[0] and "要照会" not in listed[1]  # default: past 30 days
    assert f'href="{PRINT}?office=all"' in page
    allowed = {e.receipt_number for e in Entry.objects.all()}  # the results request's too
    assert not find_my_number_like(page, allow=allowed)

    viewed = AuditEvent.objects.filter(action=Action.VIEW, details__画面="進達済・結果未着一覧")
    assert sorted(e.person_id for e in viewed) == sorted([old.person_id, new.person_id])
    by_person = {e.person_id: e.details for e in viewed}
    assert (by_person[old.person_id]["進達番号"], by_person[new.person_id]["進達番号"]) == (1, 2)

    home = clerk.get("/").content.decode()
    assert "進達済・結果未着 2件" in home
    assert f'href="{LIST}"' in home  # and in the navigation


def test_every_sent_entry_is_listed_until_its_result_or_return_is_applied(client_for, sent):
    clerk = client_for("shintatsu")
    page = clerk.get(LIST).content.decode()
    assert all(e.receipt_number in page for e in sent.values())
    apply_result(clerk, client_for("kakunin"), sent["answered"], returned=sent["old_oosato"])
    listed = rows(clerk.get(LIST).content.decode())
    assert len(listed) == 1 and sent["new_honcho"].receipt_number in listed[0]


def test_an_office_chosen_shows_only_its_entries(client_for, sent):
    page = client_for("shintatsu").get(LIST, {"office": "honcho"}).content.decode()
    assert sent["new_honcho"].receipt_number in page
    assert sent["old_oosato"].receipt_number not in page and "大里花子" not in page
    assert f'href="{PRINT}?office=honcho"' in page


def test_the_overdue_mark_follows_the_setting(client_for, sent, settings):
    clerk = client_for("shintatsu")
    settings.JPS_RESULT_OVERDUE_DAYS = 2
    listed = rows(clerk.get(LIST).content.decode())
    assert all("要照会" in row for row in listed)
    settings.JPS_RESULT_OVERDUE_DAYS = 45
    listed = rows(clerk.get(LIST).content.decode())
    assert not any("要照会" in row for row in listed)


def test_the_list_prints_on_a4_with_a_print_event_per_person(client_for, cast, sent):
    response = client_for("shintatsu").get(PRINT, {"office": "oosato"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = re.sub(r"\s+", "", pdf_text(response.content))
    old = sent["old_oosato"]
    person = Person.objects.get(pk=old.person_id)
    assert "進達済・結果未着一覧" in text and "大里行政センター" in text
    assert old.receipt_number in text and "大里花子" in text and person.addressee_number in text
    assert "要照会" in text and "40日" in text and "第1号" in text
    assert sent["new_honcho"].receipt_number not in text and "本庁次郎" not in text
    assert not find_my_number_like(text, allow={e.receipt_number for e in sent.values()})

    printed = AuditEvent.objects.filter(action=Action.PRINT)
    assert [e.person_id for e in printed] == [old.person_id]
    assert printed[0].details["帳票"] == "進達済・結果未着一覧"
    assert printed[0].details["事務所"] == "大里行政センター"


@pytest.mark.parametrize("name", ["madoguchi", "kakunin", "kansa", "kanri"])
def test_a_role_without_the_report_permission_is_refused(client_for, sent, name):
    client = client_for(name)
    assert client.get(LIST).status_code == 403
    assert client.get(PRINT).status_code == 403
    assert not AuditEvent.objects.filter(
        action__in=[Action.VIEW, Action.PRINT],
        person__isnull=False,
        details__画面="進達済・結果未着一覧",
    ).exists()
    assert not AuditEvent.objects.filter(action=Action.PRINT).exists()
