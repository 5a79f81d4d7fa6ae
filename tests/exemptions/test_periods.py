"""Period rules of DOMAIN_RULES.md §2–3 and the combinations the counter must refuse."""

from datetime import date

import pytest

from exemptions.periods import (
    Period,
    additional_premium_start,
    age_reached_on,
    application_period,
    check_additional_premium,
    check_exemption_category,
    check_maternity_notification,
    check_postponement_age,
    earliest_month,
    exemption_year_of,
    exemption_year_period,
    income_year_for,
    maternity_period,
    statutory_period,
    statutory_start,
    student_year_of,
)
from exemptions.rules import ExemptionClass, RuleRefused

C = ExemptionClass
d = date


@pytest.mark.parametrize(
    "month,year",
    [(d(2024, 7, 1), 2024), (d(2025, 6, 1), 2024), (d(2024, 6, 1), 2023), (d(2025, 1, 1), 2024)],
)
def test_exemption_year_runs_july_to_june(month, year):
    assert exemption_year_of(month) == year


def test_exemption_year_is_judged_on_the_previous_calendar_years_income():
    # 令和6年度 = R6.7–R7.6 uses 令和5年 income.
    assert exemption_year_period(2024) == Period(d(2024, 7, 1), d(2025, 6, 1))
    assert income_year_for(C.FULL, 2024) == 2023
    assert str(exemption_year_period(2024)) == "令和6年7月〜令和7年6月"


@pytest.mark.parametrize(
    "month,year", [(d(2024, 4, 1), 2024), (d(2025, 3, 1), 2024), (d(2024, 3, 1), 2023)]
)
def test_student_year_runs_april_to_march(month, year):
    assert student_year_of(month) == year


# Vector 4: an application made in 2024-04 can reach back to 2022-03.
@pytest.mark.parametrize(
    "applied_on,earliest",
    [
        (d(2024, 4, 1), d(2022, 3, 1)),
        (d(2024, 4, 30), d(2022, 3, 1)),
        (d(2025, 1, 15), d(2022, 12, 1)),
    ],
)
def test_applications_reach_back_two_years_and_one_month(applied_on, earliest):
    assert earliest_month(applied_on) == earliest


def test_the_earliest_month_is_accepted_and_the_month_before_refused():
    applied = d(2024, 4, 10)
    assert application_period(C.FULL, d(2022, 3, 1), d(2022, 6, 1), applied).months == 4
    with pytest.raises(RuleRefused, match=r"2年1か月前（令和4年3月）の分からです"):
        application_period(C.FULL, d(2022, 2, 1), d(2022, 6, 1), applied)


def test_an_exemption_period_stays_inside_one_exemption_year():
    with pytest.raises(RuleRefused, match=r"免除年度（7月〜翌6月）.*令和5年7月〜令和6年6月"):
        application_period(C.FULL, d(2023, 7, 1), d(2024, 7, 1), d(2024, 8, 1))
    assert application_period(C.HALF, d(2023, 7, 1), d(2024, 6, 1), d(2024, 8, 1)).months == 12


def test_a_student_period_stays_inside_april_to_march():
    with pytest.raises(RuleRefused, match=r"学生納付特例の年度（4月〜翌3月）"):
        application_period(C.STUDENT, d(2024, 1, 1), d(2024, 6, 1), d(2024, 5, 1))
    assert application_period(C.STUDENT, d(2024, 4, 1), d(2025, 3, 1), d(2024, 5, 1)).months == 12


def test_a_year_not_yet_begun_and_a_reversed_period_are_refused():
    with pytest.raises(RuleRefused, match="その年度が始まってから"):
        application_period(C.FULL, d(2024, 7, 1), d(2025, 6, 1), d(2024, 6, 20))
    with pytest.raises(RuleRefused, match="始期（令和6年9月）が終期（令和6年8月）より後"):
        application_period(C.FULL, d(2024, 9, 1), d(2024, 8, 1), d(2024, 9, 20))


def test_statutory_exemption_starts_the_month_before_the_reason_arose():
    assert statutory_start(d(2025, 4, 10)) == d(2025, 3, 1)
    assert statutory_start(d(2025, 1, 1)) == d(2024, 12, 1)
    assert statutory_period(d(2025, 4, 10), d(2025, 9, 30)) == Period(d(2025, 3, 1), d(2025, 9, 1))
    with pytest.raises(RuleRefused, match="該当年月日より前"):
        statutory_period(d(2025, 4, 10), d(2025, 4, 9))


