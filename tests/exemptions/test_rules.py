"""The pre-screening: thresholds by date, the ≤ boundaries, who is tested for which class."""

from datetime import date

import pytest

from exemptions.rules import (
    THRESHOLD_SETS,
    ExemptionClass,
    PersonIncome,
    RuleRefused,
    ScreeningInput,
    screen,
    thresholds_for,
)

NEW = date(2024, 7, 1)  # 令和6年度
OLD = date(2020, 7, 1)  # 令和2年度, before the 令和3年7月 change
C = ExemptionClass


def applicant(income, n=0, dep=0, si=0, **kw):
    return PersonIncome("本人", income, n, dep, si, **kw)


def allowed(inp):
    return set(screen(inp).allowed)


# DOMAIN_RULES.md vector 3: 全額免除 threshold for N = 0..3 (from 令和3年7月).
@pytest.mark.parametrize(
    "n,threshold", [(0, 670_000), (1, 1_020_000), (2, 1_370_000), (3, 1_720_000)]
)
def test_full_exemption_threshold_by_dependents_and_its_boundary(n, threshold):
    at = screen(ScreeningInput(NEW, applicant(threshold, n)))
    over = screen(ScreeningInput(NEW, applicant(threshold + 1, n)))
    assert at.result(C.FULL).allowed is True
    assert at.result(C.FULL).checks[0].threshold.amount == threshold
    assert at.best == C.FULL and at.summary.startswith("全額免除相当")
    assert over.result(C.FULL).allowed is False
    assert over.best != C.FULL


def test_vector3_single_person_at_67man_qualifies_with_the_arithmetic_shown():
    s = screen(ScreeningInput(NEW, applicant(670_000)))
    assert "全額免除 本人: 所得670,000円 ≦ 基準 (0＋1)×350,000円＋320,000円＝670,000円 → 該当" in (
        s.lines
    )
    assert s.lines[-1].startswith("事前審査の結果: 全額免除相当")


@pytest.mark.parametrize(
    "first_month,n,threshold",
    [
        (OLD, 0, 570_000),  # 22万 constant: 57万 for a single person
        (OLD, 1, 920_000),
        (date(2021, 6, 1), 0, 570_000),  # the last month under the old figures
        (date(2021, 7, 1), 0, 670_000),  # 令和3年7月: 32万
        (NEW, 1, 1_020_000),
    ],
)
def test_old_and_new_full_exemption_constant_by_date(first_month, n, threshold):
    s = screen(ScreeningInput(first_month, applicant(threshold, n)))
    assert s.result(C.FULL).checks[0].threshold.amount == threshold
    assert s.result(C.FULL).allowed is True
    s = screen(ScreeningInput(first_month, applicant(threshold + 1, n)))
    assert s.result(C.FULL).allowed is False


# Partial classes: base + 扶養親族等控除額 + 社会保険料控除額等, boundary ≤.
@pytest.mark.parametrize(
    "cls,base",
    [(C.THREE_QUARTERS, 880_000), (C.HALF, 1_280_000), (C.QUARTER, 1_680_000)],
)
def test_partial_class_thresholds_include_both_deductions_at_the_boundary(cls, base):
    threshold = base + 380_000 + 250_000
    at = screen(ScreeningInput(NEW, applicant(threshold, 1, 380_000, 250_000)))
    over = screen(ScreeningInput(NEW, applicant(threshold + 1, 1, 380_000, 250_000)))
    assert at.result(cls).allowed is True
    assert at.result(cls).checks[0].threshold.amount == threshold
    assert over.result(cls).allowed is False


@pytest.mark.parametrize(
    "income,best,summary",
    [
        (670_000, C.FULL, "全額免除相当"),
        (880_000, C.THREE_QUARTERS, "4分の3免除相当"),
        (1_280_000, C.HALF, "半額免除相当"),
        (1_680_000, C.QUARTER, "4分の1免除相当"),
        (1_680_001, None, "申請免除の所得基準を超えています"),
    ],
)
def test_best_class_allowed_is_reported(income, best, summary):
    s = screen(ScreeningInput(NEW, applicant(income)))
    assert s.best == best
    assert s.summary.startswith(summary)


