"""What one report line carries: the F1 data fields of one verified entry.

The file, the sheets and the reconciliation are built from these plain values; the batch
(`batches.entry_report_item`) fills them from verified qualification, exemption and 付加 entries.
Nothing here touches the database, so writers and renderers stay pure and testable.
"""

import re
from dataclasses import dataclass
from datetime import date

from kokumin_nenkin.identifiers import find_my_number_like

from .codes import EXEMPTION_CLASSES, FORM_KINDS, INSURED_CATEGORIES, SEXES

RECEIPT_NUMBER_RE = re.compile(r"\d{12}")


class MyNumberLikeInOutput(ValueError):
    """A 12-digit run other than the 受付番号 in an item: the whole output is refused."""


@dataclass(frozen=True)
class ReportItem:
    """One entry to report to JPS (items 59 届書種類 and 60 連絡欄, plus the person's data).

    Periods are (year, month) pairs; `basic_pension_number` is 10 digits or `NNNN-NNNNNN`, or
    empty when not yet assigned. Never holds a 個人番号.
    """

    receipt_number: str  # 受付番号: 西暦 year + 8-digit sequence
    form_code: str  # 届書種類
    family_name: str
    given_name: str
    family_name_kana: str
    given_name_kana: str
    birth_date: date
    sex: str
    address: str
    effective_date: date  # 異動年月日
    postal_code: str = ""
    basic_pension_number: str = ""
    reason_code: str = "00"  # 取得 / 喪失 cause
    insured_category: str = "1"
    exemption_class: str = "00"
    period_start: tuple[int, int] | date | None = None  # stored as (year, month)
    period_end: tuple[int, int] | date | None = None
    message: str = ""  # 連絡欄 (item 60)
    # What F1 has no field for (a claim's 年金コード, 請求者 …): (label, value) pairs printed on
    # the report sheet under 「電子媒体に項目のない事項」, never in the file.
    paper_fields: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        # A month may come as a date (the 1st, as exemptions.reporting gives it) or (y, m).
        for name in ("period_start", "period_end"):
            value = getattr(self, name)
            if isinstance(value, date):
                object.__setattr__(self, name, (value.year, value.month))
        # Programming errors (the batch builds these from validated entries), not user input.
        if not RECEIPT_NUMBER_RE.fullmatch(self.receipt_number):
            raise ValueError(f"受付番号は12桁の数字です: {self.receipt_number!r}")
        if self.form_code not in FORM_KINDS:
            raise ValueError(f"届書種類のコードではありません: {self.form_code!r}")
        if self.sex not in SEXES:
            raise ValueError(f"性別のコードではありません: {self.sex!r}")
        if self.insured_category not in INSURED_CATEGORIES:
            raise ValueError(f"被保険者種別のコードではありません: {self.insured_category!r}")
        if self.exemption_class != "00" and self.exemption_class not in EXEMPTION_CLASSES:
            raise ValueError(f"免除区分のコードではありません: {self.exemption_class!r}")
        if not re.fullmatch(r"\d{2}", self.reason_code):
            raise ValueError(f"事由コードは2桁の数字です: {self.reason_code!r}")

    @property
    def form_name(self) -> str:
        return FORM_KINDS[self.form_code]

    @property
    def full_name(self) -> str:
        return f"{self.family_name}\u3000{self.given_name}"

    @property
    def full_name_kana(self) -> str:
        return f"{self.family_name_kana}\u3000{self.given_name_kana}"

    @property
    def basic_pension_digits(self) -> str:
        return self.basic_pension_number.replace("-", "")

    def text_fields(self) -> dict[str, str]:
        """The free-text values that end up in every output, by their Japanese name."""
        return {
            "氏名": self.full_name,
            "氏名カナ": self.full_name_kana,
            "住所": self.address,
            "郵便番号": self.postal_code,
            "連絡欄": self.message,
            **{f"紙の事項（{label}）": value for label, value in self.paper_fields},
        }

    def my_number_like_fields(self) -> list[str]:
        """Names of the fields holding a 12-digit run (a possible 個人番号): never output them."""
        return [
            name
            for name, value in self.text_fields().items()
            if find_my_number_like(value, allow={self.receipt_number})
        ]


def refuse_my_number_like(items) -> None:
    """Fail closed before any output (file, sheet, transmittal) is made."""
    refused = [
        f"{i.receipt_number}（{'・'.join(i.my_number_like_fields())}）"
        for i in items
        if i.my_number_like_fields()
    ]
    if refused:
        raise MyNumberLikeInOutput(
            "個人番号らしき12桁の数字がある項目は出力できません: " + "、".join(refused)
        )
