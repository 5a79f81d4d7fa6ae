"""Period rules and refused combinations (DOMAIN_RULES.md §2–3). Pure functions.

A month is a `date` on the 1st. Every refusal raises `RuleRefused` with a Japanese message the
counter staff can read to the applicant. Items marked `[GK]` are general knowledge kept here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from kokumin_nenkin import wareki
from qualifications.rules import age_on, age_reached_on

from .rules import ABOVE_THE_FORM, APPLICATION_CLASSES, ExemptionClass, RuleRefused

# 被保険者種別 codes (FORMATS.md): the qualification history passes its current category.
CATEGORY_LABELS = {
    "1": "第1号",
    "2": "第2号",
    "3": "第3号",
    "4": "任意加入",
    "5": "特例任意加入",
}
FIRST = "1"
VOLUNTARY = "4"
SPECIAL_VOLUNTARY = "5"

REACH_BACK_MONTHS = 25  # 2 years and 1 month before the application month [NK]
MATERNITY_NOTICE_MONTHS = 6  # may be notified from 6 months before the due date [MUNI]
POSTPONEMENT_AGE_LIMIT = 50  # 納付猶予: under 50
ADDITIONAL_PREMIUM_AGE_LIMIT_VOLUNTARY = 65  # 付加: 任意加入 under 65


# --- months ---------------------------------------------------------------------------------
def month_of(d: date) -> date:
    return d.replace(day=1)


def add_months(month: date, n: int) -> date:
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def months_between(start: date, end: date) -> int:
    """Number of months from start to end, both included."""
    return (end.year - start.year) * 12 + end.month - start.month + 1


def show(month: date) -> str:
    return wareki.format_month(month.year, month.month)


@dataclass(frozen=True)
class Period:
    start: date  # first month
    end: date  # last month (included)

    @property
    def months(self) -> int:
        return months_between(self.start, self.end)

    def __str__(self) -> str:
        return f"{show(self.start)}〜{show(self.end)}"


# --- years ------------------------------------------------------------------------------------
def exemption_year_of(month: date) -> int:
    """The 免除年度 (July–June) a month belongs to, named by the year of its July."""
    return month.year if month.month >= 7 else month.year - 1


def exemption_year_period(year: int) -> Period:
    return Period(date(year, 7, 1), date(year + 1, 6, 1))


def student_year_of(month: date) -> int:
    """学生納付特例 runs April–March (a 年度) [MUNI]."""
    return wareki.fiscal_year(month)


def student_year_period(year: int) -> Period:
    return Period(date(year, 4, 1), date(year + 1, 3, 1))


def income_year_for(exemption_class: ExemptionClass, year: int) -> int:
    """The calendar year whose income judges the year: 令和6年度 (R6.7–R7.6) → 令和5年.

    For 学特 (April–March) the same previous calendar year is used [GK]."""
    return year - 1


def year_period(exemption_class: ExemptionClass, year: int) -> Period:
    if exemption_class == ExemptionClass.STUDENT:
        return student_year_period(year)
    return exemption_year_period(year)


def year_of(exemption_class: ExemptionClass, month: date) -> int:
    if exemption_class == ExemptionClass.STUDENT:
        return student_year_of(month)
    return exemption_year_of(month)


def earliest_month(applied_on: date) -> date:
    """An application reaches back 2 years and 1 month: made in 2024-04 → 2022-03 [NK]."""
    return add_months(month_of(applied_on), -REACH_BACK_MONTHS)


# --- 申請免除・納付猶予・学生納付特例 ---
def application_period(
    exemption_class: ExemptionClass, start: date, end: date, applied_on: date
) -> Period:
    """The period an application may cover, or RuleRefused naming the rule it breaks."""
    start, end = month_of(start), month_of(end)
    if exemption_class not in (
        *APPLICATION_CLASSES,
        ExemptionClass.POSTPONEMENT,
        ExemptionClass.STUDENT,
    ):
        raise RuleRefused(f"{exemption_class.label}は申請期間の対象ではありません。")
    if start > end:
        raise RuleRefused(f"始期（{show(start)}）が終期（{show(end)}）より後になっています。")
    earliest = earliest_month(applied_on)
    if start < earliest:
        raise RuleRefused(
            f"申請できるのは申請月の2年1か月前（{show(earliest)}）の分からです。"
            f"{show(start)}の分は申請できません。"
        )
    year = year_of(exemption_class, start)
    whole = year_period(exemption_class, year)
    unit = (
        "学生納付特例の年度（4月〜翌3月）"
        if (exemption_class == ExemptionClass.STUDENT)
        else "免除年度（7月〜翌6月）"
    )
    if end > whole.end:
        raise RuleRefused(
            f"申請期間は1つの{unit}の中で指定してください（{whole}）。"
            "年度をまたぐ場合は年度ごとに申請します。"
        )
    # [GK] A year can be applied for once it has begun (its income year is settled).
    current = year_of(exemption_class, month_of(applied_on))
    if year > current:
        raise RuleRefused(
            f"{show(whole.start)}からの年度分は、その年度が始まってから申請できます。"
        )
    return Period(start, end)


# --- ages -----------------------------------------------------------------------------------
def month_age_reached(birth: date, age: int) -> date:
    return month_of(age_reached_on(birth, age))


# --- refused combinations ---------------------------------------------------------------------
def check_exemption_category(
    category: str, exemption_class: ExemptionClass, name: str = ""
) -> None:
    """Exemptions are for 第1号 only: never for 任意加入 (incl. 特例任意加入) [LAW 附則5条].
    `name` says what is refused when it is more than one class (the person page's links)."""
    name = name or exemption_class.label
    if category in (VOLUNTARY, SPECIAL_VOLUNTARY):
        raise RuleRefused(
            f"{CATEGORY_LABELS[category]}被保険者の期間は{name}を"
            "申請できません（任意加入の方は保険料の免除・猶予の対象外です）。"
        )
    if category not in CATEGORY_LABELS:
        raise RuleRefused(
            f"国民年金の資格の記録がない（または喪失している）ため、{name}の"
            "対象外です。先に資格取得の届出が必要です。"
        )
    if category != FIRST:
        label = CATEGORY_LABELS[category]
        raise RuleRefused(f"{label}の方は国民年金保険料の{name}の対象外です。")


def check_exemption_months(categories: Mapping[date, str], exemption_class: ExemptionClass) -> None:
    """Every month applied for must be a 第1号 month of the person's qualification history:
    `categories` maps each month (the 1st) to its 被保険者種別 code ("" without the
    qualification). The first run of refused months is named, with the reason."""
    months = sorted(categories)
    if len(set(categories.values())) == 1:  # one state throughout: about the person
        try:
            check_exemption_category(categories[months[0]], exemption_class)
        except RuleRefused as exc:
            raise RuleRefused(str(exc), field=ABOVE_THE_FORM) from None
        return
    for i, month in enumerate(months):
        try:
            check_exemption_category(categories[month], exemption_class)
        except RuleRefused as exc:
            last = month
            for later in months[i + 1 :]:
                if categories[later] != categories[month]:
                    break
                last = later
            span = show(month) if last == month else str(Period(month, last))
            raise RuleRefused(f"{span}の分: {exc}", field=exc.field) from None


def check_postponement_age(birth: date, period: Period) -> None:
    """納付猶予 is for months before the month the applicant reaches 50 [GK: month rule]."""
    fifty = month_age_reached(birth, POSTPONEMENT_AGE_LIMIT)
    if period.start >= fifty:
        raise RuleRefused(
            "納付猶予は50歳未満の方が対象です。申請者は"
            f"{show(period.start)}の時点で50歳以上のため申請できません。"
        )
    if period.end >= fifty:
        raise RuleRefused(
            f"納付猶予は50歳未満の期間に限られます。50歳に到達する{show(fifty)}以降を"
            f"含めずに（{show(add_months(fifty, -1))}まで）申請してください。"
        )


# --- 法定免除 ---
def statutory_start(arose_on: date) -> date:
    """Exempt from the month before the month the reason arose [MUNI, LAW 89条]."""
    return add_months(month_of(arose_on), -1)


def statutory_period(arose_on: date, ended_on: date) -> Period:
    """…until the month in which the reason ends [MUNI, LAW 89条]."""
    if ended_on < arose_on:
        raise RuleRefused("消滅（不該当）年月日が該当年月日より前になっています。")
    return Period(statutory_start(arose_on), month_of(ended_on))


# --- 産前産後免除 ---
def maternity_period(due_date: date, multiple: bool) -> Period:
    """Single: 4 months from the month before the birth month; multiple: 6 from 3 before."""
    birth_month = month_of(due_date)
    if multiple:
        start = add_months(birth_month, -3)
        return Period(start, add_months(start, 5))
    start = add_months(birth_month, -1)
    return Period(start, add_months(start, 3))


def check_maternity_notification(due_date: date, notified_on: date) -> None:
    earliest = _minus_months(due_date, MATERNITY_NOTICE_MONTHS)
    if notified_on < earliest:
        raise RuleRefused(
            "産前産後期間の免除の届出は出産予定日の6か月前"
            f"（{wareki.format_date(earliest)}）からできます。"
        )


def _minus_months(d: date, n: int) -> date:
    month = add_months(month_of(d), -n)
    nxt = add_months(month, 1)
    last_day = (nxt - timedelta(days=1)).day
    return month.replace(day=min(d.day, last_day))


# --- 付加保険料 ---
# Exemptions that exclude the additional premium; 産前産後免除 counts as paid and does not.
EXCLUDES_ADDITIONAL_PREMIUM = frozenset(
    {
        *APPLICATION_CLASSES,
        ExemptionClass.POSTPONEMENT,
        ExemptionClass.STUDENT,
        ExemptionClass.STATUTORY,
    }
)


def check_additional_premium(
    *,
    category: str,
    birth: date,
    applied_on: date,
    active_exemptions: set[ExemptionClass] | frozenset[ExemptionClass] = frozenset(),
    national_pension_fund: bool = False,
) -> None:
    """付加保険料: 第1号 paying in full, and 任意加入 under 65 [MUNI, 3P]."""
    if category == SPECIAL_VOLUNTARY:
        raise RuleRefused("特例任意加入の方は付加保険料を納付できません。")
    if category == VOLUNTARY:
        if age_on(birth, applied_on) >= ADDITIONAL_PREMIUM_AGE_LIMIT_VOLUNTARY:
            raise RuleRefused("任意加入の方が付加保険料を納付できるのは65歳未満の間です。")
    elif category not in CATEGORY_LABELS:
        raise RuleRefused(
            "国民年金の資格の記録がない（または喪失している）ため、付加保険料を納付できません。"
        )
    elif category != FIRST:
        raise RuleRefused(f"{CATEGORY_LABELS[category]}の方は付加保険料を納付できません。")
    blocking = sorted(set(active_exemptions) & EXCLUDES_ADDITIONAL_PREMIUM)
    if blocking:
        names = "・".join(ExemptionClass(c).label for c in blocking)
        raise RuleRefused(
            f"{names}の期間中は付加保険料を納付できません（保険料を全額納付している方が対象です）。"
        )
    if national_pension_fund:
        raise RuleRefused("国民年金基金の加入員は付加保険料を納付できません。")


def additional_premium_start(applied_on: date, requested: date | None = None) -> date:
    """From the month of the 申出; never retroactive [MUNI]."""
    start = month_of(applied_on)
    if requested is not None and month_of(requested) < start:
        raise RuleRefused(
            f"付加保険料はさかのぼって納付できません。申出の月（{show(start)}）からになります。"
        )
    return max(start, month_of(requested)) if requested is not None else start
