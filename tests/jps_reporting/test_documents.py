"""Report sheets and 送付書: real A4 PDFs, Japanese font embedded, 和暦, no 個人番号 anywhere."""

import io
import re
from datetime import date

import pytest
from pypdf import PdfReader

from jps_reporting.documents import (
    BatchInfo,
    render_report_sheets,
    render_transmittal,
    report_sheets_html,
)
from jps_reporting.items import MyNumberLikeInOutput
from kokumin_nenkin.identifiers import find_my_number_like
from tests.kokumin_nenkin.test_pdf import fonts_of

from .factories import item

BATCH = BatchInfo(
    batch_number=42,
    reported_on=date(2026, 11, 26),
    city_name="熊谷市",
    municipality_code="112020",
    sender="熊谷市長",
)
A4 = (595, 842)  # points, rounded


def pages_text(pdf: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(pdf))
    return [page.extract_text() for page in reader.pages]


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


ITEMS = [
    item(1),
    item(
        2,
        form_code="01",
        exemption_class="00",
        period_start=None,
        period_end=None,
        basic_pension_number="",
        message="",
    ),
    item(
        3,
        form_code="21",
        family_name="大里",
        given_name="みち",
        family_name_kana="オオサト",
        given_name_kana="ミチ",
        birth_date=date(1960, 1, 15),
        sex="2",
        exemption_class="00",
        period_start=(2026, 12),
        period_end=None,
        basic_pension_number="9876543210",
    ),
]
PAPER = {"202600000003": ("住所が40文字を超えます（41文字）。",)}


def test_one_a4_page_per_item_with_the_font_embedded_and_text_extractable():
    pdf = render_report_sheets(ITEMS, batch=BATCH, paper_only=PAPER)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 3
    for page in reader.pages:
        box = page.mediabox
        assert (round(float(box.width)), round(float(box.height))) == A4
    assert any("IPAex" in f["name"] and f["embedded"] for f in fonts_of(reader))
    first, second, third = (squeeze(t) for t in pages_text(pdf))
    assert "国民年金保険料免除・納付猶予申請書" in first
    assert "受付番号202600000001" in first and "第42号" in first
    assert "熊谷花子" in first and "クマガヤハナコ" in first
    assert "平成2年4月1日" in first  # 生年月日 in 和暦
    assert "令和8年7月～令和9年6月" in first and "全額免除" in first
    assert "報告年月日令和8年11月26日" in first
    assert "電子媒体収録有" in first
    assert "資格取得届" in second and "未付番" in second
    assert "付加保険料納付申出書" in third and "昭和35年1月15日" in third
    assert "無（紙のみで報告）" in third and "住所が40文字を超えます（41文字）。" in third


def test_transmittal_counts_per_form_and_lists_paper_only_items():
    pdf = render_transmittal(ITEMS, batch=BATCH, paper_only=PAPER)
    (text,) = pages_text(pdf)
    flat = squeeze(text)
    assert "国民年金関係届書送付書" in flat
    assert "01資格取得届1件1件0件" in flat
    assert "21付加保険料納付申出書1件0件1件" in flat
    assert "合計3件2件1件" in flat
    assert "202600000003" in flat and "住所が40文字を超えます" in flat
    assert "令和8年11月26日" in flat


def test_no_twelve_digit_run_in_any_printed_output_but_the_receipt_numbers():
    many = [
        item(n, basic_pension_number=f"{1000 + n:04d}-{n:06d}", postal_code=f"{3600000 + n}")
        for n in range(1, 13)
    ]
    allow = {i.receipt_number for i in many}
    for pdf in (
        render_report_sheets(many, batch=BATCH),
        render_transmittal(many, batch=BATCH, paper_only={many[0].receipt_number: ("x",)}),
    ):
        text = "\n".join(pages_text(pdf))
        assert find_my_number_like(text, allow=allow) == []
        assert many[0].receipt_number in text  # the check looked at real text


@pytest.mark.parametrize("field", ["message", "address", "family_name"])
def test_a_my_number_like_value_refuses_the_sheets_and_the_transmittal(field):
    bad = item(9, **{field: "１２３４－５６７８－９０１２"})
    with pytest.raises(MyNumberLikeInOutput, match="202600000009"):
        render_report_sheets([item(1), bad], batch=BATCH)
    with pytest.raises(MyNumberLikeInOutput):
        render_transmittal([bad], batch=BATCH)


def test_markup_in_a_name_is_printed_as_text_not_run():
    evil = item(
        5, family_name="<script>alert(1)</script>", given_name='<img src="file:///etc/passwd">'
    )
    html = report_sheets_html([evil], batch=BATCH)
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert '<img src="file' not in html
    pdf = render_report_sheets([evil], batch=BATCH)
    text = squeeze(pages_text(pdf)[0])
    assert "<script>alert(1)</script>" in text
    assert b"root:" not in pdf


def test_the_addressee_comes_from_the_setting(settings):
    settings.JPS_OFFICE_NAME = "日本年金機構 浦和年金事務所長"
    batch = BatchInfo(
        batch_number=1,
        reported_on=date(2026, 11, 26),
        city_name="熊谷市",
        municipality_code="112020",
    )
    assert "日本年金機構 浦和年金事務所長 様" in report_sheets_html([item(1)], batch=batch)