# Vector 5 and the multiple-pregnancy rule.
@pytest.mark.parametrize(
    "due,multiple,start,end,months",
    [
        (d(2025, 8, 15), False, d(2025, 7, 1), d(2025, 10, 1), 4),
        (d(2025, 8, 15), True, d(2025, 5, 1), d(2025, 10, 1), 6),
        (d(2026, 1, 3), False, d(2025, 12, 1), d(2026, 3, 1), 4),
        (d(2026, 2, 1), True, d(2025, 11, 1), d(2026, 4, 1), 6),
    ],
)
def test_maternity_period_single_and_multiple(due, multiple, start, end, months):
    period = maternity_period(due, multiple)
    assert (period.start, period.end, period.months) == (start, end, months)


def test_maternity_notice_is_possible_from_six_months_before_the_due_date():
    check_maternity_notification(d(2025, 8, 15), d(2025, 2, 15))
    with pytest.raises(RuleRefused, match="令和7年2月15日"):
        check_maternity_notification(d(2025, 8, 15), d(2025, 2, 14))


def test_additional_premium_starts_in_the_month_of_the_application_never_before():
    assert additional_premium_start(d(2025, 5, 20)) == d(2025, 5, 1)
    with pytest.raises(RuleRefused, match="さかのぼって納付できません"):
        additional_premium_start(d(2025, 5, 20), requested=d(2025, 4, 1))


@pytest.mark.parametrize(
    "kwargs,message",
    [
        ({"active_exemptions": {C.FULL}}, "全額免除の期間中は付加保険料を納付できません"),
        ({"active_exemptions": {C.HALF}}, "半額免除の期間中"),
        ({"active_exemptions": {C.STUDENT}}, "学生納付特例の期間中"),
        ({"active_exemptions": {C.POSTPONEMENT}}, "納付猶予の期間中"),
        ({"active_exemptions": {C.STATUTORY}}, "法定免除の期間中"),
        ({"category": "5"}, "特例任意加入の方は付加保険料を納付できません"),
        ({"category": "2"}, "第2号の方は付加保険料を納付できません"),
        ({"category": "4", "birth": d(1960, 5, 1)}, "65歳未満"),
        ({"national_pension_fund": True}, "国民年金基金"),
    ],
)
def test_additional_premium_conflicts_are_refused(kwargs, message):
    args = {"category": "1", "birth": d(1985, 5, 1), "applied_on": d(2025, 6, 1)}
    args.update(kwargs)
    with pytest.raises(RuleRefused, match=message):
        check_additional_premium(**args)


def test_additional_premium_is_allowed_for_paying_first_category_and_during_maternity():
    check_additional_premium(category="1", birth=d(1985, 5, 1), applied_on=d(2025, 6, 1))
    check_additional_premium(
        category="1",
        birth=d(1995, 5, 1),
        applied_on=d(2025, 6, 1),
        active_exemptions={C.MATERNITY},
    )
    check_additional_premium(category="4", birth=d(1961, 5, 2), applied_on=d(2025, 6, 1))


@pytest.mark.parametrize("category", ["4", "5"])
def test_no_exemption_for_voluntary_insured(category):
    with pytest.raises(RuleRefused, match="任意加入"):
        check_exemption_category(category, C.FULL)


def test_exemption_refused_outside_the_first_category_and_allowed_inside():
    check_exemption_category("1", C.HALF)
    with pytest.raises(RuleRefused, match="第3号の方は国民年金保険料の半額免除の対象外"):
        check_exemption_category("3", C.HALF)


def test_postponement_is_refused_at_fifty_or_over():
    birth = d(1975, 9, 15)  # reaches 50 on 2025-09-14
    assert age_reached_on(birth, 50) == d(2025, 9, 14)
    check_postponement_age(birth, Period(d(2024, 9, 1), d(2025, 8, 1)))
    with pytest.raises(RuleRefused, match=r"令和7年9月以降"):
        check_postponement_age(birth, Period(d(2025, 7, 1), d(2025, 9, 1)))
    with pytest.raises(RuleRefused, match="50歳以上のため申請できません"):
        check_postponement_age(birth, Period(d(2025, 9, 1), d(2026, 6, 1)))


def test_age_on_the_first_of_a_month_and_on_29_february():
    assert age_reached_on(d(1975, 10, 1), 50) == d(2025, 9, 30)
    assert age_reached_on(d(1976, 2, 29), 50) == d(2026, 2, 28)
