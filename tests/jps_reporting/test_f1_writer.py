"""F1: the electronic-media file to JPS — 300-byte CP932 records, and nothing silently cut."""

from datetime import date

import pytest

from jps_reporting.formats.f1 import (
    DATA_LAYOUT,
    RECORD_BYTES,
    parse_f1,
    to_half_width_kana,
    write_f1,
)
from jps_reporting.items import MyNumberLikeInOutput
from kokumin_nenkin.identifiers import find_my_number_like

from .factories import item

MUNI = "112020"


def write(items, **kw):
    return write_f1(
        items, municipality_code=MUNI, batch_number=42, created_on=date(2026, 11, 26), **kw
    )


def records(content: bytes) -> list[bytes]:
    assert content.endswith(b"\r\n")
    return content[:-2].split(b"\r\n")


def test_every_record_is_300_bytes_in_cp932_with_crlf():
    f = write([item(1), item(2, family_name="髙橋", family_name_kana="タカハシ")])
    recs = records(f.content)
    assert [len(r) for r in recs] == [RECORD_BYTES] * 4
    assert [r[:1] for r in recs] == [b"1", b"2", b"2", b"3"]
    assert f.content.count(b"\r\n") == 4 and b"\n" not in f.content.replace(b"\r\n", b"")
    f.content.decode("cp932")  # the whole file is CP932


def test_header_and_trailer_fields():
    f = write([item(1), item(2)])
    header, *_, trailer = parse_f1(f.content)
    assert header == {
        "レコード区分": "1",
        "市区町村コード": "112020",
        "作成年月日": "9081126",  # 令和8年11月26日
        "進達番号": "00000042",
        "予備": "",
    }
    assert trailer["データ件数"] == "000002"
    assert trailer["市区町村コード"] == "112020"


def test_data_record_round_trips_field_by_field():
    f = write([item(123)])
    data = parse_f1(f.content)[1]
    assert data == {
        "レコード区分": "2",
        "受付番号": "202600000123",
        "届書種類": "11",
        "基礎年金番号": "1234567890",
        "氏名カナ": "ｸﾏｶﾞﾔ ﾊﾅｺ",
        "氏名": "熊谷　花子",
        "生年月日": "7020401",  # 平成2年4月1日
        "性別": "2",
        "郵便番号": "3608601",
        "住所": "埼玉県熊谷市宮町二丁目４７番地１",
        "異動年月日": "9080701",
        "事由コード": "00",
        "被保険者種別": "1",
        "免除区分": "01",
        "期間開始": "90807",
        "期間終了": "90906",
        "連絡欄": "前年所得の確認済み",
        "予備": "",
    }


def test_field_positions_match_the_layout():
    rec = records(write([item(123)]).content)[1]
    pos = {}
    offset = 0
    for fld in DATA_LAYOUT:
        pos[fld.name] = (offset, offset + fld.size)
        offset += fld.size
    assert rec[slice(*pos["受付番号"])] == b"202600000123"
    assert pos["氏名カナ"] == (25, 50) and pos["住所"] == (105, 185) and pos["連絡欄"] == (207, 267)
    # text left-aligned, padded with half-width spaces in the kana field …
    kana = rec[slice(*pos["氏名カナ"])]
    assert kana == "ｸﾏｶﾞﾔ ﾊﾅｺ".encode("cp932") + b" " * 16  # 9 bytes + 16
    # … and with full-width spaces in full-width fields
    name = rec[slice(*pos["氏名"])]
    assert name.decode("cp932") == "熊谷　花子" + "　" * 15


def test_numbers_are_right_aligned_and_zero_filled_and_blanks_are_spaces():
    data = parse_f1(
        write(
            [
                item(
                    5,
                    basic_pension_number="",
                    exemption_class="00",
                    period_start=None,
                    period_end=None,
                    postal_code="",
                )
            ]
        ).content
    )[1]
    assert data["基礎年金番号"] == "" and data["郵便番号"] == ""
    assert data["免除区分"] == "00" and data["期間開始"] == "00000" and data["期間終了"] == "00000"


@pytest.mark.parametrize(
    ("family", "given", "expected", "nbytes"),
    [
        ("カトウ", "ガク", "ｶﾄｳ ｶﾞｸ", 7),  # ｶﾞ is two bytes
        ("ぱく", "じゅん", "ﾊﾟｸ ｼﾞｭﾝ", 8),  # hiragana too
        ("ヴォーン", "ケイ", "ｳﾞｫｰﾝ ｹｲ", 8),
        ("ｻｲﾄｳ", "ﾋﾛｼ", "ｻｲﾄｳ ﾋﾛｼ", 8),  # already half-width
    ],
)
def test_kana_is_half_width_with_voiced_marks_as_separate_bytes(family, given, expected, nbytes):
    assert to_half_width_kana(f"{family} {given}") == expected
    data = parse_f1(write([item(7, family_name_kana=family, given_name_kana=given)]).content)[1]
    assert data["氏名カナ"] == expected
    assert len(expected.encode("cp932")) == nbytes


