"""The rules of the 死亡一時金 (DOMAIN_RULES.md §4): weighted months, the amount table
versioned by date and the 付加 addition. Shared pieces are in `rules.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from .rules import (
    ABOVE_THE_FORM,
    Assessment,
    ClaimKind,
    RuleRefused,
    _pick,
    months,
    yen,
)


# --- 死亡一時金 ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class DeathLumpSumTable:
    effective_from: date
    minimum_months: int  # weighted months below this: nothing is paid
    bands: tuple[tuple[int, int], ...]  # (from weighted months, amount), ascending
    additional_bonus: int  # with ≥ additional_minimum months of 付加
    additional_minimum: int


DEATH_LUMP_SUM_TABLES: tuple[DeathLumpSumTable, ...] = (
    DeathLumpSumTable(
        effective_from=date(1986, 4, 1),  # [GK] the new 国民年金法 of 昭和61年
        minimum_months=36,
        bands=(
            (36, 120_000),
            (180, 145_000),
            (240, 170_000),
            (300, 220_000),
            (360, 270_000),
            (420, 320_000),
        ),
        additional_bonus=8_500,
        additional_minimum=36,
    ),
)

#: Weights of the months (DOMAIN_RULES §4): 4分の1免除 counts 3/4, 半額 1/2, 4分の3免除 1/4.
WEIGHTS = {
    "paid": Fraction(1),
    "quarter_exempt": Fraction(3, 4),
    "half_exempt": Fraction(1, 2),
    "three_quarter_exempt": Fraction(1, 4),
}
WEIGHT_LABELS = {
    "paid": "納付済",
    "quarter_exempt": "4分の1免除",
    "half_exempt": "半額免除",
    "three_quarter_exempt": "4分の3免除",
}


def death_lump_sum_assessment(
    *,
    paid_months: int,
    quarter_exempt_months: int,
    half_exempt_months: int,
    three_quarter_exempt_months: int,
    additional_months: int,
    on: date | None = None,
) -> Assessment:
    table = _pick(DEATH_LUMP_SUM_TABLES, on)
    counts = {
        "paid": paid_months,
        "quarter_exempt": quarter_exempt_months,
        "half_exempt": half_exempt_months,
        "three_quarter_exempt": three_quarter_exempt_months,
    }
    if any(n < 0 for n in (*counts.values(), additional_months)):
        raise RuleRefused("月数は0以上で入力してください。")
    weighted = sum((WEIGHTS[k] * n for k, n in counts.items()), Fraction(0))
    terms = (
        "＋".join(f"{WEIGHT_LABELS[k]}{n}月×{WEIGHTS[k]}" for k, n in counts.items() if n) or "0月"
    )
    lines = [f"死亡一時金 月数: {terms}＝{months(weighted)}"]
    if weighted < table.minimum_months:
        lines.append(
            f"{months(weighted)} ＜ {table.minimum_months}月 → 支給されません"
            "（死亡一時金: 保険料納付済期間等36月以上）"
        )
        return Assessment(False, tuple(lines), amount=0)
    amount = 0
    band_start = table.minimum_months
    for start, value in table.bands:
        if weighted >= start:
            amount, band_start = value, start
    lines.append(f"{months(weighted)} ≧ {band_start}月 → {yen(amount)}")
    if additional_months >= table.additional_minimum:
        amount += table.additional_bonus
        lines.append(
            f"付加保険料 {additional_months}月 ≧ {table.additional_minimum}月 → "
            f"＋{yen(table.additional_bonus)}＝{yen(amount)}"
        )
    return Assessment(True, tuple(lines), amount=amount)


def death_lump_sum(
    *,
    paid_months: int,
    quarter_exempt_months: int,
    half_exempt_months: int,
    three_quarter_exempt_months: int,
    additional_months: int,
    on: date | None = None,
) -> int:
    """The 死亡一時金 in yen; 0 below 36 weighted months (DOMAIN_RULES §4)."""
    amount = death_lump_sum_assessment(
        paid_months=paid_months,
        quarter_exempt_months=quarter_exempt_months,
        half_exempt_months=half_exempt_months,
        three_quarter_exempt_months=three_quarter_exempt_months,
        additional_months=additional_months,
        on=on,
    ).amount
    return amount or 0


def death_lump_sum_check(
    *,
    assessment: Assessment,
    deceased_received_pension: bool,
    survivors_pension_payable: bool,
    other_claims: tuple[str, ...] = (),
) -> Assessment:
    """Whether a 死亡一時金 can be claimed: ≥ 36 weighted months, the deceased received neither
    老齢 nor 障害基礎年金, no 遺族基礎年金 for the same death; a 寡婦年金 for the same death is a
    choice the widow makes, shown as a conflict [GK]."""
    lines = list(assessment.lines)
    if not assessment.passed:
        raise RuleRefused(lines[-1], field="paid_months")
    if deceased_received_pension:
        raise RuleRefused(
            "亡くなった方が老齢基礎年金または障害基礎年金を受けていたため、死亡一時金は"
            "支給されません（死亡一時金の支給要件）。",
            field="deceased_received_pension",
        )
    if survivors_pension_payable or ClaimKind.SURVIVORS in other_claims:
        raise RuleRefused(
            "同じ死亡について遺族基礎年金を受けられる方がいるため、死亡一時金は支給されません"
            "（遺族基礎年金との調整）。",
            field="survivors_pension_payable",
        )
    if ClaimKind.WIDOW in other_claims:
        raise RuleRefused(
            "同じ死亡について寡婦年金の請求があります。寡婦年金と死亡一時金はどちらか一方の"
            "選択です（選択の申出を確認してください）。",
            field=ABOVE_THE_FORM,
        )
    return assessment
