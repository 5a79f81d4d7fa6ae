"""初期移行 `manage.py load_register DIR`: persons (F3 layout, 異動区分 00), qualification,
exemption and 付加 histories (docs/formats.md 初期移行), in one transaction; the
reconciliation report; one audit event; the same files refused a second time; a dry run and any
bad file change nothing."""

from datetime import date
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from audit.models import AuditEvent
from exemptions.models import (
    AdditionalPremium,
    ExemptionApplication,
    MaternityExemption,
    StatutoryExemption,
)
from kokumin_nenkin.decisions import DecisionStatus
from kokumin_nenkin.identifiers import my_number_check_digit
from kokumin_nenkin.imports.models import ImportedFile
from qualifications import my_number
from qualifications.models import Household, Person, QualificationRecord

# The layouts as docs/formats.md writes them (not taken from the code under test).
PERSONS = (
    "異動区分,異動年月日,届出年月日,宛名番号,個人番号,氏名,フリガナ,性別,生年月日,"
    "郵便番号,住所,世帯番号,続柄,世帯主宛名番号"
)
QUALIFICATIONS = (
    "宛名番号,連番,異動の種類,資格有無区分,被保険者種別,資格取得届出年月日,資格取得年月日,"
    "資格取得事由,資格喪失届出年月日,資格喪失年月日,資格喪失事由,種別変更年月日,種別変更事由,"
    "種別変更届出年月日"
)
EXEMPTIONS = (
    "宛名番号,連番,免除区分,申請年月日,免除始期,免除終期,処理結果,承認期間開始,承認期間終了,"
    "却下期間開始,却下期間終了,処理年月日"
)
ADDITIONAL = (
    "宛名番号,連番,付加納付申出年月日,付加加入理由,付加該当年月日,付加納付辞退申出年月日,"
    "付加辞退理由,付加非該当年月日,処理結果"
)
STATUTORY = (
    "宛名番号,連番,免除理由,該当年月日,届出年月日,消滅_不該当年月日,免除消滅理由,"
    "消滅届出年月日,取消_不該当年月日,処理結果,処理年月日"
)
MATERNITY = "宛名番号,連番,出産予定日,単胎多胎の別,届出年月日,処理結果,処理年月日"


def valid_number(first11: str) -> str:
    return first11 + str(my_number_check_digit(first11))


def person_line(number, mn="", name="移行　太郎", birth="1990-04-02", household="H1", sex=1):
    return (
        f"00,2026-12-01,,{number},{mn},{name},イコウ　タロウ,{sex},{birth},"
        f"360-0001,熊谷市試験町一丁目1番1号,{household},世帯主,{number}"
    )


def good_files() -> dict[str, list[str]]:
    return {
        "persons.csv": [
            PERSONS,
            person_line("3000000001", mn=valid_number("12345678901")),
            person_line("3000000002", name="移行　花子", birth="1985-02-28", sex=2),
        ],
        "qualifications.csv": [
            QUALIFICATIONS,
            "3000000001,1,1,1,1,2010-04-05,2010-04-01,01,,,,,,",
            "3000000001,2,3,1,2,,,,,,,2015-04-01,21,2015-04-10",
            "3000000001,3,3,1,1,,,,,,,2020-10-01,23,2020-10-05",
            "3000000002,1,1,1,1,2005-02-28,2005-02-27,01,,,,,,",
        ],
        "exemptions.csv": [
            EXEMPTIONS,
            "3000000001,1,01,2021-07-05,2021-07,2022-06,1,2021-07,2022-06,,,2021-09-01",
            "3000000001,2,01,2022-07-04,2022-07,2023-06,,,,,,",
        ],
        "statutory.csv": [
            STATUTORY,
            "3000000001,1,2,2016-05-10,2016-05-20,2018-03-31,生活扶助の廃止,2018-04-05,,1,2016-06-01",
            "3000000001,2,1,2019-08-01,2019-08-09,,,,,1,2019-09-02",
        ],
        "maternity.csv": [
            MATERNITY,
            "3000000002,1,2020-06-15,1,2020-03-01,1,2020-03-20",
            "3000000002,2,2023-02-10,2,2022-09-01,,",
        ],
        "additional.csv": [
            ADDITIONAL,
            "3000000002,1,2019-04-01,本人の希望,2019-04-01,2023-03-01,本人の希望,2023-03-31,1",
        ],
    }


