"""F2: JPS results — the whole file validated first, line-numbered Japanese errors, then 突合."""

from datetime import date

import pytest

from jps_reporting.formats.f2 import (
    HEADER,
    F2Input,
    Outcome,
    ReportedRef,
    normalise_kana,
    reconcile,
    summarize,
)

HEAD = ",".join(HEADER)
GOOD = [
    "202600000001,01,1234-567890,ｸﾏｶﾞﾔ ﾊﾅｺ,1990-04-01,,1,,,,,,2026-11-20,",
    "202600000002,02,,クマガヤ　タロウ,1985-12-31,01,1,,2026-07,2027-06,,,2026-11-20,",
    "202600000003,02,,ﾒﾇﾏ ｼﾞﾛｳ,2001-02-03,06,3,1,2026-04,2026-09,2026-10,2027-03,2026-11-21,",
    "202600000004,03,1234567891,オオサト　ミチ,1970-01-15,,2,,,,,,2026-11-21,申出期限経過",
]


def csv(*lines: str, header: str = HEAD, eol: str = "\r\n", final_eol: bool = True) -> str:
    text = eol.join([header, *lines])
    return text + eol if final_eol else text


def read(text: str | bytes, *, encoding: str = "utf-8", name: str = "kekka.csv", choice="auto"):
    data = text.encode(encoding) if isinstance(text, str) else text
    f2 = F2Input(data, filename=name, encoding=choice)
    lines = list(f2.lines())
    return f2, lines, [str(e) for e in f2.errors]


@pytest.mark.django_db
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932"])
@pytest.mark.parametrize("eol", ["\r\n", "\n"])
def test_a_good_file_reads_in_every_allowed_encoding_and_line_ending(encoding, eol):
    f2, lines, errors = read(csv(*GOOD, eol=eol), encoding=encoding)
    assert errors == [] and f2.ok
    assert [x.receipt_number for x in lines] == [f"20260000000{i}" for i in range(1, 5)]
    first, second, third, fourth = lines
    assert first.basic_pension_number == "1234-567890" and first.line == 2
    assert fourth.basic_pension_number == "1234-567891"  # 10 digits accepted, normalised
    assert second.approved_from == (2026, 7) and second.approved_to == (2027, 6)
    assert third.rejected_from == (2026, 10)
    assert fourth.note == "申出期限経過" and first.birth_date == date(1990, 4, 1)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("bad_line", "message"),
    [
        (
            "20260000001,01,1234-567890,ｸﾏｶﾞﾔ ﾊﾅｺ,1990-04-01,,1,,,,,,2026-11-20,",
            "3行目「受付番号」: 「20260000001」は受付番号（12桁の数字）ではありません。",
        ),
        (
            "202600000009,09,1234-567890,ｸﾏｶﾞﾔ ﾊﾅｺ,1990-04-01,,1,,,,,,2026-11-20,",
            "3行目「処理区分」: 「09」は使えないコードです",
        ),
        (
            "202600000009,01,123-4567890,ｸﾏｶﾞﾔ ﾊﾅｺ,1990-04-01,,1,,,,,,2026-11-20,",
            "3行目「基礎年金番号」: 「123-4567890」は基礎年金番号ではありません",
        ),
        (
            "202600000009,01,,ｸﾏｶﾞﾔ ﾊﾅｺ,1990-04-01,,1,,,,,,2026-11-20,",
            "3行目「基礎年金番号」: 基礎年金番号付番（01）には必須です。",
        ),
        (
            "202600000009,02,,ｸﾏｶﾞﾔ ﾊﾅｺ,1990-02-30,01,1,,2026-07,2027-06,,,2026-11-20,",
            "3行目「生年月日」: 「1990-02-30」という日付はありません。",
        ),
        (
            "202600000009,02,,ｸﾏｶﾞﾔ ﾊﾅｺ,1990/04/01,01,1,,2026-07,2027-06,,,2026-11-20,",
            "3行目「生年月日」: 「1990/04/01」は日付ではありません（YYYY-MM-DD）。",
        ),
        (
            "202600000009,02,,ｸﾏｶﾞﾔ ﾊﾅｺ,1990-04-01,99,1,,2026-07,2027-06,,,2026-11-20,",
            "3行目「免除区分」: 「99」は使えないコードです",
        ),
        (
            "202600000009,02,,ｸﾏｶﾞﾔ ﾊﾅｺ,1990-04-01,01,7,,2026-07,2027-06,,,2026-11-20,",
            "3行目「処理結果」: 「7」は使えないコードです",
        ),
        (
            "202600000009,02,,ｸﾏｶﾞﾔ ﾊﾅｺ,1990-04-01,01,1,,2027-07,2027-06,,,2026-11-20,",
            "3行目「承認期間終了」: 承認期間の終了が開始より前です。",
        ),
        (
            "202600000009,02,,ｸﾏｶﾞﾔ ﾊﾅｺ,1990-04-01,01,1,,2026-13,2027-06,,,2026-11-20,",
            "3行目「承認期間開始」: 「2026-13」は年月ではありません（YYYY-MM）。",
        ),
        (
            "202600000009,02,,ｸﾏｶﾞﾔ ﾊﾅｺ,1990-04-01,01,,,,,,,2026-11-20,",
            "3行目「処理結果」: 免除等審査結果（02）には必須です。",
        ),
        (
            "202600000009,01,1234-567890,ｸﾏｶﾞﾔ ﾊﾅｺ,1990-04-01,,1,,,,,,2026-11-20,"
            "番号１２３４５６７８９０１２",
            "3行目「備考」: 備考に個人番号らしき12桁の数字があります。取り込めません。",
        ),
        (
            "202600000009,01,1234-567890,ｸﾏｶﾞﾔ ﾊﾅｺ,1990-04-01,,1,,,,,2026-11-20,",
            "3行目: 列が足りません（13列、必要 14列）。",
        ),
        (
            "202600000009,01,1234-567890,ｸﾏｶﾞﾔ ﾊﾅｺ,1990-04-01,,1,,,,,,2026-11-20,,余分",
            "3行目: 列が多すぎます（15列、必要 14列）。",
        ),
        (
            "202600000001,01,1234-567890,ｸﾏｶﾞﾔ ﾊﾅｺ,1990-04-01,,1,,,,,,2026-11-20,",
            "3行目「受付番号」: 2行目と重複しています（202600000001）。",
        ),
    ],
)
def test_malformed_lines_are_listed_with_line_and_column_in_japanese(bad_line, message):
    f2, lines, errors = read(csv(GOOD[0], bad_line, GOOD[2]))
    assert not f2.ok
    assert len(errors) == 1, errors
    assert errors[0].startswith(message), errors
    # the rest of the file is still checked (every error listed), but nothing may be applied
    assert [x.line for x in lines] == [2, 4]


