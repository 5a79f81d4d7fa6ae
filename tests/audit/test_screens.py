"""The auditor's screens: 監査担当 only, every use audited, search by person / staff / action /
period (和暦 accepted), histories, the abnormal report, CSV export neutralised."""

import csv
import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse

from audit.models import Action, AuditEvent
from kokumin_nenkin.csv_safety import BOM
from kokumin_nenkin.identifiers import contains_my_number_like

from .conftest import as_actor, make_person, record_at

JST = ZoneInfo("Asia/Tokyo")
pytestmark = pytest.mark.django_db

SCREENS = [
    ("audit:index", {}),
    ("audit:export_events", {}),
    ("audit:abnormal", {}),
    ("audit:export_abnormal", {}),
]


def at(day: str, hm: str) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{hm}:00").replace(tzinfo=JST)


@pytest.fixture
def kansa(client_for) -> Client:
    return client_for("kansa")


@pytest.fixture
def history(cast):
    """Two persons; madoguchi views 甲 on 11-17, kakunin updates 乙 on 11-21 (Saturday)."""
    ko = make_person("900000000000011", family_name="甲野")
    otsu = make_person("900000000000012", family_name="乙川")
    with as_actor(cast["madoguchi"]):
        record_at(at("2026-11-17", "10:00"), Action.VIEW, person=ko)
    with as_actor(cast["kakunin"]):
        record_at(at("2026-11-21", "11:00"), Action.UPDATE, person=otsu, details={"理由": "x"})
    return ko, otsu


def csv_rows(response) -> list[list[str]]:
    text = response.content.decode("utf-8")
    assert text.startswith(BOM)
    return list(csv.reader(io.StringIO(text[len(BOM) :])))


@pytest.mark.parametrize("name", ["madoguchi", "kakunin", "shintatsu", "kanri"])
def test_only_the_auditor_may_open_the_screens(client_for, history, name):
    client = client_for(name)
    ko, _ = history
    urls = [reverse(n, kwargs=k) for n, k in SCREENS]
    urls += [reverse("audit:person", args=[ko.pk]), reverse("audit:staff", args=[ko.pk])]
    for url in urls:
        assert client.get(url).status_code == 403, url