def write(folder: Path, files: dict[str, list[str]], encoding="utf-8") -> Path:
    folder.mkdir(exist_ok=True)
    for name, lines in files.items():
        (folder / name).write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return folder


def load(folder, user, *args):
    call_command("load_register", str(folder), "--user", user.username, *args)


def nothing_written():
    return (
        Person.objects.count(),
        Household.objects.count(),
        QualificationRecord.objects.count(),
        ExemptionApplication.objects.count(),
        StatutoryExemption.objects.count(),
        MaternityExemption.objects.count(),
        AdditionalPremium.objects.count(),
        ImportedFile.objects.count(),
        AuditEvent.objects.filter(action="import").count(),
    ) == (0, 0, 0, 0, 0, 0, 0, 0, 0)


@pytest.mark.django_db
def test_a_good_folder_loads_every_table_reports_counts_and_is_audited_once(cast, tmp_path, capsys):
    folder = write(tmp_path / "load", good_files())
    load(folder, cast["shintatsu"])
    report = capsys.readouterr().out
    assert "初期移行の突合報告" in report
    for line in (
        "宛名（被保険者）\tpersons.csv\t2\t2\t0",
        "資格履歴\tqualifications.csv\t4\t4\t0",
        "免除等履歴\texemptions.csv\t2\t2\t0",
        "法定免除履歴\tstatutory.csv\t2\t2\t0",
        "産前産後免除履歴\tmaternity.csv\t2\t2\t0",
        "付加履歴\tadditional.csv\t1\t1\t0",
    ):
        assert line in report
    assert "取り込みました（13件）" in report

    taro = Person.objects.get(addressee_number="3000000001")
    assert my_number.decrypt(taro.my_number_encrypted) == valid_number("12345678901")
    assert taro.residence_event == "00" and taro.household.number == "H1"
    history = list(QualificationRecord.objects.filter(person=taro).order_by("id"))
    assert [(r.event, r.category, r.is_latest) for r in history] == [
        ("acquisition", "1", False),
        ("category_change", "2", False),
        ("category_change", "1", True),
    ]
    assert all(r.operator == cast["shintatsu"] for r in history)
    applications = ExemptionApplication.objects.filter(person=taro).order_by("start_month")
    assert [(a.decision, a.is_latest, a.period_year) for a in applications] == [
        (DecisionStatus.APPROVED, False, 2021),
        (DecisionStatus.AWAITING, True, 2022),
    ]
    extra = AdditionalPremium.objects.get()
    assert extra.ceased_on == date(2023, 3, 31) and extra.is_latest

    (event,) = AuditEvent.objects.filter(action="import")
    assert event.details["ファイル"] == "初期移行"
    assert event.details["表別"] == {
        "宛名（被保険者）": 2,
        "資格履歴": 4,
        "免除等履歴": 2,
        "法定免除履歴": 2,
        "産前産後免除履歴": 2,
        "付加履歴": 1,
    }
    assert valid_number("12345678901") not in str(event.details)


@pytest.mark.django_db
def test_statutory_and_maternity_histories_are_loaded_with_their_months_from_the_rules(
    cast, tmp_path
):
    load(write(tmp_path / "load", good_files()), cast["shintatsu"])
    taro, hanako = Person.objects.order_by("addressee_number")
    statutory = list(StatutoryExemption.objects.filter(person=taro).order_by("applies_on"))
    # exempt from the month before the reason arose, until the month it ended (DOMAIN_RULES)
    assert [
        (s.reason, s.start_month, s.end_month, s.ended_on, s.decision, s.is_latest)
        for s in statutory
    ] == [
        ("livelihood", date(2016, 4, 1), date(2018, 3, 1), date(2018, 3, 31), "approved", False),
        ("disability", date(2019, 7, 1), None, None, "approved", True),
    ]
    assert statutory[0].end_reason == "生活扶助の廃止"
    assert statutory[0].end_notified_on == date(2018, 4, 5)
    maternity = list(MaternityExemption.objects.filter(person=hanako).order_by("due_date"))
    assert [
        (m.pregnancy, m.start_month, m.end_month, m.decision, m.is_latest) for m in maternity
    ] == [
        ("1", date(2020, 5, 1), date(2020, 8, 1), "approved", False),  # 4 months from May
        ("2", date(2022, 11, 1), date(2023, 4, 1), "awaiting", True),  # 6 months from Nov.
    ]
    assert {r.operator for r in [*statutory, *maternity]} == {cast["shintatsu"]}


