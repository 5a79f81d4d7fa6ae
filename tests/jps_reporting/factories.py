"""Synthetic report items (no real person): what the batch will fill from verified entries."""

from dataclasses import replace
from datetime import date

from jps_reporting.items import ReportItem

BASE = ReportItem(
    receipt_number="202600000123",
    form_code="11",
    family_name="熊谷",
    given_name="花子",
    family_name_kana="クマガヤ",
    given_name_kana="ハナコ",
    birth_date=date(1990, 4, 1),
    sex="2",
    postal_code="360-8601",
    address="埼玉県熊谷市宮町二丁目47番地1",
    effective_date=date(2026, 7, 1),
    basic_pension_number="1234-567890",
    insured_category="1",
    exemption_class="01",
    period_start=(2026, 7),
    period_end=(2027, 6),
    message="前年所得の確認済み",
)


def item(n: int = 123, **changes) -> ReportItem:
    return replace(BASE, receipt_number=f"2026{n:08d}", **changes)
