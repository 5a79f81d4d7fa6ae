"""The income thresholds of the premium exemptions and the pre-screening (DOMAIN_RULES.md §2).

One module, one table: every amount lives in `THRESHOLD_SETS`, versioned by the first month it
applies to, never as a bare constant in the logic. Figures marked `[GK]` (general knowledge not
yet checked against an official page) are collected here so they can be corrected in one place.

The screening is a pure function: the counter staff see the same arithmetic the code used.
Income = 前年所得 (合計所得金額, income, not receipts); a class is allowed when **each** tested
person's income is **≤** that person's threshold (N = that person's 扶養親族等の数).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db import models

from kokumin_nenkin import wareki

# The one error type of the workflow rules, with the form field it belongs next to.
from kokumin_nenkin.decisions import ABOVE_THE_FORM as ABOVE_THE_FORM
from kokumin_nenkin.decisions import RuleRefused as RuleRefused


class ExemptionClass(models.TextChoices):
    """免除区分 (FORMATS.md code table; item 18)."""

    FULL = "01", "全額免除"
    THREE_QUARTERS = "02", "4分の3免除"
    HALF = "03", "半額免除"
    QUARTER = "04", "4分の1免除"
    POSTPONEMENT = "05", "納付猶予"
    STUDENT = "06", "学生納付特例"
    STATUTORY = "07", "法定免除"
    MATERNITY = "08", "産前産後免除"


#: The 申請免除 classes from the most to the least favourable ("if not 全額, the best allowed").
APPLICATION_CLASSES = (
    ExemptionClass.FULL,
    ExemptionClass.THREE_QUARTERS,
    ExemptionClass.HALF,
    ExemptionClass.QUARTER,
)
#: Classes a person applies for at the counter with an income test.
SCREENED_CLASSES = (*APPLICATION_CLASSES, ExemptionClass.POSTPONEMENT, ExemptionClass.STUDENT)


@dataclass(frozen=True)
class ThresholdSet:
    """The figures in force for periods starting on or after `effective_from` (a month's 1st)."""

    effective_from: date
    label: str
    full_per_person: int  # 全額免除・納付猶予: (N + 1) × this + full_constant
    full_constant: int
    three_quarters_base: int  # + 扶養親族等控除額 + 社会保険料控除額等
    half_base: int
    quarter_base: int
    student_base: int
    special_limit: int  # 障害者・寡婦・ひとり親: 全額免除 when income ≤ this
    sources: dict[str, str] = field(default_factory=dict)


# --- [GK] the one table to correct ------------------------------------------------------------
# 令和3年7月: the 全額免除 constant 22万 → 32万 [3P, MUNI]. The other "old" figures (78/118/158万,
# 学特 118万, 特例 125万) follow the same 10万 shift of the 令和2年度 tax reform [GK]. The 学特
# base itself is [GK] in DOMAIN_RULES.md. The first row's start (平成18年7月, when the 4分の3 and
# 4分の1 classes began) is [GK]; periods before it are refused rather than guessed.
THRESHOLD_SETS: tuple[ThresholdSet, ...] = (
    ThresholdSet(
        effective_from=date(2006, 7, 1),
        label="令和3年6月まで",
        full_per_person=350_000,
        full_constant=220_000,
        three_quarters_base=780_000,
        half_base=1_180_000,
        quarter_base=1_580_000,
        student_base=1_180_000,
        special_limit=1_250_000,
        sources={
            "effective_from": "GK",
            "full_per_person": "3P, MUNI",
            "full_constant": "3P, MUNI",
            "three_quarters_base": "GK",
            "half_base": "GK",
            "quarter_base": "GK",
            "student_base": "GK",
            "special_limit": "GK",
        },
    ),
    ThresholdSet(
        effective_from=date(2021, 7, 1),
        label="令和3年7月から",
        full_per_person=350_000,
        full_constant=320_000,
        three_quarters_base=880_000,
        half_base=1_280_000,
        quarter_base=1_680_000,
        student_base=1_280_000,
        special_limit=1_350_000,
        sources={
            "effective_from": "3P, MUNI",
            "full_per_person": "3P, MUNI",
            "full_constant": "3P, MUNI",
            "three_quarters_base": "3P, MUNI",
            "half_base": "3P, MUNI",
            "quarter_base": "3P, MUNI",
            "student_base": "GK",
            "special_limit": "3P, GK",
        },
    ),
)

#: Routes to 全額免除 whose person's own income is not counted (失業 [3P], 天災 [GK]).
INCOME_EXCLUDED_REASONS = {"失業": "失業等による特例", "天災": "天災等による特例"}

#: [GK] The 障害者・寡婦・ひとり親 route covers the 申請免除 classes and 納付猶予, not 学特.
SPECIAL_ROUTE_CLASSES = frozenset({*APPLICATION_CLASSES, ExemptionClass.POSTPONEMENT})


def thresholds_for(first_month: date) -> ThresholdSet:
    """The figures in force for a period starting in `first_month`."""
    chosen = None
    for candidate in THRESHOLD_SETS:
        if candidate.effective_from <= first_month:
            chosen = candidate
    if chosen is None:
        shown = wareki.format_month(first_month.year, first_month.month)
        raise RuleRefused(f"{shown}からの期間の所得基準は登録されていません。")
    return chosen


def yen(amount: int) -> str:
    return f"{amount:,}円"


# --- the screening ----------------------------------------------------------------------------
@dataclass(frozen=True)
class PersonIncome:
    """One tested person's 前年所得 and deductions (from the 地方税関係情報)."""

    role: str  # 本人 / 配偶者 / 世帯主
    income: int | None  # None: no income data on file
    dependents: int = 0  # N = 扶養親族等の数
    dependent_deduction: int = 0  # 扶養親族等控除額
    social_insurance_deduction: int = 0  # 社会保険料控除額等
    special_status: str = ""  # 障害者 / 寡婦 / ひとり親 (empty: none)
    excluded_reason: str = ""  # 失業 / 天災: this person's own income is not counted


@dataclass(frozen=True)
class ScreeningInput:
    first_month: date  # the first month of the period judged (a 1st of month)
    applicant: PersonIncome
    spouse: PersonIncome | None = None
    householder: PersonIncome | None = None  # None when the applicant is the householder
    student: bool = False
    under_50: bool = True


@dataclass(frozen=True)
class Threshold:
    amount: int
    formula: str  # "(0＋1)×350,000円＋320,000円＝670,000円"


@dataclass(frozen=True)
class PersonCheck:
    role: str
    income: int | None
    threshold: Threshold
    passed: bool | None  # None: cannot be judged (no income data)
    line: str


@dataclass(frozen=True)
class ClassResult:
    exemption_class: ExemptionClass
    applicable: bool  # False: not a candidate at all (e.g. 学特 for a non-student)
    allowed: bool | None  # None: undecided for lack of income data
    checks: tuple[PersonCheck, ...]
    note: str = ""

    @property
    def label(self) -> str:
        return self.exemption_class.label


@dataclass(frozen=True)
class Screening:
    thresholds: ThresholdSet
    results: tuple[ClassResult, ...]
    best: ExemptionClass | None  # the most favourable 申請免除 class allowed
    summary: str  # 全額免除相当 / 4分の3免除相当 / … / 該当なし / 判定保留
    lines: tuple[str, ...]  # the arithmetic, one line per person and class

    def result(self, exemption_class: ExemptionClass) -> ClassResult:
        return next(r for r in self.results if r.exemption_class == exemption_class)

    @property
    def allowed(self) -> tuple[ExemptionClass, ...]:
        return tuple(r.exemption_class for r in self.results if r.allowed)


def threshold_of(exemption_class: ExemptionClass, t: ThresholdSet, p: PersonIncome) -> Threshold:
    """One person's threshold for one class, with the formula as the counter reads it."""
    if exemption_class in (ExemptionClass.FULL, ExemptionClass.POSTPONEMENT):
        amount = (p.dependents + 1) * t.full_per_person + t.full_constant
        formula = (
            f"({p.dependents}＋1)×{yen(t.full_per_person)}＋{yen(t.full_constant)}＝{yen(amount)}"
        )
        return Threshold(amount, formula)
    base = {
        ExemptionClass.THREE_QUARTERS: t.three_quarters_base,
        ExemptionClass.HALF: t.half_base,
        ExemptionClass.QUARTER: t.quarter_base,
        ExemptionClass.STUDENT: t.student_base,
    }[exemption_class]
    amount = base + p.dependent_deduction + p.social_insurance_deduction
    formula = (
        f"{yen(base)}＋扶養親族等控除額{yen(p.dependent_deduction)}"
        f"＋社会保険料控除額等{yen(p.social_insurance_deduction)}＝{yen(amount)}"
    )
    return Threshold(amount, formula)


def _check(exemption_class: ExemptionClass, t: ThresholdSet, p: PersonIncome) -> PersonCheck:
    th = threshold_of(exemption_class, t, p)
    head = f"{exemption_class.label} {p.role}:"
    if p.excluded_reason:
        reason = INCOME_EXCLUDED_REASONS.get(p.excluded_reason, p.excluded_reason)
        return PersonCheck(p.role, p.income, th, True, f"{head} {reason}のため所得を審査に含めない")
    if p.income is None:
        return PersonCheck(p.role, None, th, None, f"{head} 所得情報なし（要確認）")
    if p.income <= th.amount:
        line = f"{head} 所得{yen(p.income)} ≦ 基準 {th.formula} → 該当"
        return PersonCheck(p.role, p.income, th, True, line)
    if (
        p.special_status
        and exemption_class in SPECIAL_ROUTE_CLASSES
        and p.income <= t.special_limit
    ):
        line = (
            f"{head} 所得{yen(p.income)} ＞ 基準 {th.formula}、ただし{p.special_status}の特例 "
            f"{yen(p.income)} ≦ {yen(t.special_limit)} → 該当"
        )
        return PersonCheck(p.role, p.income, th, True, line)
    line = f"{head} 所得{yen(p.income)} ＞ 基準 {th.formula} → 非該当"
    return PersonCheck(p.role, p.income, th, False, line)


def _tested(exemption_class: ExemptionClass, inp: ScreeningInput) -> list[PersonIncome]:
    if exemption_class == ExemptionClass.STUDENT:
        return [inp.applicant]  # 本人 only
    persons = [inp.applicant]
    if inp.spouse is not None:
        persons.append(inp.spouse)
    if exemption_class != ExemptionClass.POSTPONEMENT and inp.householder is not None:
        persons.append(inp.householder)  # 納付猶予: 本人・配偶者 only
    return persons


def screen(inp: ScreeningInput) -> Screening:
    """The pre-screening: which classes the income allows, with the arithmetic."""
    t = thresholds_for(inp.first_month)
    results = []
    first = wareki.format_month(inp.first_month.year, inp.first_month.month)
    lines = [f"所得基準: {t.label}の基準（{first}からの期間）"]
    for exemption_class in SCREENED_CLASSES:
        note = ""
        applicable = True
        if exemption_class == ExemptionClass.POSTPONEMENT and not inp.under_50:
            applicable, note = False, "50歳以上のため対象外"
        if exemption_class == ExemptionClass.STUDENT and not inp.student:
            applicable, note = False, "学生でないため対象外"
        if not applicable:
            results.append(ClassResult(exemption_class, False, False, (), note))
            lines.append(f"{exemption_class.label}: {note}")
            continue
        checks = tuple(_check(exemption_class, t, p) for p in _tested(exemption_class, inp))
        verdicts = [c.passed for c in checks]
        allowed: bool | None
        if False in verdicts:
            allowed = False
        elif None in verdicts:
            allowed = None
        else:
            allowed = True
        results.append(ClassResult(exemption_class, True, allowed, checks))
        lines.extend(c.line for c in checks)
    by_class = {r.exemption_class: r for r in results}
    best: ExemptionClass | None = None
    undecided = False
    for exemption_class in APPLICATION_CLASSES:
        verdict = by_class[exemption_class].allowed
        if verdict is None:
            undecided = True
            break
        if verdict:
            best = exemption_class
            break
    if undecided:
        summary = "判定保留（所得情報が不足）"
    elif best is not None:
        summary = f"{best.label}相当"
    else:
        summary = "申請免除の所得基準を超えています"
    extras = [
        f"{by_class[c].label}相当"
        for c in (ExemptionClass.POSTPONEMENT, ExemptionClass.STUDENT)
        if by_class[c].allowed
    ]
    if extras:
        summary += "（" + "・".join(extras) + "）"
    lines.append(f"事前審査の結果: {summary}")
    return Screening(t, tuple(results), best, summary, tuple(lines))
