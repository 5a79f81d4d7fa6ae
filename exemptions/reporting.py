"""What a JPS report batch needs from an exemption or 付加 record (format F1, FORMATS.md).

The report issue owns the file; this module only says, per record, which 届書 it is and which
dates and codes go into fields 3, 11, 14, 15 and 16. Months are returned as dates (the 1st);
the writer formats them with `wareki.to_jps_month`. A zero period field is `None` here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .models import AdditionalPremium, ExemptionApplication, MaternityExemption, StatutoryExemption
from .rules import ExemptionClass

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


def report_fields(record) -> ReportFields:
    """The F1 fields of one record, by its kind and the notice it carries."""
    if isinstance(record, ExemptionApplication):
        if record.revocation_applied_on is not None:  # 免除等取消申請書: the revoked months
            return ReportFields(
                "16",
                record.revocation_applied_on,
                record.exemption_class,
                record.revoked_start,
                record.revoked_end,
            )
        kind = "12" if record.exemption_class == ExemptionClass.STUDENT else "11"
        return ReportFields(
            kind, record.applied_on, record.exemption_class, record.start_month, record.end_month
        )
    if isinstance(record, StatutoryExemption):
        if record.ended_on is not None:  # 消滅届: the period now has its end
            return ReportFields(
                "14",
                record.ended_on,
                ExemptionClass.STATUTORY,
                record.start_month,
                record.end_month,
            )
        return ReportFields(
            "13", record.applies_on, ExemptionClass.STATUTORY, record.start_month, None
        )
    if isinstance(record, MaternityExemption):
        # [GK] 異動年月日 = the expected (or actual) birth date the period is computed from.
        return ReportFields(
            "15", record.due_date, ExemptionClass.MATERNITY, record.start_month, record.end_month
        )
    if isinstance(record, AdditionalPremium):
        if record.ceased_on is not None:
            return ReportFields("22", record.ceased_on, NO_EXEMPTION_CLASS, None, None)
        return ReportFields(
            "21", record.applies_on, NO_EXEMPTION_CLASS, record.applies_on.replace(day=1), None
        )
    raise TypeError(f"not an exemption record: {type(record).__name__}")
