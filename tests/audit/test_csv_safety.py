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


def test_a_request_id_never_looks_like_a_my_number(monkeypatch):
    # About one uuid4 hex in fifteen holds a 12-digit run (the CI run that found this printed
    # e307ab0fbf6249b798791735084a4018 in the CSV export); every output refuses such a run.
    import uuid

    from audit import context
    from kokumin_nenkin.identifiers import contains_my_number_like

    drawn = iter(
        [
            uuid.UUID("e307ab0fbf6249b798791735084a4018"),
            uuid.UUID("0123456789ab4cdef0123456789abcde"),
        ]
    )
    monkeypatch.setattr(context.uuid, "uuid4", lambda: next(drawn))
    request_id = context.new_request_id()
    assert request_id == "0123456789ab4cdef0123456789abcde"
    assert not contains_my_number_like(request_id)
