"""The rules of the benefit claims the city takes (DOMAIN_RULES.md §4): pure functions.

Every figure that changes by law sits in a table versioned by the date it takes effect
(`*_TABLES`), never as a bare constant in the logic. Figures marked `[GK]` (general knowledge
not yet checked against an official page) are listed in `GK_FIGURES` at the end, so a
correction is one edit. Each check returns an `Assessment`: whether the claim passes, and the
arithmetic the counter staff see, one line per step; a refusal raises `RuleRefused` naming the
rule and the form field it belongs next to.

This module holds what every kind shares (codes, `Assessment`, months, table lookup) and which
claims the city takes; each kind's checks are in `lump_sum_rules`, `pension_rules` and
`support_rules`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from django.db import models

from kokumin_nenkin import wareki

# The one error type of the workflow rules, with the form field it belongs next to.
from kokumin_nenkin.decisions import ABOVE_THE_FORM as ABOVE_THE_FORM
from kokumin_nenkin.decisions import RuleRefused as RuleRefused


class ClaimKind(models.TextChoices):
    """The claims the city takes, by their 届書種類 (FORMATS.md)."""

    OLD_AGE = "31", "老齢基礎年金"
    DISABILITY = "32", "障害基礎年金"
    SURVIVORS = "33", "遺族基礎年金"
    WIDOW = "34", "寡婦年金"
    DEATH_LUMP_SUM = "35", "死亡一時金"
    SPECIAL_DISABILITY = "36", "特別障害給付金"
    SUPPORT = "37", "年金生活者支援給付金"


#: Claims that rest on a deceased person's record (the entry's person is the deceased).
SURVIVOR_KINDS = frozenset({ClaimKind.SURVIVORS, ClaimKind.WIDOW, ClaimKind.DEATH_LUMP_SUM})


class SupportKind(models.TextChoices):
    """給付金種別 (item 51)."""

    OLD_AGE = "1", "老齢年金生活者支援給付金"
    SUPPLEMENTARY = "2", "補足的老齢年金生活者支援給付金"
    DISABILITY = "3", "障害年金生活者支援給付金"
    SURVIVORS = "4", "遺族年金生活者支援給付金"


class PensionReceived(models.TextChoices):
    """The basic pension a 年金生活者支援給付金 claimant receives (decides the kind)."""

    OLD_AGE = "old_age", "老齢基礎年金"
    DISABILITY = "disability", "障害基礎年金"
    SURVIVORS = "survivors", "遺族基礎年金"


#: 年金コード (item 48) per claim, from DOMAIN_RULES §4 [3P]. 死亡一時金 and the 給付金 have no
#: 4-digit code in the sources: [GK] left blank until JPS's table is known.
PENSION_CODES: dict[str, str] = {
    ClaimKind.OLD_AGE: "1150",
    ClaimKind.DISABILITY: "5350",
    ClaimKind.SURVIVORS: "6450",
    ClaimKind.WIDOW: "5950",
}
PENSION_CODE_BEFORE_20 = "6350"  # 障害基礎（20歳前）


def pension_code_for(kind: str, *, before_20: bool = False) -> str:
    if kind == ClaimKind.DISABILITY and before_20:
        return PENSION_CODE_BEFORE_20
    return PENSION_CODES.get(kind, "")


@dataclass(frozen=True)
class Assessment:
    """What a check found: passed or not, the arithmetic lines, and what the record keeps."""

    passed: bool
    lines: tuple[str, ...]
    amount: int | None = None  # 死亡一時金 (yen)
    pension_code: str = ""
    support_kind: str = ""

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def yen(amount: int) -> str:
    return f"{amount:,}円"


def months(n: Fraction | int) -> str:
    value = Fraction(n)
    if value.denominator == 1:
        return f"{value.numerator}月"
    return f"{float(value):g}月"


def month_of(d: date) -> date:
    return d.replace(day=1)


def add_months(d: date, n: int) -> date:
    index = d.year * 12 + d.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def months_between(a: date, b: date) -> int:
    """Whole months from the month of `a` to the month of `b` (b − a)."""
    return (b.year - a.year) * 12 + b.month - a.month


def show_month(d: date) -> str:
    return wareki.format_month(d.year, d.month)


def _pick[T](tables: tuple[T, ...], on: date | None) -> T:
    """The row in force on `on` (every table is ordered by `effective_from`); the latest row
    when `on` is None."""
    if on is None:
        return tables[-1]
    chosen = None
    for row in tables:
        if row.effective_from <= on:  # type: ignore[attr-defined]
            chosen = row
    if chosen is None:
        raise RuleRefused(f"{wareki.format_date(on)}時点の基準は登録されていません。")
    return chosen


#: 被保険者種別 codes counted as 第1号 here (任意加入 and 特例任意加入 included).
FIRST_CATEGORY_CODES = frozenset({"1", "4", "5"})


# --- which claims the city takes ---------------------------------------------------------------
OFFICE = "熊谷年金事務所"


def taken_here(categories: set[str]) -> str:
    """'' when the city takes the claim: the insured person's record is 第1号 only (任意加入 and
    特例任意加入 count as 第1号 here); otherwise the reason the claimant goes to the 年金事務所."""
    if not categories:
        return (
            "この方の国民年金の資格の記録がありません。記録を確認できないため、"
            f"{OFFICE}で請求してください。"
        )
    other = sorted(categories - FIRST_CATEGORY_CODES)
    if other:
        labels = "・".join({"2": "第2号", "3": "第3号"}.get(c, c) for c in other)
        return (
            f"この方には{labels}被保険者の期間があります。市で受け付けるのは第1号被保険者"
            f"期間のみの方の請求です。{OFFICE}で請求してください。"
        )
    return ""


#: Every [GK] figure of the benefit rules (here, `lump_sum_rules`, `pension_rules` and
#: `support_rules`), for the table in docs/benefits.md.
GK_FIGURES = (
    ("死亡一時金 表の開始日 (昭和61年4月)", "DEATH_LUMP_SUM_TABLES"),
    ("死亡一時金 付加 +8,500円 (36月以上)", "DEATH_LUMP_SUM_TABLES"),
    ("老齢 受給資格期間10年の開始 (平成29年8月)", "OLD_AGE_TABLES"),
    ("老齢 繰上げ −0.4%/−0.5%, 繰下げ +0.7%, 75歳/70歳, 66歳から", "OLD_AGE_TABLES"),
    ("障害・遺族 直近1年の特例の期限 (令和8年3月 → 令和18年3月)", "CONTRIBUTION_TABLES"),
    ("20歳前障害 所得制限 3,704,000円・4,721,000円, 扶養1人38万円", "BEFORE_20_INCOME_TABLES"),
    ("遺族 長期要件 300月", "LONG_TERM_MONTHS"),
    ("寡婦年金 夫の期間 (平成29年8月前 300月)", "WIDOW_TABLES"),
    ("特別障害給付金 初診日の期限", "SPECIAL_DISABILITY_UNTIL"),
    ("支援給付金 所得基準・住民税非課税の基準・所得年", "SUPPORT_TABLES"),
    ("年金コード 死亡一時金・特別障害給付金・支援給付金", "PENSION_CODES"),
)
