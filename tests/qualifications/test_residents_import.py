"""F3 住民異動の取込: every 異動区分, bad files applying nothing, once only, audited once,
the screen for the 進達担当 and `manage.py import_residents` (FORMATS.md F3)."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from audit.models import AuditEvent
from kokumin_nenkin.identifiers import my_number_check_digit
from qualifications import my_number
from qualifications.models import Household, Person, ResidenceStatus
from qualifications.residents import residents_import
from tests.factories import make_person

# FORMATS.md F3, copied from the spec (not from the code under test).
HEADER = (
    "異動区分,異動年月日,届出年月日,宛名番号,個人番号,氏名,フリガナ,性別,生年月日,"
    "郵便番号,住所,世帯番号,続柄,世帯主宛名番号"
)
URL = "/persons/residents/import/"


def valid_number(first11: str) -> str:
    return first11 + str(my_number_check_digit(first11))


def f3(*lines: str, newline="\r\n") -> str:
    return newline.join([HEADER, *lines]) + newline


def run(text, actor, *, encoding="utf-8", dry_run=False, choice="auto"):
    data = text.encode(encoding) if isinstance(text, str) else text
    return residents_import(
        data=data, filename="f3.csv", actor=actor, encoding=choice, dry_run=dry_run
    )


def moved_in(number, code="A1", when="2025-04-10", mn="", name="転入　花子", birth="2000-05-01"):
    return (
        f"{code},{when},{when},{number},{mn},{name},テンニュウ　ハナコ,2,{birth},"
        f"360-0001,熊谷市試験町二丁目2番2号,H900001,世帯主,{number}"
    )


@pytest.fixture
def resident(db):
    return make_person(
        addressee_number="1000000001", household=None, registered=False, birth_date=date(1980, 1, 5)
    )


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["A1", "A2"])
def test_a_move_in_creates_the_person_and_household_with_an_encrypted_number(cast, code):
    mn = valid_number("12345678901")
    result = run(f3(moved_in("2000000001", code=code, mn=mn)), cast["shintatsu"])
    assert result.ok, [str(e) for e in result.errors]
    person = Person.objects.get(addressee_number="2000000001")
    assert (person.family_name, person.given_name) == ("転入", "花子")
    assert person.family_name_kana == "テンニュウ" and person.postal_code == "3600001"
    assert person.birth_date == date(2000, 5, 1) and person.sex == "2"
    assert person.household.number == "H900001" and person.is_householder
    assert person.residence_event == code and person.residence_event_on == date(2025, 4, 10)
    assert person.my_number_hash == my_number.lookup_hash(mn)
    assert my_number.decrypt(person.my_number_encrypted) == mn
    assert mn not in person.my_number_encrypted
    assert result.counts() == [(code, result.counts()[0][1], 1)]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "code,status",
    [("B1", ResidenceStatus.MOVED_OUT), ("B2", ResidenceStatus.MOVED_OUT), ("C1", "deceased")],
)
def test_leaving_and_death_set_the_residence_status_and_date(cast, resident, code, status):
    line = f"{code},2025-03-31,2025-04-02,1000000001,,,,,,,,,,"
    assert run(f3(line), cast["shintatsu"]).ok
    resident.refresh_from_db()
    assert resident.residence_status == status
    assert (resident.residence_event, resident.residence_event_on) == (code, date(2025, 3, 31))


@pytest.mark.django_db
def test_name_address_and_household_changes_update_the_person_with_a_field_diff(cast, db):
    from auditlog.models import LogEntry

    a = make_person(addressee_number="1000000001", household=None, registered=False)
    b = make_person(addressee_number="1000000002", household=None, registered=False)
    c = make_person(addressee_number="1000000003", household=None, registered=False)
    text = f3(
        "D1,2025-04-01,2025-04-01,1000000001,,改名　一郎,カイメイ　イチロウ,,,,,,,",
        "D2,2025-04-01,2025-04-01,1000000002,,,,,,3600002,熊谷市新町三丁目3番3号,,,",
        "D3,2025-04-01,2025-04-01,1000000003,,,,,,,,H777,世帯主,1000000003",
    )
    result = run(text, cast["shintatsu"])
    assert result.ok and result.updated == 3 and result.created == 0
    a.refresh_from_db(), b.refresh_from_db(), c.refresh_from_db()
    assert (a.family_name, a.given_name_kana) == ("改名", "イチロウ")
    assert (b.address, b.postal_code) == ("熊谷市新町三丁目3番3号", "3600002")
    assert c.household == Household.objects.get(number="H777") and c.is_householder
    changed = {
        (e.object_pk, field)
        for e in LogEntry.objects.filter(action=LogEntry.Action.UPDATE)
        for field in e.changes_dict
    }
    assert (str(a.pk), "family_name") in changed
    assert (str(b.pk), "address") in changed
    assert (str(c.pk), "household") in changed


@pytest.mark.django_db
def test_one_audit_event_with_sha256_and_counts_per_event_code(cast, resident):
    text = f3(moved_in("2000000001"), "C1,2025-03-31,2025-04-01,1000000001,,,,,,,,,,")
    result = run(text, cast["shintatsu"])
    assert result.ok
    event = AuditEvent.objects.get(action="import")
    assert event.details["ファイル"] == "住民異動（F3）"
    assert event.details["異動区分別"] == {"A1": 1, "C1": 1}
    assert (event.details["新規"], event.details["更新"], event.details["行数"]) == (1, 1, 2)
    assert event.details["SHA-256"].replace(":", "") == result_sha(text)


def result_sha(text):
    import hashlib

    return hashlib.sha256(text.encode()).hexdigest()


@pytest.mark.django_db
def test_every_bad_line_is_listed_and_nothing_is_applied(cast, resident):
    taken = valid_number("98765432109")
    make_person(addressee_number="1000000009", my_number_value=taken, household=None)
    bad_check = "123456789011"
    text = f3(
        moved_in("2000000001"),  # 2: good
        moved_in("2000000002", mn=bad_check),  # 3: check digit
        "Z9,2025-04-01,2025-04-01,2000000003,,,,,,,,,,",  # 4: unknown code
        moved_in("2000000001"),  # 5: 宛名番号 twice
        moved_in("1000000001"),  # 6: 転入 of a 宛名番号 on file
        "C1,2025-04-01,2025-04-01,3999999999,,,,,,,,,,",  # 7: not on file
        moved_in("2000000004", mn=taken),  # 8: number held by another person
        "A1,2025-04-01,2025-04-01,2000000005,,転入,,,,,,,,",  # 9: name without given name
        "D2,2025-13-01,2025-04-01,1000000001,,,,,,,,,,",  # 10: bad date, missing 住所
        "B1,2025-04-01,2025-04-01,1000000001,,,",  # 11: truncated (last)
        newline="\n",
    )
    result = run(text[:-1], cast["shintatsu"])
    messages = [str(e) for e in result.errors]
    assert not result.ok
    for expected in (
        "3行目「個人番号」: 個人番号の検査用数字（最後の1桁）が一致しません。",
        "4行目「異動区分」: 「Z9」は使えないコードです",
        "5行目「宛名番号」: 2行目と重複しています",
        "6行目「宛名番号」: 宛名番号「1000000001」は既に登録されています。",
        "7行目「宛名番号」: 宛名番号「3999999999」の住民が登録されていません。",
        "8行目「個人番号」: この個人番号は宛名番号「1000000009」の方に登録済みです。",
        "9行目「氏名」: 氏名は氏と名を空白で区切ってください。",
        "10行目「異動年月日」: 「2025-13-01」は正しい日付ではありません",
        "11行目: 最終行が途中で切れています",
    ):
        assert any(expected in m for m in messages), (expected, messages)
    assert bad_check not in " ".join(messages) and taken not in " ".join(messages)
    assert not Person.objects.filter(addressee_number__startswith="2").exists()
    resident.refresh_from_db()
    assert resident.residence_status == ResidenceStatus.RESIDENT
    assert not AuditEvent.objects.filter(action="import").exists()


@pytest.mark.django_db
def test_a_column_required_by_the_event_code_is_a_line_error(cast, resident):
    result = run(f3("D2,2025-04-01,2025-04-01,1000000001,,,,,,,,,,"), cast["shintatsu"])
    assert [str(e) for e in result.errors] == ["2行目「住所」: 異動区分 D2 では必須項目です。"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data,choice,message",
    [
        (b"\x82\xa0\xff\xfe\x00\x81", "auto", "文字コードを判別できません"),
        ("異動区分,宛名番号\nA1,1\n".encode(), "auto", "見出し行が違います"),
        (f3(moved_in("2000000001")).encode("cp932"), "utf-8", "UTF-8として読めない文字"),
    ],
    ids=["undecodable", "wrong-header", "cp932-read-as-utf8"],
)
def test_bad_files_are_refused_and_apply_nothing(cast, data, choice, message):
    result = run(data, cast["shintatsu"], choice=choice)
    assert not result.ok
    assert any(message in str(e) for e in result.errors), [str(e) for e in result.errors]
    assert not Person.objects.exists()


@pytest.mark.django_db
def test_cp932_is_read_and_the_same_file_twice_is_refused(cast):
    text = f3(moved_in("2000000001"))
    assert run(text, cast["shintatsu"], encoding="cp932").ok
    again = run(text, cast["shintatsu"], encoding="cp932")
    assert not again.ok and "既に取り込まれています" in str(again.errors[0])
    assert Person.objects.count() == 1


@pytest.mark.django_db
def test_a_dry_run_counts_and_changes_nothing(cast, resident):
    text = f3(moved_in("2000000001"), "C1,2025-03-31,2025-04-01,1000000001,,,,,,,,,,")
    result = run(text, cast["shintatsu"], dry_run=True)
    assert result.ok and dict((c, n) for c, _, n in result.counts()) == {"A1": 1, "C1": 1}
    assert Person.objects.count() == 1 and not AuditEvent.objects.filter(action="import").exists()
    assert run(text, cast["shintatsu"]).ok  # not marked imported by the dry run


# --- the screen ---------------------------------------------------------------------------
def upload(client, text, **extra):
    data = text.encode() if isinstance(text, str) else text
    return client.post(
        URL,
        {"file": SimpleUploadedFile("f3.csv", data, "text/csv"), "encoding": "auto", **extra},
    )


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["shintatsu", "kakunin"])  # 進達担当 and 確認担当
def test_the_report_clerk_or_the_supervisor_imports_on_the_screen(client_for, name):
    client = client_for(name)
    assert client.get(URL).status_code == 200
    response = upload(client, f3(moved_in("2000000001")))
    assert response.status_code == 302
    page = client.get(URL).content.decode()
    assert "住民異動を取り込みました（1行: 新規 1件・更新 0件／転入（国内） 1件）" in page
    assert Person.objects.filter(addressee_number="2000000001").exists()


@pytest.mark.django_db
def test_the_screen_lists_errors_and_a_dry_run_shows_counts(client_for):
    client = client_for("shintatsu")
    response = upload(client, f3("C1,2025-04-01,2025-04-01,3999999999,,,,,,,,,,"))
    assert response.status_code == 400
    assert "宛名番号「3999999999」の住民が登録されていません" in response.content.decode()
    response = upload(client, f3(moved_in("2000000001")), dry_run="on")
    assert response.status_code == 200
    assert "誤りはありません（取り込んでいません）" in response.content.decode()
    assert not Person.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["madoguchi", "kansa", "kanri"])
def test_others_may_not_import(client_for, name):
    assert client_for(name).get(URL).status_code == 403


# --- the command --------------------------------------------------------------------------
@pytest.mark.django_db
def test_the_command_prints_counts_and_applies(cast, tmp_path, capsys):
    path = tmp_path / "f3.csv"
    path.write_text(f3(moved_in("2000000001"), moved_in("2000000002", code="A2")), "cp932")
    call_command("import_residents", str(path), "--dry-run")
    out = capsys.readouterr().out
    assert "A1 転入（国内）: 1件" in out and "A2 転入（国外から）: 1件" in out
    assert not Person.objects.exists()
    call_command("import_residents", str(path), "--user", "shintatsu")
    assert "取り込みました: 2行（新規 2件・更新 0件）" in capsys.readouterr().out
    assert Person.objects.count() == 2


@pytest.mark.django_db
def test_the_command_fails_and_applies_nothing_on_any_error(cast, tmp_path):
    path = tmp_path / "f3.csv"
    path.write_text(f3(moved_in("2000000001"), "X1,2025-04-01,,1,,,,,,,,,,"), "utf-8")
    with pytest.raises(CommandError, match="誤りが 1件あります"):
        call_command("import_residents", str(path), "--user", "shintatsu")
    with pytest.raises(CommandError, match="権限"):
        call_command("import_residents", str(path), "--user", "madoguchi")
    assert not Person.objects.exists()
