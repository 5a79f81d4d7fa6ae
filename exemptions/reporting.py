"""The F1 fields (format F1, FORMATS.md) an exemption or 付加 entry reports: which 届書 it is
and the dates and codes of fields 3, 11, 14, 15 and 16. Each kind in `kinds.py` computes them
from the entry's own payload and the record that entry wrote (`ExemptionKind.report`). Months
are dates (the 1st); the writer formats them. A zero period field is `None` here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

# 届書種類 (item 59) of this app, from the FORMATS.md code table.
FORM_KINDS = {
    "11": "保険料免除・納付猶予申請書",
    "12": "学生納付特例申請書",
    "13": "免除事由該当届（法定免除）",
    "14": "免除事由消滅届（法定免除）",
    "15": "産前産後期間の免除届",
    "16": "免除等取消申請書",
    "21": "付加保険料納付申出書",
    "22": "付加保険料納付辞退申出書",
}
NO_EXEMPTION_CLASS = "00"


@dataclass(frozen=True)
class ReportFields:
    form_kind: str  # field 3
    effective_date: date  # field 11 異動年月日
    exemption_class: str  # field 14, or "00"
    period_start: date | None  # field 15 (None → zeros)
    period_end: date | None  # field 16

    @property
    def form_label(self) -> str:
        return FORM_KINDS[self.form_kind]