def test_search_by_person_with_wareki_period_and_its_own_audit_event(kansa, history, cast):
    ko, _ = history
    response = kansa.get(
        reverse("audit:index"),
        {"addressee_number": ko.addressee_number, "date_from": "R8.11.1", "date_to": "R8.11.30"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "1 件" in html and "甲野" in html and "乙川" not in html
    own = AuditEvent.objects.latest("chain_position")
    assert (own.action, own.person, own.actor) == (Action.SEARCH, ko, cast["kansa"])
    assert own.details["該当件数"] == 1
    assert own.details["条件"]["開始日"] == "2026-11-01"


@pytest.mark.parametrize(
    "params,expected_names",
    [
        ({"action": Action.UPDATE}, {"乙川"}),
        ({"date_from": "R8.11.18", "date_to": "2026-11-30"}, {"乙川"}),
        ({"date_to": "令和8年11月17日"}, {"甲野"}),
    ],
)
def test_search_by_action_and_period(kansa, history, params, expected_names):
    html = kansa.get(reverse("audit:index"), params).content.decode()
    shown = {n for n in ("甲野", "乙川") if n in html}
    assert shown == expected_names


def test_search_by_staff(kansa, history, cast):
    html = kansa.get(reverse("audit:index"), {"staff": cast["kakunin"].pk}).content.decode()
    assert "乙川" in html and "甲野" not in html


def test_an_unknown_addressee_number_or_reversed_period_is_explained(kansa, history):
    html = kansa.get(reverse("audit:index"), {"addressee_number": "999"}).content.decode()
    assert "この宛名番号の被保険者は登録されていません。" in html
    html = kansa.get(
        reverse("audit:index"), {"date_from": "R8.11.30", "date_to": "R8.11.1"}
    ).content.decode()
    assert "終了日は開始日以降の日付を入力してください。" in html


def test_results_are_paginated(kansa, cast):
    person = make_person()
    with as_actor(cast["madoguchi"]):
        for i in range(120):
            record_at(
                at("2026-11-17", "10:00") + dt.timedelta(seconds=i), Action.VIEW, person=person
            )
    first = kansa.get(reverse("audit:index"), {"staff": cast["madoguchi"].pk}).content.decode()
    assert "120 件（1 / 3 ページ）" in first
    third = kansa.get(
        reverse("audit:index"), {"staff": cast["madoguchi"].pk, "page": 3}
    ).content.decode()
    assert "3 / 3" in third
    assert third.count("<tr>") == 21  # header + 20 rows


def test_a_persons_access_history_and_a_staff_members_activity(kansa, history, cast):
    _ko, otsu = history
    html = kansa.get(reverse("audit:person", args=[otsu.pk])).content.decode()
    assert str(cast["kakunin"]) in html
    assert AuditEvent.objects.latest("chain_position").person == otsu
    html = kansa.get(reverse("audit:staff", args=[cast["madoguchi"].pk])).content.decode()
    assert "甲野" in html and "乙川" not in html
    own = AuditEvent.objects.latest("chain_position")
    assert own.details["画面"] == "audit_staff"
    assert own.object_id == str(cast["madoguchi"].pk)


@pytest.mark.urls("tests.audit.urls")
def test_the_persons_page_shows_field_changes_with_actor_and_address(kansa, client_for):
    person = make_person()
    client_for("madoguchi").post(
        f"/t/person/{person.pk}/rename", {"family_name": "改姓"}, REMOTE_ADDR="192.0.2.44"
    )
    html = kansa.get(reverse("audit:person", args=[person.pk])).content.decode()
    changes = html[html.index("項目の変更履歴") :]
    assert "氏：試験 → 改姓" in changes
    assert "madoguchi テスト" in changes and "192.0.2.44" in changes


def test_event_details_and_targets_read_in_japanese_with_wareki_times(kansa, cast):
    from kokumin_nenkin.verification.models import Entry

    person = make_person("900000000000021", family_name="丙田")
    entry = Entry.objects.create(
        kind="qualifications.acquisition", person=person, payload={}, maker=cast["madoguchi"]
    )
    with as_actor(cast["kakunin"]):
        record_at(
            at("2026-11-30", "08:24"),
            Action.VERIFY,
            target=person,
            details={
                "種類": "qualifications.acquisition",
                "変更前": "pending",
                "変更後": "approved",
            },
        )
        record_at(
            at("2026-11-30", "08:25"),
            Action.IMPORT,
            target=entry,
            details={"種類": "jps_results", "結果": "applied"},
        )
        record_at(at("2026-11-30", "08:26"), Action.CREATE, person=person, details={"異動": "loss"})
        record_at(
            at("2026-11-30", "08:27"), Action.SEARCH, details={"画面": "person", "上限到達": False}
        )
    html = kansa.get(reverse("audit:index")).content.decode()
    assert "qualifications.Person#" not in html and "Person" not in html
    assert f"900000000000021 {person.family_name}\u3000{person.given_name}" in html
    assert f"受付（二重確認）（番号 {entry.pk}）" in html
    assert "<dt>種類</dt><dd>資格取得届</dd>" in html
    assert "<dt>変更前</dt><dd>確認待ち</dd>" in html and "<dt>変更後</dt><dd>承認済</dd>" in html
    assert "<dt>結果</dt><dd>反映</dd>" in html and "<dt>上限到達</dt><dd>いいえ</dd>" in html
    assert "<dt>画面</dt><dd>被保険者の記録</dd>" in html
    assert "<dt>種類</dt><dd>処理結果ファイル（F2）</dd>" in html
    assert "<dt>異動</dt><dd>資格喪失</dd>" in html
    assert "令和8年11月30日 08:24:00" in html and "R8." not in html
    assert 'class="data audit-events"' in html


def test_events_of_a_purged_person_are_still_listed(kansa, history, cast):
    from qualifications.models import Person

    ko, _ = history
    Person.objects.filter(pk=ko.pk).delete()
    html = kansa.get(reverse("audit:staff", args=[cast["madoguchi"].pk])).content.decode()
    assert f"削除済みの宛名（ID {ko.pk}）" in html


def test_abnormal_report_screen_lists_the_saturday_update(kansa, history):
    html = kansa.get(
        reverse("audit:abnormal"), {"date_from": "R8.11.16", "date_to": "R8.11.22"}
    ).content.decode()
    assert "土曜日" in html and "休日：1 件" in html and "時間外：0 件" in html
    own = AuditEvent.objects.latest("chain_position")
    assert own.details == {
        "画面": "audit_abnormal",
        "開始日": "2026-11-16",
        "終了日": "2026-11-22",
        "検出件数": 1,
    }


def test_events_export_is_a_neutralised_utf8_csv_and_audited(kansa, history, cast):
    # SECURITY.md attack 15: a user id typed as a formula comes back as text.
    Client().post(
        reverse("accounts:login"),
        {"username": '=HYPERLINK("http://example.invalid","x")', "password": "x" * 12},
    )
    response = kansa.get(reverse("audit:export_events"), {"action": Action.LOGIN_FAILURE})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = csv_rows(response)
    assert rows[0][:3] == ["連番", "日時", "操作"]
    (row,) = rows[1:]
    details = row[10]
    assert details.startswith("ユーザーID: ") and "=HYPERLINK" in details
    for cell in row:
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert not contains_my_number_like(response.content.decode())
    own = AuditEvent.objects.latest("chain_position")
    assert (own.action, own.details["件数"]) == (Action.EXPORT, 1)


def test_a_formula_in_a_details_value_at_the_start_of_a_cell_is_neutralised(kansa, cast):
    record_at(at("2026-11-17", "10:00"), Action.LOGIN_FAILURE, details={"ユーザーID": "@SUM(1)"})
    response = kansa.get(
        reverse("audit:export_abnormal"), {"date_from": "R8.11.17", "date_to": "R8.11.17"}
    )
    rows = csv_rows(response)
    assert rows[1][0] == "ログイン失敗・ロック"
    assert "@SUM(1)" in rows[1][4]
    rows_text = [cell for r in rows for cell in r]
    assert all(not c.startswith("@") for c in rows_text)


def test_the_auditor_home_page_shows_the_abnormal_summary(kansa, cast):
    record_at(
        dt.datetime.now(JST).replace(hour=3), Action.LOGIN_FAILURE, details={"ユーザーID": "x"}
    )
    html = kansa.get(reverse("home")).content.decode()
    assert "異常アクセスの概要" in html
    assert "ログイン失敗・ロック：1 件" in html
    assert reverse("audit:abnormal") in html


def test_viewing_the_home_summary_is_recorded(kansa, cast):
    mine = AuditEvent.objects.filter(actor=cast["kansa"])
    before = mine.count()
    assert "異常アクセスの概要" in kansa.get(reverse("home")).content.decode()
    assert mine.count() == before + 1
    event = mine.order_by("chain_position").last()
    assert event.action == Action.VIEW and event.person_id is None
    assert event.details["画面"] == "異常アクセスの概要" and event.details["日数"] == 7


def test_every_use_of_the_screens_is_audited(kansa, history, cast):
    ko, _ = history
    urls = [reverse(n) for n, _ in SCREENS] + [
        reverse("audit:person", args=[ko.pk]),
        reverse("audit:staff", args=[cast["madoguchi"].pk]),
    ]
    for url in urls:
        before = AuditEvent.objects.filter(actor=cast["kansa"]).count()
        assert kansa.get(url).status_code == 200
        assert AuditEvent.objects.filter(actor=cast["kansa"]).count() == before + 1, url
