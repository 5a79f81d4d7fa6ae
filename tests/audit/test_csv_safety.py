"""CSV cells that a spreadsheet would run as formulas are neutralised (SECURITY.md attack 15)."""

import csv
import io

import pytest

from kokumin_nenkin.csv_safety import BOM, csv_response, neutralise, to_csv_text


@pytest.mark.parametrize(
    "cell,expected",
    [
        ("=1+1", "'=1+1"),
        ('=HYPERLINK("http://example.invalid","x")', '\'=HYPERLINK("http://example.invalid","x")'),
        ("+81-48-000-0000", "'+81-48-000-0000"),
        ("-5", "'-5"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("＝1+1", "'＝1+1"),
        (" =1+1", "' =1+1"),
        ("  +81", "'  +81"),
        ("\n=1", "'\n=1"),
        ("\r\n@SUM(A1)", "'\r\n@SUM(A1)"),
        ("\u3000-5", "'\u3000-5"),
        ("|calc", "'|calc"),
        ("｜calc", "'｜calc"),
        (" |calc", "' |calc"),
        (" 試験", " 試験"),
        ("a|b", "a|b"),
        ("試験 花子", "試験 花子"),
        ("a=b", "a=b"),
        ("", ""),
        (None, ""),
        (12, "12"),
        (-3, "'-3"),
    ],
)
def test_each_cell(cell, expected):
    assert neutralise(cell) == expected


def test_file_is_utf8_with_bom_crlf_and_reads_back_neutralised():
    text = to_csv_text([["=cmd|' /C calc'!A0", "熊谷"]], header=["内容", "市"])
    assert text.startswith(BOM)
    assert "\r\n" in text
    rows = list(csv.reader(io.StringIO(text[len(BOM) :])))
    assert rows == [["内容", "市"], ["'=cmd|' /C calc'!A0", "熊谷"]]


def test_response_is_a_download_with_a_japanese_file_name():
    response = csv_response("監査ログ.csv", ["a"], [["-1"]])
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "filename*=UTF-8''%E7%9B%A3" in response["Content-Disposition"]
    assert response.content.decode("utf-8").startswith(BOM + "a\r\n'-1")
