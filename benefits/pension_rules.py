"""The rules of the pensions and allowances the city takes claims for (DOMAIN_RULES.md §4):
老齢・障害・遺族基礎年金, 寡婦年金, 特別障害給付金. Pure functions over tables
versioned by date; the shared pieces (`Assessment`, months, `ClaimKind`) are in `rules.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from django.db import models

from kokumin_nenkin import wareki
from qualifications.rules import age_on, age_reached_on

from .rules import (
    FIRST_CATEGORY_CODES,
    Assessment,
    ClaimKind,
    RuleRefused,
    _pick,
    add_months,
    month_of,
    months_between,
    pension_code_for,
    show_month,
    yen,
)


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
