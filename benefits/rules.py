"""The rules of the benefit claims the city takes (DOMAIN_RULES.md §4): pure functions.

Every figure that changes by law sits in a table versioned by the date it takes effect
(`*_TABLES`), never as a bare constant in the logic. Figures marked `[GK]` (general knowledge
not yet checked against an official page) are listed in `GK_FIGURES` at the end, so a
correction is one edit. Each check returns an `Assessment`: whether the claim passes, and the
arithmetic the counter staff see, one line per step; a refusal raises `RuleRefused` naming the
rule and the form field it belongs next to.

Longer than our usual 400 lines on purpose: the seven kinds share the month arithmetic, the
versioned tables and `Assessment`, and one module keeps their table-driven tests side by side.
Split it by kind when one of them grows its own helpers.
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
from qualifications.rules import age_on, age_reached_on


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


# --- 老齢基礎年金 --------------------------------------------------------------------------------
@dataclass(frozen=True)
class OldAgeTable:
    effective_from: date
    minimum_months: int  # 納付済 + 免除 + 合算対象
    earliest_age: int  # 繰上げ from
    normal_age: int
    # (born on or after, monthly rate in 1/1000) — the rate of the latest row the birth reaches
    early_rates: tuple[tuple[date, int], ...]
    late_rate: int  # 1/1000 per month
    # (born on or after, latest age to defer to)
    latest_ages: tuple[tuple[date, int], ...]
    minimum_deferral_months: int


OLD_AGE_TABLES: tuple[OldAgeTable, ...] = (
    OldAgeTable(
        effective_from=date(2017, 8, 1),  # [GK] 受給資格期間 25年 → 10年
        minimum_months=120,
        earliest_age=60,
        normal_age=65,
        early_rates=((date(1900, 1, 1), 5), (date(1962, 4, 2), 4)),  # −0.5 % / −0.4 % [GK]
        late_rate=7,  # +0.7 % [GK]
        latest_ages=((date(1900, 1, 1), 70), (date(1952, 4, 2), 75)),  # [GK]
        minimum_deferral_months=12,  # [GK] 繰下げ from 66
    ),
)


def _by_birth[T](rows: tuple[tuple[date, T], ...], birth: date) -> T:
    chosen = rows[0][1]
    for since, value in rows:
        if birth >= since:
            chosen = value
    return chosen


def normal_start_month(birth: date, age: int = 65) -> date:
    """The pension starts the month after the month the age is reached."""
    return add_months(month_of(age_reached_on(birth, age)), 1)


def old_age_assessment(
    *,
    birth: date,
    claimed_on: date,
    start_month: date,
    paid_months: int,
    exempt_months: int,
    kara_months: int,
    held_first_months: int | None = None,
    held_exempt_months: int | None = None,
) -> Assessment:
    """老齢基礎年金: 納付済 + 免除 + 合算対象 ≥ 120 months; 繰上げ from 60 (−0.4 % a month, −0.5 %
    born before 1962-04-02), 繰下げ to 75 (+0.7 % a month; to 70 born before 1952-04-02)."""
    table = _pick(OLD_AGE_TABLES, claimed_on)
    total = paid_months + exempt_months + kara_months
    lines = [
        f"受給資格期間: 納付済{paid_months}月＋免除{exempt_months}月＋合算対象{kara_months}月"
        f"＝{total}月（日本年金機構の記録から入力）"
    ]
    if held_first_months is not None:
        lines.append(
            f"この市の記録: 第1号・任意加入の月 {held_first_months}月、"
            f"免除の承認 {held_exempt_months or 0}月（参考・並べて確認）"
        )
    if total < table.minimum_months:
        raise RuleRefused(
            f"受給資格期間 {total}月 ＜ {table.minimum_months}月: 老齢基礎年金の受給資格期間"
            f"（{table.minimum_months // 12}年）を満たしていません。",
            field="paid_months",
        )
    lines.append(f"{total}月 ≧ {table.minimum_months}月 → 受給資格期間を満たします")
    normal = normal_start_month(birth, table.normal_age)
    earliest = normal_start_month(birth, table.earliest_age)
    latest_age = _by_birth(table.latest_ages, birth)
    latest = normal_start_month(birth, latest_age)
    start = month_of(start_month)
    if start < earliest:
        raise RuleRefused(
            f"受給開始 {show_month(start)} は{table.earliest_age}歳到達の翌月"
            f"（{show_month(earliest)}）より前です（繰上げは{table.earliest_age}歳から）。",
            field="start_month",
        )
    if start > latest:
        raise RuleRefused(
            f"受給開始 {show_month(start)} は{latest_age}歳到達の翌月（{show_month(latest)}）"
            f"より後です（繰下げは{latest_age}歳まで）。",
            field="start_month",
        )
    diff = months_between(normal, start)
    if diff < 0:
        rate = _by_birth(table.early_rates, birth)
        total_rate = Fraction(rate * diff, 10)
        lines.append(
            f"繰上げ: {show_month(start)}から（{table.normal_age}歳 {show_month(normal)} の"
            f"{-diff}月前）: {-diff}月×{Fraction(rate, 10)}%＝{float(-total_rate):g}%減額"
        )
    elif 0 < diff < table.minimum_deferral_months:
        raise RuleRefused(
            f"繰下げは{table.normal_age}歳到達から{table.minimum_deferral_months}月以上後から"
            f"です（{show_month(add_months(normal, table.minimum_deferral_months))}以降）。",
            field="start_month",
        )
    elif diff > 0:
        total_rate = Fraction(table.late_rate * diff, 10)
        lines.append(
            f"繰下げ: {show_month(start)}から（{show_month(normal)}の{diff}月後）: "
            f"{diff}月×{Fraction(table.late_rate, 10)}%＝{float(total_rate):g}%増額"
        )
    else:
        lines.append(f"{table.normal_age}歳から: {show_month(normal)}分から（増減なし）")
    return Assessment(True, tuple(lines), pension_code=pension_code_for(ClaimKind.OLD_AGE))


def adjustment_percent(birth: date, start_month: date) -> Fraction:
    """The monthly reduction (negative) or increase of 繰上げ / 繰下げ, in percent."""
    table = OLD_AGE_TABLES[-1]
    diff = months_between(normal_start_month(birth, table.normal_age), month_of(start_month))
    if diff < 0:
        return Fraction(_by_birth(table.early_rates, birth) * diff, 10)
    return Fraction(table.late_rate * diff, 10)


# --- 障害基礎年金・遺族基礎年金: the contribution requirement -----------------------------------
@dataclass(frozen=True)
class ContributionTable:
    effective_from: date
    special_rule_until: date  # the recent-12-months rule applies to 初診日 / 死亡日 up to this
    special_rule_age_limit: int


CONTRIBUTION_TABLES: tuple[ContributionTable, ...] = (
    ContributionTable(date(1986, 4, 1), date(2026, 3, 31), 65),  # [GK]
    # The 2025 reform extended the special rule to 令和18年3月31日 [3P, GK].
    ContributionTable(date(2025, 6, 20), date(2036, 3, 31), 65),
)


def contribution_requirement(
    *,
    judged_on: date,
    age: int,
    insured_months: int,
    paid_exempt_months: int,
    unpaid_recent: bool,
    what: str,
) -> list[str]:
    """paid + exempt ≥ 2/3 of the insured months up to the month before last; or the special
    rule (no unpaid month in the 12 months up to the month before last, under 65, while in
    force). Exempt months count as paid here. Returns the lines; RuleRefused when not met."""
    table = _pick(CONTRIBUTION_TABLES, judged_on)
    if paid_exempt_months > insured_months:
        raise RuleRefused(
            "納付済・免除の月数が被保険者期間の月数を超えています。", field="paid_exempt_months"
        )
    lines = []
    if insured_months == 0 or paid_exempt_months * 3 >= insured_months * 2:
        lines.append(
            f"保険料納付要件: 納付済＋免除 {paid_exempt_months}月 ≧ 被保険者期間 "
            f"{insured_months}月×2/3 → 満たします"
        )
        return lines
    lines.append(
        f"保険料納付要件: 納付済＋免除 {paid_exempt_months}月 ＜ 被保険者期間 "
        f"{insured_months}月×2/3"
    )
    special = judged_on <= table.special_rule_until and age < table.special_rule_age_limit
    if special and not unpaid_recent:
        lines.append(
            f"特例: 直近1年間に未納なし（{wareki.format_date(table.special_rule_until)}までの"
            f"{what}、{table.special_rule_age_limit}歳未満）→ 満たします"
        )
        return lines
    reason = "直近1年間に未納があります" if special else "直近1年の特例の対象外です"
    raise RuleRefused(
        f"保険料納付要件を満たしません（3分の2要件を満たさず、{reason}）。",
        field="paid_exempt_months",
    )


# --- 障害基礎年金 --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Before20IncomeTable:
    effective_from: date
    half_stop: int  # 前年所得 above this: half stopped (単身, + per_dependent × N)
    full_stop: int
    per_dependent: int


BEFORE_20_INCOME_TABLES: tuple[Before20IncomeTable, ...] = (
    Before20IncomeTable(date(2021, 8, 1), 3_704_000, 4_721_000, 380_000),  # [GK]
)

#: 被保険者種別 in which a 初診日 falls "while insured" for the city's claims.
FIRST_CATEGORY_CODES = frozenset({"1", "4", "5"})


def disability_assessment(
    *,
    birth: date,
    first_visit_on: date,
    category_on_first_visit: str,
    lived_in_japan: bool,
    insured_months: int,
    paid_exempt_months: int,
    unpaid_recent: bool,
    income: int | None = None,
    dependents: int = 0,
) -> Assessment:
    """障害基礎年金: 初診日 while 第1号, before 20 (20歳前障害, income limit), or at 60–64 living
    in Japan after the insurance ended; then the contribution requirement (not for 20歳前)."""
    age = age_on(birth, first_visit_on)
    lines = [f"初診日 {wareki.format_date(first_visit_on)}（{age}歳）"]
    before_20 = age < 20 and category_on_first_visit not in FIRST_CATEGORY_CODES
    if before_20:
        lines.append("20歳前の初診日: 20歳前障害（保険料納付要件なし・所得制限あり）")
        table = _pick(BEFORE_20_INCOME_TABLES, None)
        half = table.half_stop + table.per_dependent * dependents
        full = table.full_stop + table.per_dependent * dependents
        if income is None:
            lines.append("所得制限: 所得情報がありません（要確認）")
        elif income > full:
            lines.append(f"所得制限: 所得{yen(income)} ＞ {yen(full)} → 全額支給停止")
        elif income > half:
            lines.append(f"所得制限: 所得{yen(income)} ＞ {yen(half)} → 2分の1支給停止")
        else:
            lines.append(f"所得制限: 所得{yen(income)} ≦ {yen(half)} → 支給停止なし")
        return Assessment(
            True,
            tuple(lines),
            pension_code=pension_code_for(ClaimKind.DISABILITY, before_20=True),
        )
    if category_on_first_visit in FIRST_CATEGORY_CODES:
        lines.append("初診日に第1号被保険者（任意加入を含む）")
    elif 60 <= age <= 64 and lived_in_japan and category_on_first_visit == "":
        lines.append("初診日に60歳以上65歳未満で日本国内に住所あり（被保険者であった方）")
    else:
        raise RuleRefused(
            "初診日に第1号被保険者ではなく、20歳前でも60〜64歳の国内居住でもありません"
            "（障害基礎年金の初診日要件）。年金事務所でご相談ください。",
            field="first_visit_on",
        )
    lines += contribution_requirement(
        judged_on=first_visit_on,
        age=age,
        insured_months=insured_months,
        paid_exempt_months=paid_exempt_months,
        unpaid_recent=unpaid_recent,
        what="初診日",
    )
    return Assessment(True, tuple(lines), pension_code=pension_code_for(ClaimKind.DISABILITY))


# --- 遺族基礎年金 --------------------------------------------------------------------------------
#: [GK] a deceased with ≥ 300 months (25 years) had the 老齢基礎年金 entitlement (長期要件).
LONG_TERM_MONTHS = 300
CHILD_AGE_LIMIT_NOTE = "18歳到達年度末まで（障害等級1・2級の子は20歳未満）"


def survivors_assessment(
    *,
    deceased_birth: date,
    death_on: date,
    category_at_death: str,
    lived_in_japan: bool,
    insured_months: int,
    paid_exempt_months: int,
    unpaid_recent: bool,
    qualifying_months: int,
    relationship: str,
    children: int,
) -> Assessment:
    """遺族基礎年金: the deceased (insured at death, or 60–64 living in Japan, with the
    contribution requirement; or the long-term requirement) and the survivor (a spouse with a
    child, or a child)."""
    age = age_on(deceased_birth, death_on)
    lines = [f"死亡日 {wareki.format_date(death_on)}（{age}歳）"]
    if qualifying_months >= LONG_TERM_MONTHS:
        lines.append(
            f"長期要件: 受給資格期間 {qualifying_months}月 ≧ {LONG_TERM_MONTHS}月 → 満たします"
        )
    else:
        if category_at_death in FIRST_CATEGORY_CODES:
            lines.append("死亡日に第1号被保険者（任意加入を含む）")
        elif 60 <= age <= 64 and lived_in_japan:
            lines.append("死亡日に60歳以上65歳未満で日本国内に住所あり")
        else:
            raise RuleRefused(
                "亡くなった方が死亡日に被保険者でなく、60〜64歳の国内居住でもなく、受給資格期間"
                f"も{LONG_TERM_MONTHS}月に足りません（遺族基礎年金の死亡者の要件）。",
                field="death_on",
            )
        lines += contribution_requirement(
            judged_on=death_on,
            age=age,
            insured_months=insured_months,
            paid_exempt_months=paid_exempt_months,
            unpaid_recent=unpaid_recent,
            what="死亡日",
        )
    if relationship not in ("配偶者", "子"):
        raise RuleRefused(
            "遺族基礎年金を請求できるのは子のある配偶者または子です（遺族の範囲）。",
            field="relationship",
        )
    if children < 1:
        raise RuleRefused(
            f"対象となる子（{CHILD_AGE_LIMIT_NOTE}）がいません（遺族の範囲）。",
            field="children",
        )
    lines.append(f"遺族: {relationship}、対象となる子 {children}人（{CHILD_AGE_LIMIT_NOTE}）")
    return Assessment(True, tuple(lines), pension_code=pension_code_for(ClaimKind.SURVIVORS))


# --- 寡婦年金 -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class WidowTable:
    effective_from: date
    husband_minimum_months: int  # 第1号 paid + exempt
    marriage_minimum_years: int
    paid_from_age: int
    paid_until_age: int


WIDOW_TABLES: tuple[WidowTable, ...] = (
    WidowTable(date(1986, 4, 1), 300, 10, 60, 65),  # [GK] 25年 before the 10-year reform
    WidowTable(date(2017, 8, 1), 120, 10, 60, 65),  # [GK]
)


def widow_assessment(
    *,
    widow_birth: date,
    death_on: date,
    husband_first_months: int,
    husband_received_pension: bool,
    married_years: int,
    maintained: bool,
) -> Assessment:
    """寡婦年金: the husband had ≥ 120 months of 第1号 paid + exempt months and received neither
    老齢 nor 障害基礎年金; married ≥ 10 years and maintained by him; paid from 60 to 65."""
    table = _pick(WIDOW_TABLES, death_on)
    lines = []
    if husband_first_months < table.husband_minimum_months:
        raise RuleRefused(
            f"夫の第1号の納付済＋免除 {husband_first_months}月 ＜ {table.husband_minimum_months}月"
            "（寡婦年金の夫の要件）。",
            field="husband_first_months",
        )
    lines.append(
        f"夫の第1号の納付済＋免除 {husband_first_months}月 ≧ {table.husband_minimum_months}月"
    )
    if husband_received_pension:
        raise RuleRefused(
            "夫が老齢基礎年金または障害基礎年金を受けていました（寡婦年金の夫の要件）。",
            field="husband_received_pension",
        )
    if married_years < table.marriage_minimum_years:
        raise RuleRefused(
            f"婚姻期間 {married_years}年 ＜ {table.marriage_minimum_years}年"
            "（寡婦年金の婚姻期間の要件）。",
            field="married_years",
        )
    if not maintained:
        raise RuleRefused(
            "夫に生計を維持されていた妻に限ります（寡婦年金の生計維持の要件）。",
            field="maintained",
        )
    lines.append(f"婚姻期間 {married_years}年 ≧ {table.marriage_minimum_years}年、生計維持あり")
    end = month_of(age_reached_on(widow_birth, table.paid_until_age))
    if death_on >= age_reached_on(widow_birth, table.paid_until_age):
        raise RuleRefused(
            f"夫の死亡時に妻が{table.paid_until_age}歳以上です（寡婦年金は"
            f"{table.paid_from_age}歳から{table.paid_until_age}歳まで）。",
            field="death_on",
        )
    start = max(
        normal_start_month(widow_birth, table.paid_from_age),
        add_months(month_of(death_on), 1),
    )
    lines.append(
        f"支給期間: {show_month(start)}から{show_month(end)}まで"
        f"（{table.paid_from_age}歳から{table.paid_until_age}歳まで）; 額は夫の第1号期間の"
        "老齢基礎年金額の4分の3。死亡一時金とはどちらか一方の選択"
    )
    return Assessment(True, tuple(lines), pension_code=pension_code_for(ClaimKind.WIDOW))


# --- 特別障害給付金 ------------------------------------------------------------------------------
class SpecialDisabilityReason(models.TextChoices):
    STUDENT = "student", "任意加入しなかった学生（平成3年3月以前）"
    SPOUSE = "spouse", "任意加入しなかった被用者等の配偶者（昭和61年3月以前）"


#: The last 初診日 of each route [GK], and the claim age limit.
SPECIAL_DISABILITY_UNTIL = {
    SpecialDisabilityReason.STUDENT: date(1991, 3, 31),
    SpecialDisabilityReason.SPOUSE: date(1986, 3, 31),
}
SPECIAL_DISABILITY_CLAIM_AGE = 65


def special_disability_assessment(
    *, birth: date, first_visit_on: date, reason: str, grade: str, claimed_on: date
) -> Assessment:
    """特別障害給付金: 初診日 while 任意加入 was optional and not taken, now 障害等級 1 or 2,
    claimed before 65."""
    until = SPECIAL_DISABILITY_UNTIL[SpecialDisabilityReason(reason)]
    if first_visit_on > until:
        raise RuleRefused(
            f"初診日 {wareki.format_date(first_visit_on)} は{wareki.format_date(until)}より後です"
            "（特別障害給付金の初診日の要件）。",
            field="first_visit_on",
        )
    if grade not in ("1", "2"):
        raise RuleRefused("障害等級1級または2級に限ります。", field="grade")
    age = age_on(birth, claimed_on)
    if age >= SPECIAL_DISABILITY_CLAIM_AGE:
        raise RuleRefused(
            f"請求日に{age}歳です（特別障害給付金は{SPECIAL_DISABILITY_CLAIM_AGE}歳に達する日の"
            "前日までに請求）。",
            field="claimed_on",
        )
    lines = (
        f"初診日 {wareki.format_date(first_visit_on)} ≦ {wareki.format_date(until)}"
        f"（{SpecialDisabilityReason(reason).label}）",
        f"障害等級 {grade}級、請求日 {age}歳",
    )
    return Assessment(True, lines)


# --- 年金生活者支援給付金 ------------------------------------------------------------------------
@dataclass(frozen=True)
class SupportTable:
    """Thresholds in force from one October to the next September [GK figures]."""

    effective_from: date  # an October 1st
    old_age_limit: int  # 公的年金等の収入額 + その他の所得 ≤ this: 老齢
    supplementary_limit: int  # ≤ this: 補足的老齢
    disability_survivors_limit: int  # 前年所得 ≤ this (+ per_dependent × N)
    per_dependent: int
    # 住民税非課税 [GK]: 合計所得 ≤ exempt_single (no dependents), or
    # ≤ exempt_per_person × (N + 1) + exempt_constant (with dependents)
    exempt_single: int
    exempt_per_person: int
    exempt_constant: int


SUPPORT_TABLES: tuple[SupportTable, ...] = (
    SupportTable(
        date(2023, 10, 1), 778_900, 878_900, 4_721_000, 380_000, 450_000, 350_000, 310_000
    ),
    SupportTable(
        date(2024, 10, 1), 809_000, 889_300, 4_721_000, 380_000, 450_000, 350_000, 310_000
    ),
    SupportTable(
        date(2025, 10, 1), 809_000, 889_300, 4_794_000, 380_000, 450_000, 350_000, 310_000
    ),
)
SUPPORT_OLD_AGE_FROM = 65


def support_income_year(claimed_on: date) -> int:
    """Claims from October Y to September Y+1 are judged on the income of year Y−1 [GK]."""
    return claimed_on.year - 1 if claimed_on.month >= 10 else claimed_on.year - 2


def support_claim_year(claimed_on: date) -> int:
    """請求年度 (item 55): the 年度 (April–March) of the claim date."""
    return wareki.fiscal_year(claimed_on)


@dataclass(frozen=True)
class HouseholdIncome:
    role: str  # 本人 / 配偶者 / 世帯主 / 世帯員
    income: int | None
    dependents: int = 0


def tax_exempt(member: HouseholdIncome, table: SupportTable) -> tuple[bool | None, str]:
    if member.income is None:
        return None, f"{member.role}: 所得情報がありません（住民税の課税状況は要確認）"
    if member.dependents:
        limit = table.exempt_per_person * (member.dependents + 1) + table.exempt_constant
        formula = (
            f"({member.dependents}＋1)×{yen(table.exempt_per_person)}＋"
            f"{yen(table.exempt_constant)}＝{yen(limit)}"
        )
    else:
        limit, formula = table.exempt_single, yen(table.exempt_single)
    ok = member.income <= limit
    mark = "≦" if ok else "＞"
    verdict = "非課税相当" if ok else "課税相当"
    return ok, f"{member.role}: 所得{yen(member.income)} {mark} {formula} → {verdict}"


def support_assessment(
    *,
    birth: date,
    claimed_on: date,
    pension_received: str,
    pension_receipts: int,
    pension_misc_income: int,
    household: tuple[HouseholdIncome, ...],
) -> Assessment:
    """年金生活者支援給付金: the kind from the pension received; the income test from the
    incomes the city holds (F4) and the household's tax status (老齢: everyone 非課税).
    `household[0]` is the claimant. Thresholds reset each October."""
    table = _pick(SUPPORT_TABLES, claimed_on)
    claimant = household[0]
    year = support_income_year(claimed_on)
    lines = [
        f"判定に使う所得: {year}年（{show_month(table.effective_from)}からの基準）",
    ]
    received = PensionReceived(pension_received)
    if claimant.income is None:
        raise RuleRefused(
            f"請求者の{year}年の所得情報がありません。所得の確認ができるまで受け付けられません。",
            field=ABOVE_THE_FORM,
        )
    if received in (PensionReceived.DISABILITY, PensionReceived.SURVIVORS):
        limit = table.disability_survivors_limit + table.per_dependent * claimant.dependents
        kind = (
            SupportKind.DISABILITY
            if received == PensionReceived.DISABILITY
            else SupportKind.SURVIVORS
        )
        formula = (
            f"{yen(table.disability_survivors_limit)}＋{claimant.dependents}×"
            f"{yen(table.per_dependent)}＝{yen(limit)}"
        )
        if claimant.income > limit:
            raise RuleRefused(
                f"前年所得 {yen(claimant.income)} ＞ {formula}（{kind.label}の所得基準）。",
                field="pension_received",
            )
        lines.append(f"前年所得 {yen(claimant.income)} ≦ {formula} → {kind.label}")
        return Assessment(True, tuple(lines), support_kind=kind)
    age = age_on(birth, claimed_on)
    if age < SUPPORT_OLD_AGE_FROM:
        raise RuleRefused(
            f"請求日に{age}歳です（老齢年金生活者支援給付金は{SUPPORT_OLD_AGE_FROM}歳以上）。",
            field="claimed_on",
        )
    statuses = [tax_exempt(m, table) for m in household]
    lines += [line for _, line in statuses]
    if any(ok is False for ok, _ in statuses):
        raise RuleRefused(
            "世帯に住民税が課税される方がいます（老齢年金生活者支援給付金は世帯全員が"
            "市町村民税非課税）。",
            field=ABOVE_THE_FORM,
        )
    if any(ok is None for ok, _ in statuses):
        lines.append("世帯の課税状況: 所得情報のない方がいます（要確認）")
    other = max(claimant.income - pension_misc_income, 0)
    total = pension_receipts + other
    formula = (
        f"公的年金等の収入額{yen(pension_receipts)}＋その他の所得"
        f"（{yen(claimant.income)}−公的年金等に係る雑所得{yen(pension_misc_income)}）"
        f"＝{yen(total)}"
    )
    if total <= table.old_age_limit:
        lines.append(f"{formula} ≦ {yen(table.old_age_limit)} → 老齢年金生活者支援給付金")
        return Assessment(True, tuple(lines), support_kind=SupportKind.OLD_AGE)
    if total <= table.supplementary_limit:
        lines.append(
            f"{formula} ≦ {yen(table.supplementary_limit)} → 補足的老齢年金生活者支援給付金"
        )
        return Assessment(True, tuple(lines), support_kind=SupportKind.SUPPLEMENTARY)
    raise RuleRefused(
        f"{formula} ＞ {yen(table.supplementary_limit)}（年金生活者支援給付金の所得基準）。",
        field="pension_receipts",
    )


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


#: Every [GK] figure of this module, for the table in docs/benefits.md.
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