@pytest.mark.django_db
def test_every_error_in_the_file_is_listed_in_line_order():
    bad = GOOD[1].replace("1985-12-31", "1985-13-01").replace(",01,1,", ",99,1,")
    _f2, _, errors = read(csv(GOOD[0], bad, GOOD[2].replace(",06,", ",00,")))
    assert [e.split(":")[0] for e in errors] == [
        "3行目「免除区分」",
        "3行目「生年月日」",
        "4行目「免除区分」",
    ]


@pytest.mark.django_db
def test_a_truncated_file_is_refused_at_its_last_line():
    text = csv(*GOOD)
    _f2, _, errors = read(text[: text.index("申出期限") - 25])
    assert errors == ["5行目: 最終行が途中で切れています（ファイルが欠けている可能性があります）。"]


TRUNCATED = "5行目: 最終行が途中で切れています（ファイルが欠けている可能性があります）。"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "cut",
    [
        pytest.param(lambda text: text[: text.index("申出期限") + 2], id="inside the last field"),
        pytest.param(lambda text: text.rstrip("\r\n"), id="only the final line break missing"),
        pytest.param(
            lambda text: text.replace(",申出期限経過", ',"申出期限経過'), id="a quote left open"
        ),
    ],
)
def test_a_last_line_cut_inside_its_last_field_is_refused(cut):
    f2, lines, errors = read(cut(csv(*GOOD)))
    assert errors == [TRUNCATED] and not f2.ok
    assert len(lines) == 3  # the lines before it are read and checked too


@pytest.mark.django_db
def test_a_quoted_field_with_a_line_break_is_still_read():
    text = csv(*GOOD[:3], GOOD[3].replace(",申出期限経過", ',"申出期限\r\n経過"'))
    _f2, lines, errors = read(text)
    assert errors == [] and len(lines) == 4


@pytest.mark.django_db
def test_a_wrong_header_is_refused():
    _f2, lines, errors = read(csv(*GOOD, header=HEAD.replace("処理区分", "区分")))
    assert lines == [] and errors[0].startswith("1行目: 見出し行が違います。")


