"""F4 income import: all or nothing, errors by line, once only, audited, 進達担当 only."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from audit.models import AuditEvent
from exemptions.models import Income
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
    event = AuditEvent.objects.get(action="import")
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
    assert AuditEvent.objects.filter(action="import").count() == 1


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