MONTHS = [
    # 該当年月日 → 免除始期: the month before the month the reason arose
    ("statutory", "2019-08-01", "", date(2019, 7, 1), None),
    ("statutory", "2020-01-31", "", date(2019, 12, 1), None),
    ("statutory", "2020-03-01", "2020-03-01", date(2020, 2, 1), date(2020, 3, 1)),
    ("statutory", "2024-02-29", "2025-12-31", date(2024, 1, 1), date(2025, 12, 1)),
    # 出産予定日 → 4 months from the month before (単胎), 6 from 3 months before (多胎)
    ("maternity-1", "2024-01-01", "", date(2023, 12, 1), date(2024, 3, 1)),
    ("maternity-1", "2024-02-29", "", date(2024, 1, 1), date(2024, 4, 1)),
    ("maternity-2", "2024-02-29", "", date(2023, 11, 1), date(2024, 4, 1)),
    ("maternity-2", "2025-12-31", "", date(2025, 9, 1), date(2026, 2, 1)),
]


@pytest.mark.django_db
@pytest.mark.parametrize("kind,when,ended,start,end", MONTHS)
def test_the_months_of_a_loaded_notice_follow_the_rules(
    cast, tmp_path, kind, when, ended, start, end
):
    files = good_files()
    del files["exemptions.csv"], files["additional.csv"]
    files["statutory.csv"] = [STATUTORY]
    files["maternity.csv"] = [MATERNITY]
    if kind == "statutory":
        files["statutory.csv"].append(f"3000000001,1,1,{when},{when},{ended},,,,,")
        model = StatutoryExemption
    else:
        files["maternity.csv"].append(f"3000000002,1,{when},{kind[-1]},{when},,")
        model = MaternityExemption
    load(write(tmp_path / "load", files), cast["shintatsu"])
    record = model.objects.get()
    assert (record.start_month, record.end_month) == (start, end)
    assert record.decision == "awaiting" and record.is_latest


@pytest.mark.django_db
def test_the_same_files_a_second_time_are_refused_and_change_nothing(cast, tmp_path):
    folder = write(tmp_path / "load", good_files())
    load(folder, cast["shintatsu"])
    before = Person.objects.count(), QualificationRecord.objects.count()
    with pytest.raises(CommandError, match="何も取り込んでいません"):
        load(folder, cast["shintatsu"])
    assert (Person.objects.count(), QualificationRecord.objects.count()) == before
    assert AuditEvent.objects.filter(action="import").count() == 1


@pytest.mark.django_db
def test_a_dry_run_reports_and_writes_nothing(cast, tmp_path, capsys):
    folder = write(tmp_path / "load", good_files())
    call_command("load_register", str(folder), "--dry-run")
    out = capsys.readouterr().out
    assert "検査のみ" in out and "persons.csv\t2\t0\t0" in out
    assert nothing_written()


def _broken(name: str, index: int, line: str) -> dict[str, list[str]]:
    files = good_files()
    files[name][index] = line
    return files


