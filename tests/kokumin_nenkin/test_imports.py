"""The general input-file rules of FORMATS.md, shared by every import."""

import pytest

from kokumin_nenkin.imports import (
    CsvInput,
    FieldError,
    code_of,
    non_negative_int,
    required,
    safe_filename,
)

HEADER = ["宛名番号", "区分", "金額"]
COLUMNS = {
    "宛名番号": required(str),
    "区分": code_of({"0": "なし", "1": "あり"}),
    "金額": non_negative_int,
}


def make(text: str, *, encoding="utf-8", filename="test.csv", enc_choice="auto", **kw):
    data = text.encode(encoding) if isinstance(text, str) else text
    return CsvInput(
        data,
        filename=filename,
        header=HEADER,
        kind="test",
        columns=COLUMNS,
        unique=("宛名番号",),
        encoding=enc_choice,
        **kw,
    )


def read(reader):
    rows = list(reader.rows())
    return rows, [str(e) for e in reader.errors]


@pytest.mark.django_db
class TestGoodFiles:
    @pytest.mark.parametrize(
        "encoding,newline,bom",
        [("utf-8", "\n", False), ("utf-8", "\r\n", True), ("cp932", "\r\n", False)],
    )
    def test_encodings_and_line_ends(self, encoding, newline, bom):
        text = newline.join(["宛名番号,区分,金額", "0000000001,1,670000", "0000000002,0,0"])
        data = ("\ufeff" if bom else "") + text + newline + newline
        reader = make(data, encoding=encoding)
        rows, errors = read(reader)
        assert errors == []
        assert [r["金額"] for _, r in rows] == [670000, 0]
        assert reader.encoding == encoding
        assert reader.line_count == 2


@pytest.mark.django_db
class TestBadFiles:
    def test_every_error_has_its_line_and_column_in_japanese(self):
        text = "\n".join(
            [
                "宛名番号,区分,金額",
                "0000000001,1,100",
                "0000000002,7,-5",
                "0000000003,1",
                "0000000004,1,1,9",
                ",0,1",
                "0000000001,0,1",
            ]
        )
        _rows, errors = read(make(text + "\n"))
        assert errors == [
            "3行目「区分」: 「7」は使えないコードです（0 なし・1 あり）。",
            "3行目「金額」: 「-5」は0以上の整数ではありません。",
            "4行目: 列が足りません（2列、必要 3列）。",
            "5行目: 列が多すぎます（4列、必要 3列）。",
            "6行目「宛名番号」: 必須項目です。",
            "7行目「宛名番号」: 2行目と重複しています（0000000001）。",
        ]

    def test_truncated_last_line(self):
        _rows, errors = read(make("宛名番号,区分,金額\n0000000001,1,100\n0000000002,1"))
        assert errors == [
            "3行目: 最終行が途中で切れています（ファイルが欠けている可能性があります）。"
        ]

    def test_wrong_header(self):
        rows, errors = read(make("番号,区分,金額\n1,1,1\n"))
        assert rows == []
        assert errors[0].startswith("1行目: 見出し行が違います。")

    def test_wrong_encoding_chosen(self):
        data = "宛名番号,区分,金額\n0000000001,1,100\n".encode("cp932")
        reader = make(data, enc_choice="utf-8")
        assert not reader.ok
        assert "UTF-8として読めない文字があります" in str(reader.errors[0])

    def test_undecodable_file(self):
        reader = make(b"\xff\xfe\x00\x81\x00\xff\x80\x80")
        assert not reader.ok
        assert "文字コードを判別できません" in str(reader.errors[0])

    def test_empty_file(self):
        assert "ファイルが空です" in str(make("").errors[0])

    def test_oversized_file(self, settings):
        settings.IMPORT_MAX_BYTES = 10
        reader = make("宛名番号,区分,金額\n0000000001,1,100\n")
        assert "ファイルが大きすぎます" in str(reader.errors[0])

    @pytest.mark.parametrize(
        "name", ["../../etc/passwd", "a/b.csv", "..\\..\\win.ini", "C:\\data\\x.csv", ".."]
    )
    def test_path_traversal_filename(self, name):
        with pytest.raises(FieldError, match="フォルダの指定は使えません"):
            safe_filename(name)
        reader = make("宛名番号,区分,金額\n0000000001,1,100\n", filename=name)
        assert not reader.ok


@pytest.mark.django_db
def test_the_same_file_is_refused_the_second_time(cast):
    text = "宛名番号,区分,金額\n0000000001,1,100\n"
    first = make(text)
    list(first.rows())
    assert first.ok
    first.mark_imported(cast["shintatsu"])
    second = make(text)
    assert "既に取り込まれています" in str(second.errors[0])
    # A different file of the same kind is fine.
    assert make(text + "0000000002,0,1\n").ok
