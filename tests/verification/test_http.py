"""The intake and verification screens through real HTTP, as the staff use them."""

from datetime import date

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from kokumin_nenkin.verification.models import Entry, Status
from qualifications.models import QualificationRecord
from tests.conftest import shown_version
from tests.qualifications.factories import make_person

ACQ = "qualifications.acquisition"


@pytest.fixture
def person(db):
    return make_person(birth_date=date(2005, 4, 2))


def intake(client, person, **fields):
    data = {
        "notified_on": "R7.4.10",
        "category": "1",
        "cause": "01",
        "event_on": "",
        "acquired_on": "令和7年4月1日",
        "reason": "",
        **fields,
    }
    return client.post(reverse("verification:new", args=[ACQ, person.pk]), data)


def test_counter_takes_a_form_in_and_a_supervisor_approves_after_blind_rekey(client_for, person):
    maker = client_for("madoguchi")
    response = intake(maker, person)
    assert response.status_code == 302
    entry = Entry.objects.get(person=person)
    assert entry.payload["acquired_on"] == "2025-04-01"

    checker = client_for("kakunin")
    page = checker.get(reverse("verification:detail", args=[entry.pk])).content.decode()
    assert "現在の記録" in page and "受付内容" in page and "届書から確認項目を入力" in page
    # blind: the re-key inputs are empty and the proposed key fields are not shown
    assert 'name="rekey-acquired_on"' in page
    assert 'name="rekey-acquired_on" value=' not in page
    assert "令和7年4月1日" not in page
    assert page.count("（届書から入力して照合）") == 3  # 取得年月日, 事由, 種別 hidden
    assert "令和7年4月10日" in page  # a field that is not re-keyed is shown
    maker_view = maker.get(reverse("verification:detail", args=[entry.pk]))
    assert "令和7年4月1日" in maker_view.content.decode()

    wrong = checker.post(
        reverse("verification:approve", args=[entry.pk]),
        {
            "rekey-acquired_on": "R7.4.2",
            "rekey-cause": "01",
            "rekey-category": "1",
            "version": shown_version(entry),
        },
    )
    assert wrong.status_code == 409
    assert "一致しません" in wrong.content.decode()
    entry.refresh_from_db()
    assert entry.status == Status.PENDING

    ok = checker.post(
        reverse("verification:approve", args=[entry.pk]),
        {
            "rekey-acquired_on": "2025-04-01",
            "rekey-cause": "01",
            "rekey-category": "1",
            "version": shown_version(entry),
        },
    )
    assert ok.status_code == 302
    entry.refresh_from_db()
    assert entry.status == Status.APPROVED
    assert QualificationRecord.objects.get(person=person).acquired_on == date(2025, 4, 1)


def test_rule_error_is_shown_next_to_the_field_in_japanese(client_for, person):
    response = intake(client_for("madoguchi"), person, acquired_on="2025-04-02")
    assert response.status_code == 200
    html = response.content.decode()
    field_block = html.split('for="id_acquired_on"')[1].split('class="field')[0]
    assert "誕生日の前日" in field_block and "令和7年4月1日" in field_block
    assert not Entry.objects.exists()


def test_era_error_is_shown_next_to_the_field(client_for, person):
    response = intake(client_for("madoguchi"), person, notified_on="平成32年1月1日")
    html = response.content.decode()
    assert "令和2年1月1日の誤りではありませんか" in html


def test_self_approval_over_http_is_refused(client_for, person, cast):
    kakunin = client_for("kakunin")
    assert intake(kakunin, person).status_code == 302
    entry = Entry.objects.get(person=person)
    page = kakunin.get(reverse("verification:detail", args=[entry.pk])).content.decode()
    assert "届書から確認項目を入力" not in page  # no approve form for the maker
    response = kakunin.post(
        reverse("verification:approve", args=[entry.pk]),
        {
            "rekey-acquired_on": "2025-04-01",
            "rekey-cause": "01",
            "rekey-category": "1",
            "version": shown_version(entry),
        },
    )
    assert response.status_code == 409
    assert "自分が入力した受付は承認できません" in response.content.decode()
    entry.refresh_from_db()
    assert entry.status == Status.PENDING and entry.checker is None


