"""F2 version 2: five columns at the end and 処理区分 05 / 06; a file is read by its header, so
version 1 files (14 columns) are still accepted."""

import pytest

from jps_reporting.formats.f2 import HEADER_V1, HEADER_V2, F2Input

V1 = "202600000002,02,,クマガヤ　タロウ,1985-12-31,01,1,,2026-07,2027-06,,,2026-11-20,"
V2_CLAIM = "202600000031,05,,クマガヤ　ハナコ,1960-05-10,,1,,,,,,2026-11-20,,1150,1150-123456,,,"
V2_SUPPORT = "202600000037,06,,クマガヤ　ハナコ,1955-05-10,,1,,,,,,2026-11-20,,,,1,2025-12,"


def read(header, *lines):
    data = ("\r\n".join([",".join(header), *lines]) + "\r\n").encode()
    f2 = F2Input(data, filename="kekka.csv")
    return f2, list(f2.lines()), [str(e) for e in f2.errors]


@pytest.mark.django_db
def test_a_version_1_file_is_still_read():
    f2, lines, errors = read(HEADER_V1, V1)
    assert errors == [] and f2.version == 1
    assert lines[0].certificate_number is None and lines[0].approved_from == (2026, 7)


@pytest.mark.django_db
def test_a_version_2_file_carries_the_claim_columns():
    f2, lines, errors = read(HEADER_V2, V1 + ",,,,,", V2_CLAIM, V2_SUPPORT)
    assert errors == [] and f2.version == 2
    _, claim, support = lines
    assert (claim.process_kind, claim.pension_code, claim.certificate_number) == (
        "05",
        "1150",
        "1150-123456",
    )
    assert (support.support_kind, support.support_from, support.support_to) == (
        "1",
        (2025, 12),
        None,
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("line", "message"),
    [
        (V2_CLAIM.replace("1150-123456", ""), "「記号番号」: 裁定結果（05）の承認には必須です。"),
        (
            V2_SUPPORT.replace(",1,2025-12,", ",,2025-12,"),
            "「給付金種別」: 認定結果（06）の承認には必須です。",
        ),
        (
            V2_SUPPORT.replace(",1,2025-12,", ",5,2025-12,"),
            "「給付金種別」: 「5」は使えないコードです",
        ),
        (
            V2_CLAIM.replace(",1150,", ",115,"),
            "「年金コード」: 「115」は年金コード（4桁の数字）ではありません。",
        ),
        (
            V2_SUPPORT.replace("2025-12,", "2025-12,2025-11"),
            "支給終了年月が支給開始年月より前です。",
        ),
        (V2_CLAIM.replace("1150-123456", "123456789018"), "個人番号らしき12桁"),
    ],
)
def test_version_2_line_rules(line, message):
    _, _, errors = read(HEADER_V2, line)
    assert any(message in e for e in errors), errors


@pytest.mark.django_db
def test_a_version_1_line_in_a_version_2_file_is_a_column_error():
    _, _, errors = read(HEADER_V2, V1)
    assert errors == ["2行目: 列が足りません（14列、必要 19列）。"]