@pytest.mark.django_db
def test_a_file_in_the_wrong_encoding_is_refused_with_the_line():
    data = csv(*GOOD).encode("cp932")
    _f2, lines, errors = read(data, choice="utf-8")
    assert lines == []
    assert errors == [
        "ファイル: 1行目: UTF-8として読めない文字があります。文字コードの指定を確認してください。"
    ]


@pytest.mark.django_db
def test_binary_garbage_is_refused():
    f2, lines, _errors = read(b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe\x81")
    assert lines == [] and not f2.ok


@pytest.mark.django_db
def test_the_same_file_twice_is_refused(cast):
    data = csv(*GOOD).encode("utf-8")
    first = F2Input(data, filename="kekka.csv")
    assert first.validate() == 4 and first.ok
    first.mark_imported(cast["shintatsu"])
    again = F2Input(data, filename="kekka-copy.csv")
    assert not again.ok
    assert [str(e) for e in again.errors] == [
        "ファイル: このファイルは既に取り込まれています（同じ内容のファイル）。"
    ]


# --- reconciliation -------------------------------------------------------------------------
REPORTED = {
    "202600000001": ReportedRef("202600000001", "01", "クマガヤ", "ハナコ", date(1990, 4, 1)),
    "202600000002": ReportedRef("202600000002", "11", "クマガヤ", "タロウ", date(1985, 12, 31)),
    "202600000003": ReportedRef("202600000003", "12", "メヌマ", "ジロウ", date(2001, 2, 4)),
    "202600000004": ReportedRef("202600000004", "11", "オオサト", "ミチ", date(1970, 1, 15)),
}


@pytest.mark.django_db
def test_reconciliation_sorts_lines_into_matched_unmatched_and_conflict():
    lines = list(
        F2Input(csv(*GOOD, GOOD[0].replace("0001,", "0099,", 1)).encode(), filename="k.csv").lines()
    )
    result = {r.line.receipt_number: r for r in reconcile(lines, REPORTED)}
    assert result["202600000001"].outcome is Outcome.MATCHED  # half-width kana matches
    assert result["202600000002"].outcome is Outcome.MATCHED  # full-width with
    assert result["202600000003"].outcome is Outcome.CONFLICT
    assert result["202600000003"].reasons == (
        "生年月日が違います（報告: 平成13年2月4日、結果: 平成13年2月3日）。",
    )
    assert result["202600000004"].outcome is Outcome.CONFLICT  # 付加 result for a 免除 form
    assert "付加保険料審査結果" in result["202600000004"].reasons[0]
    assert result["202600000099"].outcome is Outcome.UNMATCHED
    assert result["202600000099"].reasons == ("報告していない受付番号です。",)


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("ｸﾏｶﾞﾔ ﾊﾅｺ", "クマガヤ　ハナコ", True),
        ("くまがや はなこ", "クマガヤハナコ", True),
        ("ｸﾏｶﾞﾔ ﾊﾅｺ", "クマガヤ　ハナゴ", False),
        ("ｸﾏｶﾔ ﾊﾅｺ", "クマガヤ　ハナコ", False),
    ],
)
def test_kana_is_compared_in_any_width(a, b, same):
    assert (normalise_kana(a) == normalise_kana(b)) is same


def test_the_lookup_is_asked_once_per_chunk_and_summary_keeps_few_examples():
    from jps_reporting.formats.f2 import ResultLine

    def line(n: int) -> ResultLine:
        return ResultLine(
            n,
            f"2026{n:08d}",
            "01",
            "1234-567890",
            "クマガヤ ハナコ",
            date(1990, 4, 1),
            None,
            "1",
            None,
            None,
            None,
            None,
            None,
            date(2026, 11, 20),
            "",
        )

    calls = []

    def lookup(numbers):
        calls.append(len(numbers))
        return {
            n: ReportedRef(n, "01", "クマガヤ", "ハナコ", date(1990, 4, 1))
            for n in numbers
            if int(n) % 2
        }

    summary = summarize(
        reconcile((line(n) for n in range(1, 2501)), lookup, chunk_size=1000), keep=5
    )
    assert calls == [1000, 1000, 500]
    assert summary.counts == {Outcome.MATCHED: 1250, Outcome.UNMATCHED: 1250, Outcome.CONFLICT: 0}
    assert len(summary.examples[Outcome.MATCHED]) == 5 and summary.total == 2500