def test_each_tested_person_must_pass_the_spouse_and_householder_count_for_exemptions():
    inp = ScreeningInput(
        NEW,
        applicant(0),
        spouse=PersonIncome("配偶者", 600_000),
        householder=PersonIncome("世帯主", 3_000_000),
    )
    s = screen(inp)
    assert s.result(C.FULL).allowed is False  # the householder's income is too high
    assert s.best is None
    # 納付猶予 tests 本人・配偶者 only: the householder's income does not count.
    assert s.result(C.POSTPONEMENT).allowed is True
    assert [c.role for c in s.result(C.POSTPONEMENT).checks] == ["本人", "配偶者"]
    assert "納付猶予相当" in s.summary


def test_spouse_over_the_line_blocks_even_postponement():
    s = screen(ScreeningInput(NEW, applicant(0), spouse=PersonIncome("配偶者", 670_001)))
    assert s.result(C.POSTPONEMENT).allowed is False
    assert s.result(C.FULL).allowed is False


def test_student_special_payment_tests_the_student_only():
    inp = ScreeningInput(
        NEW,
        applicant(1_280_000),
        householder=PersonIncome("世帯主", 9_000_000),
        student=True,
    )
    s = screen(inp)
    assert s.result(C.STUDENT).allowed is True
    assert [c.role for c in s.result(C.STUDENT).checks] == ["本人"]
    assert s.result(C.HALF).allowed is False
    over = screen(ScreeningInput(NEW, applicant(1_280_001), student=True))
    assert over.result(C.STUDENT).allowed is False


def test_student_and_postponement_are_not_candidates_when_flags_say_so():
    s = screen(ScreeningInput(NEW, applicant(0), student=False, under_50=False))
    assert s.result(C.STUDENT).applicable is False
    assert s.result(C.POSTPONEMENT).applicable is False
    assert "50歳以上のため対象外" in "\n".join(s.lines)
    assert C.POSTPONEMENT not in s.allowed and C.STUDENT not in s.allowed


@pytest.mark.parametrize("status", ["障害者", "寡婦", "ひとり親"])
def test_disability_widow_single_parent_route_up_to_135man(status):
    at = screen(ScreeningInput(NEW, applicant(1_350_000, special_status=status)))
    assert at.result(C.FULL).allowed is True
    assert f"{status}の特例" in at.result(C.FULL).checks[0].line
    over = screen(ScreeningInput(NEW, applicant(1_350_001, special_status=status)))
    assert over.result(C.FULL).allowed is False
    assert over.best == C.QUARTER
    plain = screen(ScreeningInput(NEW, applicant(1_350_000)))
    assert plain.result(C.FULL).allowed is False


def test_unemployed_persons_own_income_is_not_counted_but_the_others_are():
    inp = ScreeningInput(
        NEW,
        applicant(5_000_000, excluded_reason="失業"),
        householder=PersonIncome("世帯主", 500_000),
    )
    s = screen(inp)
    assert s.best == C.FULL
    assert "失業等による特例のため所得を審査に含めない" in s.result(C.FULL).checks[0].line
    blocked = ScreeningInput(
        NEW,
        applicant(5_000_000, excluded_reason="失業"),
        householder=PersonIncome("世帯主", 5_000_000),
    )
    assert screen(blocked).best is None


def test_missing_income_leaves_the_result_undecided_not_allowed():
    s = screen(ScreeningInput(NEW, applicant(0), spouse=PersonIncome("配偶者", None)))
    assert s.result(C.FULL).allowed is None
    assert s.best is None
    assert s.summary.startswith("判定保留")
    assert "配偶者: 所得情報なし（要確認）" in "\n".join(s.lines)


def test_threshold_sets_are_ordered_and_a_period_before_the_first_is_refused():
    starts = [t.effective_from for t in THRESHOLD_SETS]
    assert starts == sorted(starts)
    assert all(t.sources for t in THRESHOLD_SETS)
    assert thresholds_for(date(2021, 7, 1)).full_constant == 320_000
    assert thresholds_for(date(2021, 6, 1)).full_constant == 220_000
    with pytest.raises(RuleRefused, match="所得基準は登録されていません"):
        thresholds_for(date(2000, 7, 1))