BAD = [
    pytest.param(
        _broken("persons.csv", 1, person_line("3000000001", mn="123456789010")),
        "persons.csv 2行目「個人番号」",
        id="bad-check-digit",
    ),
    pytest.param(
        _broken("qualifications.csv", 4, "3000000002,1,1,1,1,2005-02-28,2005-02-27,77,,,,,,"),
        "qualifications.csv 5行目「資格取得事由」: 「77」は使えないコードです",
        id="unknown-code",
    ),
    pytest.param(
        _broken("persons.csv", 2, person_line("3000000001", name="移行　花子")),
        "persons.csv 3行目「宛名番号」: 2行目と重複しています",
        id="duplicate-addressee-number",
    ),
    pytest.param(
        _broken("persons.csv", 2, person_line("3000000002").replace("00,", "A1,", 1)),
        "persons.csv 3行目「異動区分」",
        id="not-an-initial-line",
    ),
    pytest.param(
        _broken("exemptions.csv", 2, "3999999999,1,01,2022-07-04,2022-07,2023-06,,,,,,"),
        "exemptions.csv 3行目「宛名番号」: 宛名番号「3999999999」の方が",
        id="unknown-person",
    ),
    pytest.param(
        _broken("additional.csv", 0, ADDITIONAL.replace("処理結果", "結果")),
        "additional.csv 1行目: 見出し行が違います",
        id="wrong-header",
    ),
    # 免除区分 07 / 08: their own files, with the rules of the counter (DOMAIN_RULES 法定免除,
    # 産前産後免除).
    pytest.param(
        _broken("exemptions.csv", 2, "3000000001,2,07,2022-07-04,2022-07,2023-06,,,,,,"),
        "exemptions.csv 3行目「免除区分」: 法定免除（07）は statutory.csv に記載します。",
        id="statutory-in-the-applications-file",
    ),
    pytest.param(
        _broken("exemptions.csv", 2, "3000000001,2,08,2022-07-04,2022-07,2023-06,,,,,,"),
        "exemptions.csv 3行目「免除区分」: 産前産後免除（08）は maternity.csv に記載します。",
        id="maternity-in-the-applications-file",
    ),
    pytest.param(
        _broken("statutory.csv", 1, "3000000001,1,9,2016-05-10,2016-05-20,,,,,1,"),
        "statutory.csv 2行目「免除理由」: 「9」は使えないコードです",
        id="statutory-unknown-reason",
    ),
    pytest.param(
        _broken("statutory.csv", 1, "3000000001,1,2,2016-05-10,2016-05-20,2016-05-09,,,,1,"),
        "statutory.csv 2行目「消滅_不該当年月日」: 消滅（不該当）年月日が該当年月日より前",
        id="statutory-ends-before-it-applies",
    ),
    pytest.param(
        _broken("statutory.csv", 1, "3000000001,1,2,2016-05-10,2016-05-20,,,,,1,"),
        "statutory.csv 3行目「該当年月日」: 2行目の法定免除が消滅していません",
        id="statutory-two-open",
    ),
    pytest.param(
        _broken("statutory.csv", 1, "3000000001,1,2,2016-05-10,2016-05-20,,廃止,,,1,"),
        "statutory.csv 2行目「免除消滅理由」: 消滅_不該当年月日のある行だけに記入します",
        id="statutory-end-reason-without-end",
    ),
    pytest.param(
        _broken("statutory.csv", 1, "3000000001,1,2,2016-05-10,2016-05-20,2018-03-31,,,,4,"),
        "statutory.csv 2行目「取消_不該当年月日」: 取消の行では必須項目です",
        id="statutory-revoked-without-date",
    ),
    pytest.param(
        _broken("statutory.csv", 1, "3000000001,1,2,2016-05-10,2016-05-20,2018-03-31,,,,3,"),
        "statutory.csv 2行目「処理結果」: 「3」は使えないコードです",
        id="statutory-partly-approved",
    ),
    pytest.param(
        _broken("maternity.csv", 1, "3000000002,1,2020-06-15,1,2019-12-14,1,"),
        "maternity.csv 2行目「届出年月日」: 産前産後期間の免除の届出は出産予定日の6か月前",
        id="maternity-notified-too-early",
    ),
    pytest.param(
        _broken("maternity.csv", 2, "3000000002,2,2020-08-20,1,2020-05-01,,"),
        "maternity.csv 3行目「出産予定日」: 免除の期間",
        id="maternity-periods-overlap",
    ),
    pytest.param(
        _broken("maternity.csv", 1, "3000000002,1,2020-06-15,3,2020-03-01,1,"),
        "maternity.csv 2行目「単胎多胎の別」: 「3」は使えないコードです",
        id="maternity-unknown-pregnancy",
    ),
    # Rows checked against their person in persons.csv (性別, 生年月日).
    pytest.param(
        # 移行　太郎, born 1990-04-02: 20歳到達 2010-04-01 (the day before the birthday).
        _broken("qualifications.csv", 1, "3000000001,1,1,1,1,2010-04-05,2010-04-02,01,,,,,,"),
        "qualifications.csv 2行目「資格取得年月日」: 事由「20歳到達」の資格取得年月日は"
        "20歳に達した日（誕生日の前日）で、平成22年4月1日です",
        id="age-20-acquisition-not-on-the-day",
    ),
    pytest.param(
        # 移行　花子, born 1985-02-28: 60歳到達 2045-02-27.
        _broken("qualifications.csv", 4, "3000000002,1,2,0,,,,,,2045-02-28,13,,,"),
        "qualifications.csv 5行目「資格喪失年月日」: 事由「60歳到達」の資格喪失年月日は"
        "60歳に達した日（誕生日の前日）で、令和27年2月27日です",
        id="age-60-loss-not-on-the-day",
    ),
    pytest.param(
        _broken("maternity.csv", 1, "3000000001,1,2020-06-15,1,2020-03-01,1,2020-03-20"),
        "maternity.csv 2行目「宛名番号」: 宛名番号「3000000001」の方は性別が女性ではありません",
        id="maternity-for-a-man",
    ),
    pytest.param(
        # 移行　花子, born 1985-02-28: 50歳到達 2035-02-27, so 納付猶予 only up to 2035-01.
        _broken("exemptions.csv", 2, "3000000002,1,05,2034-12-01,2034-07,2035-06,,,,,,"),
        "exemptions.csv 3行目「免除始期」: 納付猶予は50歳未満の期間に限られます",
        id="postponement-past-fifty",
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize("files,reason", BAD)
def test_a_bad_line_in_any_file_applies_nothing_and_is_reported_with_its_reason(
    cast, tmp_path, capsys, files, reason
):
    folder = write(tmp_path / "load", files)
    with pytest.raises(CommandError, match="何も取り込んでいません"):
        load(folder, cast["shintatsu"])
    err = capsys.readouterr().err
    assert "取り込めない行（理由）" in err and reason in err
    assert nothing_written()


@pytest.mark.django_db
def test_a_truncated_last_line_applies_nothing(cast, tmp_path, capsys):
    folder = write(tmp_path / "load", good_files())
    data = (folder / "qualifications.csv").read_bytes()
    (folder / "qualifications.csv").write_bytes(data[:-12])
    with pytest.raises(CommandError):
        load(folder, cast["shintatsu"])
    assert "qualifications.csv 5行目: 最終行が途中で切れています" in capsys.readouterr().err
    assert nothing_written()


@pytest.mark.django_db
def test_a_file_in_the_wrong_encoding_applies_nothing(cast, tmp_path, capsys):
    folder = write(tmp_path / "load", good_files(), encoding="cp932")
    with pytest.raises(CommandError):
        load(folder, cast["shintatsu"], "--encoding", "utf-8")
    assert "UTF-8として読めない文字があります" in capsys.readouterr().err
    assert nothing_written()


@pytest.mark.django_db
def test_cp932_files_are_read_when_detected(cast, tmp_path):
    folder = write(tmp_path / "load", good_files(), encoding="cp932")
    load(folder, cast["shintatsu"])
    assert Person.objects.filter(family_name="移行").count() == 2


@pytest.mark.django_db
def test_without_persons_file_nothing_is_loaded(cast, tmp_path, capsys):
    files = good_files()
    del files["persons.csv"]
    folder = write(tmp_path / "load", files)
    with pytest.raises(CommandError):
        load(folder, cast["shintatsu"])
    assert "persons.csv ファイル: ファイルを読めません" in capsys.readouterr().err
    assert nothing_written()


@pytest.mark.django_db
def test_history_files_are_optional(cast, tmp_path, capsys):
    files = good_files()
    del files["exemptions.csv"], files["additional.csv"]
    folder = write(tmp_path / "load", files)
    load(folder, cast["shintatsu"])
    assert "免除等履歴\texemptions.csv\tファイルなし" in capsys.readouterr().out
    assert QualificationRecord.objects.count() == 4


@pytest.mark.django_db
def test_the_loader_needs_a_member_of_staff_allowed_to_import(cast, tmp_path):
    folder = write(tmp_path / "load", good_files())
    with pytest.raises(CommandError, match="権限がありません"):
        load(folder, cast["madoguchi"])
    assert nothing_written()


# A person already on file holds one current record (最新フラグ) a table; a later load must not
# add a second: a line error naming the file, the line and the 宛名番号, not a database error.
NEWCOMER = [PERSONS, person_line("3000000003", name="移行　次郎", household="H3")]
ON_FILE_CONFLICTS = [
    pytest.param(
        "qualifications.csv",
        [QUALIFICATIONS, "3000000001,4,2,0,,,,,,2026-11-30,14,,,"],
        "qualifications.csv 2行目「宛名番号」: 宛名番号「3000000001」の方には既に現在の記録"
        "（資格履歴）があります",
        id="qualification",
    ),
    pytest.param(
        "exemptions.csv",
        [
            EXEMPTIONS,
            "3000000003,1,01,2025-07-04,2025-07,2026-06,,,,,,",
            "3000000001,3,01,2023-07-03,2023-07,2024-06,,,,,,",
            "3000000001,4,01,2024-07-03,2024-07,2025-06,,,,,,",
        ],
        "exemptions.csv 4行目「宛名番号」: 宛名番号「3000000001」の方には既に現在の記録"
        "（免除等履歴）があります",
        id="exemption-application",
    ),
    pytest.param(
        "statutory.csv",
        [STATUTORY, "3000000001,3,1,2024-08-01,2024-08-09,,,,,1,2024-09-02"],
        "statutory.csv 2行目「宛名番号」: 宛名番号「3000000001」の方には既に現在の記録"
        "（法定免除履歴）があります",
        id="statutory",
    ),
    pytest.param(
        "maternity.csv",
        [MATERNITY, "3000000002,3,2026-02-10,1,2025-10-01,,"],
        "maternity.csv 2行目「宛名番号」: 宛名番号「3000000002」の方には既に現在の記録"
        "（産前産後免除履歴）があります",
        id="maternity",
    ),
    pytest.param(
        "additional.csv",
        [ADDITIONAL, "3000000002,2,2024-04-01,本人の希望,2024-04-01,,,,1"],
        "additional.csv 2行目「宛名番号」: 宛名番号「3000000002」の方には既に現在の記録"
        "（付加履歴）があります",
        id="additional",
    ),
    pytest.param(
        # 性別 of a person already on file, read from the register.
        "maternity.csv",
        [MATERNITY, "3000000001,1,2026-02-10,1,2025-10-01,,"],
        "maternity.csv 2行目「宛名番号」: 宛名番号「3000000001」の方は性別が女性ではありません",
        id="maternity-for-a-man-on-file",
    ),
]


def everything_on_file():
    return [
        list(model.objects.order_by("pk").values())
        for model in (
            Person,
            Household,
            QualificationRecord,
            ExemptionApplication,
            StatutoryExemption,
            MaternityExemption,
            AdditionalPremium,
            ImportedFile,
        )
    ] + [AuditEvent.objects.filter(action="import").count()]


@pytest.mark.django_db
@pytest.mark.parametrize("dry_run", [False, True], ids=["run", "dry-run"])
@pytest.mark.parametrize("filename,lines,reason", ON_FILE_CONFLICTS)
def test_a_second_current_record_for_a_person_on_file_is_a_line_error_and_applies_nothing(
    cast, tmp_path, capsys, filename, lines, reason, dry_run
):
    load(write(tmp_path / "first", good_files()), cast["shintatsu"])
    before = everything_on_file()
    capsys.readouterr()
    folder = write(tmp_path / "second", {"persons.csv": NEWCOMER, filename: lines})
    with pytest.raises(CommandError, match="何も取り込んでいません"):
        load(folder, cast["shintatsu"], *(["--dry-run"] if dry_run else []))
    err = capsys.readouterr().err
    assert reason in err and "誤りが 1件あります" in err
    assert everything_on_file() == before
    assert not Person.objects.filter(addressee_number="3000000003").exists()


@pytest.mark.django_db
def test_history_for_a_person_on_file_without_a_current_record_is_loaded(cast, tmp_path):
    load(write(tmp_path / "first", {"persons.csv": good_files()["persons.csv"]}), cast["shintatsu"])
    folder = write(
        tmp_path / "second",
        {
            "persons.csv": NEWCOMER,
            "maternity.csv": [MATERNITY, "3000000002,1,2026-02-10,1,2025-10-01,,"],
        },
    )
    load(folder, cast["shintatsu"])
    (record,) = MaternityExemption.objects.all()
    assert record.person.addressee_number == "3000000002" and record.is_latest