def test_items_are_written_in_receipt_number_order():
    f = write([item(30), item(10), item(20)])
    assert [r["受付番号"] for r in parse_f1(f.content)[1:-1]] == [
        "202600000010",
        "202600000020",
        "202600000030",
    ]


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        (
            {"family_name": "𠮷田"},
            "氏名に電子媒体（CP932）で使えない文字「𠮷」（U+20BB7）があります。",
        ),
        ({"given_name": "花" * 20}, "氏名が20文字を超えます（23文字）。"),
        ({"address": "埼玉県熊谷市" + "一" * 35}, "住所が40文字を超えます（41文字）。"),
        (
            {"address": "熊谷市𠮷岡町"},
            "住所に電子媒体（CP932）で使えない文字「𠮷」（U+20BB7）があります。",
        ),
        (
            {"family_name_kana": "アイウエオカキクケコサシスセソ", "given_name_kana": "ガギグゲゴ"},
            "氏名カナが25バイトを超えます（26バイト）。",
        ),
        (
            {"family_name_kana": "熊谷"},
            "氏名カナに半角カナにできない文字「熊」（U+718A）があります。",
        ),
        ({"message": "あ" * 31}, "連絡欄が30文字を超えます（31文字）。"),
        ({"postal_code": "36086"}, "郵便番号が7桁の数字ではありません。"),
    ],
)
def test_an_item_the_file_cannot_hold_goes_on_paper_only_with_the_reason(changes, reason):
    good, bad = item(1), item(2, **changes)
    f = write([good, bad])
    assert f.recorded == (good,)
    assert [p.item for p in f.paper_only] == [bad]
    assert f.paper_only[0].reasons == (reason,)
    parsed = parse_f1(f.content)
    assert [r["受付番号"] for r in parsed[1:-1]] == [good.receipt_number]
    assert parsed[-1]["データ件数"] == "000001"


def test_every_reason_is_given_not_only_the_first():
    f = write([item(2, family_name="𠮷田", address="𠮷" * 41)])
    assert len(f.paper_only[0].reasons) == 2


def test_nothing_is_cut_a_field_exactly_full_fits():
    full_name = item(3, family_name="一" * 9, given_name="二" * 10)  # 9 + space + 10 = 20
    f = write([full_name])
    assert f.paper_only == ()
    assert parse_f1(f.content)[1]["氏名"] == "一" * 9 + "　" + "二" * 10


def test_jis_wave_dash_is_written_as_the_cp932_character_not_refused():
    f = write([item(4, address="熊谷市見晴町1〜2")])
    assert f.paper_only == ()
    assert parse_f1(f.content)[1]["住所"] == "熊谷市見晴町１～２"


def test_all_items_on_paper_still_gives_a_valid_empty_file():
    f = write([item(2, family_name="𠮷田")])
    assert [len(r) for r in records(f.content)] == [300, 300]
    assert parse_f1(f.content)[-1]["データ件数"] == "000000"


def test_no_twelve_digit_run_but_the_receipt_number():
    items = [item(n) for n in range(1, 50)]
    f = write(items)
    allow = {i.receipt_number for i in items}
    for rec in parse_f1(f.content):
        for value in rec.values():
            assert find_my_number_like(value, allow=allow) == []
    assert find_my_number_like(f.content.decode("cp932").replace("\r\n", "|"), allow=allow) == []


@pytest.mark.parametrize("field", ["message", "address"])
def test_a_my_number_like_run_in_any_text_refuses_the_whole_file(field):
    with pytest.raises(MyNumberLikeInOutput, match="202600000009"):
        write([item(1), item(9, **{field: "個人番号１２３４　５６７８　９０１２"})])


def test_sha256_names_the_exact_bytes():
    a = write([item(1)])
    b = write([item(1)])
    assert a.sha256 == b.sha256 and len(a.sha256) == 64
    assert write([item(1, message="別内容")]).sha256 != a.sha256


def test_a_period_month_may_be_given_as_a_date():
    from datetime import date as d

    as_date = item(8, period_start=d(2026, 7, 1), period_end=d(2027, 6, 1))
    assert as_date.period_start == (2026, 7) and as_date.period_end == (2027, 6)
    data = parse_f1(write([as_date]).content)[1]
    assert (data["期間開始"], data["期間終了"]) == ("90807", "90906")


def test_ibm_extension_kanji_are_written_as_windows_encodes_them():
    """JPS reads CP932 with Windows' mapping: 髙 is FBFC and 﨑 FAB1, not Python's NEC-selected
    EEE0 and ED95."""
    f = write([item(5, family_name="髙﨑", given_name="德子")])
    assert f.paper_only == ()
    record = records(f.content)[1]
    start = sum(field.size for field in DATA_LAYOUT[:5])  # 氏名 follows 氏名カナ
    assert record[start : start + 6] == bytes.fromhex("FBFC FAB1 8140")
    assert parse_f1(f.content)[1]["氏名"] == "髙﨑　德子"
    assert b"\xee\xe0" not in f.content and b"\xed\x95" not in f.content


@pytest.mark.parametrize(
    "ch,windows",
    [("髙", "FBFC"), ("﨑", "FAB1"), ("德", "FABA"), ("ⅰ", "FA40"), ("Ⅰ", "8754"), ("￢", "81CA")],
)
def test_the_windows_table_prefers_ibm_codes_over_nec_selected_ones(ch, windows):
    from jps_reporting.formats.f1 import encode_cp932

    assert encode_cp932(ch) == bytes.fromhex(windows)
    assert encode_cp932(ch).decode("cp932") == ch
