"""F4 income import: all or nothing, errors by line, once only, audited, 進達担当 only."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from audit.models import AuditEvent
from exemptions.models import Income, IncomeRevision
from exemptions.services import income_import

from .conftest import give_income, make_person

# FORMATS.md F4, copied from the spec (not from the code under test).
HEADER = (
    "所得年,宛名番号,合計所得金額,扶養親族等の数,扶養親族等控除額,社会保険料控除額等,"
    "障害者,寡婦ひとり親,生活保護"
)
URL = "/exemptions/income/import/"


@pytest.fixture
def residents(db):
    return [make_person(given=g) for g in ("花子", "次郎", "三郎")]


def f4(*lines: str, newline="\r\n") -> str:
    return newline.join([HEADER, *lines]) + newline


def upload(client, text, encoding="utf-8", choice="auto", name="shotoku.csv"):
    data = text.encode(encoding) if isinstance(text, str) else text
    return client.post(
        URL, {"file": SimpleUploadedFile(name, data, "text/csv"), "encoding": choice}
    )


@pytest.mark.django_db
def test_a_good_file_is_applied_in_cp932_and_audited(client_for, residents):
    a, b, _ = residents
    give_income(b, 2024, 9_999_999)  # a corrected assessment replaces the old one
    text = f4(
        f"2024,{a.addressee_number},670000,0,0,0,0,0,0",
        f"2024,{b.addressee_number},1200000,1,380000,150000,1,2,1",
    )
    client = client_for("shintatsu")
    response = upload(client, text, encoding="cp932")
    assert response.status_code == 302
    page = client.get(URL)
    assert "所得情報を取り込みました（2行: 新規 1件・更新 1件）" in page.content.decode()
    assert Income.objects.count() == 2
    inc = Income.objects.get(person=b, year=2024)
    assert (inc.total_income, inc.dependents, inc.dependent_deduction) == (1_200_000, 1, 380_000)
    assert inc.disabled and inc.widow_single_parent == "2" and inc.public_assistance == "1"
    assert inc.special_status == "障害者"
    event = AuditEvent.objects.get(action="import", person=None)
    assert event.details["新規"] == 1 and event.details["更新"] == 1
    assert event.actor.username == "shintatsu"


@pytest.mark.django_db
def test_the_same_file_twice_is_refused(client_for, residents):
    text = f4(f"2024,{residents[0].addressee_number},670000,0,0,0,0,0,0")
    client = client_for("shintatsu")
    assert upload(client, text).status_code == 302
    response = upload(client, text)
    assert response.status_code == 400
    assert "既に取り込まれています" in response.content.decode()
    assert AuditEvent.objects.filter(action="import", person=None).count() == 1


@pytest.mark.django_db
def test_every_bad_line_is_listed_and_nothing_is_applied(client_for, residents):
    a, b, c = residents
    text = f4(
        f"2024,{a.addressee_number},670000,0,0,0,0,0,0",
        f"2024,{b.addressee_number},-5,0,0,0,0,0,0",
        f"2024,{c.addressee_number},100,0,0,0,0,3,0",
        "2024,0000099999,100,0,0,0,0,0,0",
        f"2024,{a.addressee_number},1,0,0,0,0,0,0",
        f"2099,{c.addressee_number},1,0,0,0,0,0,0",
        f"2024,{c.addressee_number},1,0,0",
    )
    response = upload(client_for("shintatsu"), text)
    body = response.content.decode()
    assert response.status_code == 400
    assert "何も取り込んでいません" in body
    for expected in (
        "3行目「合計所得金額」: 「-5」は0以上の整数ではありません。",
        "4行目「寡婦ひとり親」: 「3」は使えないコードです",
        "5行目「宛名番号」: 宛名番号「0000099999」の住民が登録されていません。",
        "6行目「所得年・宛名番号」: 2行目と重複しています",
        "7行目「所得年」: 所得年 2099 は",
        "8行目: 列が足りません",
    ):
        assert expected in body, expected
    assert not Income.objects.exists()
    assert not AuditEvent.objects.filter(action="import").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data,choice,message",
    [
        (b"\x82\xa0\xff\xfe\x00\x81", "auto", "文字コードを判別できません"),
        ("所得年,宛名番号\n2024,1\n".encode(), "auto", "見出し行が違います"),
        (HEADER.encode() + b"\n2024,0000000001,670000,0,0", "auto", "最終行が途中で切れています"),
        (b"", "auto", "ファイルが空です"),
    ],
    ids=["wrong-encoding", "malformed-header", "truncated", "empty"],
)
def test_bad_files_are_refused_with_a_japanese_reason(db, cast, data, choice, message):
    result = income_import(data=data, filename="f4.csv", encoding=choice, actor=cast["shintatsu"])
    assert not result.ok
    assert any(message in str(e) for e in result.errors), [str(e) for e in result.errors]
    assert not Income.objects.exists()


@pytest.mark.django_db
def test_a_cp932_file_read_as_utf8_is_refused_with_its_line(cast, residents):
    text = f4(f"2024,{residents[0].addressee_number},670000,0,0,0,0,0,0") + "備考\n"
    result = income_import(
        data=text.encode("cp932"), filename="f4.csv", encoding="utf-8", actor=cast["shintatsu"]
    )
    assert not result.ok
    assert "UTF-8として読めない文字" in str(result.errors[0])


@pytest.mark.django_db
@pytest.mark.parametrize("name,status", [("madoguchi", 403), ("kakunin", 403), ("kansa", 403)])
def test_only_the_report_clerk_may_import(client_for, name, status):
    assert client_for(name).get(URL).status_code == status


def test_a_post_without_a_file_says_so_next_to_the_field(client_for):
    response = client_for("shintatsu").post(URL, {"encoding": "auto"})
    assert response.status_code == 200
    assert "取り込むファイルを選んでください。" in response.content.decode()


@pytest.mark.django_db
def test_a_corrected_assessment_keeps_the_old_values_and_names_each_person_changed(
    client_for, residents
):
    """Issue 11 item 4: an F4 import does not overwrite. The values it replaces stay as history,
    shown on the household panel, and every person changed has an audit event with the old and
    new value of each field that changed; a person whose values are the same is left alone."""
    a, b, c = residents
    client = client_for("shintatsu")
    first = f4(
        f"2023,{a.addressee_number},670000,0,0,0,0,0,0",
        f"2023,{b.addressee_number},1200000,1,380000,150000,0,0,0",
    )
    assert upload(client, first, name="first.csv").status_code == 302
    corrected = f4(
        f"2023,{a.addressee_number},820000,0,0,0,1,0,0",  # 前年所得 and 障害者 corrected
        f"2023,{b.addressee_number},1200000,1,380000,150000,0,0,0",  # the same again
        f"2023,{c.addressee_number},0,0,0,0,0,0,1",  # new
    )
    assert upload(client, corrected, name="second.csv").status_code == 302
    page = client.get(URL).content.decode()
    assert "所得情報を取り込みました（3行: 新規 1件・更新 1件・変更なし 1件）" in page

    current = Income.objects.get(person=a, year=2023)
    assert (current.total_income, current.disabled) == (820_000, True)
    [old] = IncomeRevision.objects.filter(person=a, year=2023)
    assert (old.total_income, old.disabled) == (670_000, False)
    assert old.superseded_by == current.source_file
    assert old.source_file != current.source_file
    assert not IncomeRevision.objects.filter(person__in=[b, c]).exists()

    second_file = current.source_file
    events = AuditEvent.objects.filter(
        action="import", object_id=str(second_file.pk), person__isnull=False
    )
    assert {e.person_id for e in events} == {a.pk, c.pk}  # b did not change
    changed = events.get(person=a).details
    assert changed["所得年"] == 2023
    assert changed["前年所得"] == {"変更前": 670_000, "変更後": 820_000}
    assert changed["障害者"] == {"変更前": False, "変更後": True}
    assert "扶養親族等の数" not in changed  # unchanged fields are not listed
    added = events.get(person=c).details
    assert added["前年所得"] == {"変更前": None, "変更後": 0}
    assert added["生活保護"] == {"変更前": None, "変更後": "生活扶助"}
    summary = AuditEvent.objects.get(
        action="import", person__isnull=True, object_id=str(second_file.pk)
    )
    assert (summary.details["新規"], summary.details["更新"], summary.details["変更なし"]) == (
        1,
        1,
        1,
    )

    # The person's access history (監査担当) lists the import with the old and new values.
    history = client_for("kansa").get(f"/audit/person/{a.pk}/").content.decode()
    assert "670000" in history.replace(",", "") and "820000" in history.replace(",", "")

    # The household panel shows the current value and, as history, the one it replaced.
    panel = client_for("madoguchi").get(
        f"/exemptions/persons/{a.pk}/household/?kind=exemption&year=2024"
    )
    body = panel.content.decode()
    assert "所得の訂正履歴" in body
    current_table, history_table = body.split("所得の訂正履歴", 1)
    assert "820,000円" in current_table
    assert "670,000円" in history_table.split("</table>", 1)[0]


@pytest.mark.django_db
def test_the_panel_shows_no_history_when_nothing_was_replaced(client_for, residents):
    give_income(residents[0], 2023, 500_000)
    body = (
        client_for("madoguchi")
        .get(f"/exemptions/persons/{residents[0].pk}/household/?kind=exemption&year=2024")
        .content.decode()
    )
    assert "500,000円" in body and "所得の訂正履歴" not in body