def test_extra_post_fields_are_ignored(client_for, person, cast):
    intake(
        client_for("madoguchi"),
        person,
        status="approved",
        verified_by=str(cast["kakunin"].pk),
        checker=str(cast["kakunin"].pk),
        office="1",
        maker=str(cast["kakunin"].pk),
    )
    entry = Entry.objects.get(person=person)
    assert entry.status == Status.PENDING
    assert entry.checker is None and entry.maker == cast["madoguchi"]
    assert set(entry.payload) == {
        "notified_on",
        "category",
        "cause",
        "event_on",
        "acquired_on",
        "reason",
    }


def test_return_and_resubmit_over_http(client_for, person, cast):
    madoguchi = client_for("madoguchi")
    intake(madoguchi, person)
    entry = Entry.objects.get(person=person)
    kakunin = client_for("kakunin")
    empty = kakunin.post(reverse("verification:return", args=[entry.pk]), {"reason": ""})
    assert empty.status_code == 409
    kakunin.post(reverse("verification:return", args=[entry.pk]), {"reason": "届出日を確認"})
    mine = madoguchi.get(reverse("verification:mine")).content.decode()
    assert entry.receipt_number in mine and "届出日を確認" in mine
    home = madoguchi.get(reverse("home")).content.decode()
    assert "差戻し 1件" in home
    form = madoguchi.get(reverse("verification:edit", args=[entry.pk])).content.decode()
    assert "令和7年4月10日" in form  # the maker re-enters, starting from what was entered
    response = madoguchi.post(
        reverse("verification:edit", args=[entry.pk]),
        {"notified_on": "R7.4.11", "category": "1", "cause": "01", "acquired_on": "R7.4.1"},
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.status == Status.PENDING and entry.payload["notified_on"] == "2025-04-11"


def test_queue_and_home_show_counts_oldest_first(client_for, cast, db):
    first, second = make_person(), make_person()
    intake(client_for("madoguchi"), first, acquired_on="2010-06-14", notified_on="2010-06-20")
    intake(client_for("oosato"), second, acquired_on="2010-06-14", notified_on="2010-06-20")
    kakunin = client_for("kakunin")
    queue = kakunin.get(reverse("verification:queue")).content.decode()
    a = Entry.objects.get(person=first).receipt_number
    b = Entry.objects.get(person=second).receipt_number
    assert queue.index(a) < queue.index(b)
    home = kakunin.get(reverse("home")).content.decode()
    assert "確認待ち 2件" in home
    # one view event per person listed (issue 11, item 4)
    listed = AuditEvent.objects.filter(action="view", actor=cast["kakunin"]).order_by("id")
    assert [e.person for e in listed] == [first, second]
    assert {e.details["画面"] for e in listed} == {"確認待ち一覧"}


def test_withdraw_over_http(client_for, person):
    madoguchi = client_for("madoguchi")
    intake(madoguchi, person)
    entry = Entry.objects.get(person=person)
    assert (
        client_for("oosato").post(reverse("verification:withdraw", args=[entry.pk])).status_code
        == 409
    )
    assert madoguchi.post(reverse("verification:withdraw", args=[entry.pk])).status_code == 302
    entry.refresh_from_db()
    assert entry.status == Status.WITHDRAWN


def test_every_decision_and_entry_view_is_audited(client_for, person, cast):
    intake(client_for("madoguchi"), person)
    entry = Entry.objects.get(person=person)
    kakunin = client_for("kakunin")
    kakunin.get(reverse("verification:detail", args=[entry.pk]))
    kakunin.post(
        reverse("verification:approve", args=[entry.pk]),
        {
            "rekey-acquired_on": "2025-04-01",
            "rekey-cause": "01",
            "rekey-category": "1",
            "version": shown_version(entry),
        },
    )
    actions = list(
        AuditEvent.objects.filter(person=person).order_by("id").values_list("action", "actor")
    )
    assert ("submit", cast["madoguchi"].pk) in actions
    assert ("view", cast["kakunin"].pk) in actions
    assert ("verify", cast["kakunin"].pk) in actions


@pytest.mark.parametrize("who", ["shintatsu", "kansa", "kanri"])
def test_roles_without_entry_permission_cannot_take_forms_in(client_for, person, who):
    assert intake(client_for(who), person).status_code == 403
    assert not Entry.objects.exists()
