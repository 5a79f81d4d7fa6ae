"""The claim rules of DOMAIN_RULES.md §4, table-driven: every band edge of the 死亡一時金 with
and without 付加, 老齢 120 months and the 繰上げ / 繰下げ rates, 障害 / 遺族 / 寡婦 conditions,
特別障害給付金, the support benefit's income test, and which claims the city takes. Each
refusal names its rule."""

from datetime import date
from fractions import Fraction

import pytest

from benefits.lump_sum_rules import death_lump_sum, death_lump_sum_assessment, death_lump_sum_check
from benefits.pension_rules import (
    adjustment_percent,
    disability_assessment,
    old_age_assessment,
    special_disability_assessment,
    survivors_assessment,
    widow_assessment,
)
from benefits.rules import RuleRefused, SupportKind, taken_here
from benefits.support_rules import HouseholdIncome, support_assessment, support_claim_year

d = date


def lump(paid=0, quarter=0, half=0, three_quarter=0, additional=0):
    return death_lump_sum(
        paid_months=paid,
        quarter_exempt_months=quarter,
        half_exempt_months=half,
        three_quarter_exempt_months=three_quarter,
        additional_months=additional,
    )


@pytest.mark.parametrize(
    ("paid", "amount"),
    [
        (0, 0),
        (35, 0),
        (36, 120_000),  # test vector 6
        (179, 120_000),
        (180, 145_000),
        (239, 145_000),
        (240, 170_000),
        (299, 170_000),
        (300, 220_000),
        (359, 220_000),
        (360, 270_000),
        (419, 270_000),
        (420, 320_000),
        (480, 320_000),
    ],
)
def test_death_lump_sum_at_every_band_edge(paid, amount):
    assert lump(paid) == amount


@pytest.mark.parametrize(
    ("paid", "additional", "amount"),
    [
        (36, 35, 120_000),
        (36, 36, 128_500),
        (180, 36, 153_500),
        (420, 100, 328_500),
        (35, 36, 0),  # no 付加 bonus when nothing is paid
    ],
)
def test_death_lump_sum_with_the_additional_premium(paid, additional, amount):
    assert lump(paid, additional=additional) == amount


@pytest.mark.parametrize(
    ("months", "amount"),
    [
        # weights: 4分の1免除 × 3/4, 半額 × 1/2, 4分の3免除 × 1/4
        ({"paid": 30, "quarter": 8}, 120_000),  # 30 + 6 = 36
        ({"paid": 30, "quarter": 7}, 0),  # 30 + 5.25
        ({"paid": 30, "half": 12}, 120_000),  # 30 + 6
        ({"paid": 30, "half": 11}, 0),  # 35.5
        ({"paid": 30, "three_quarter": 24}, 120_000),  # 30 + 6
        ({"paid": 30, "three_quarter": 23}, 0),  # 35.75
        ({"paid": 170, "half": 20}, 145_000),  # 180
        ({"three_quarter": 144}, 120_000),  # 36
    ],
)
def test_exempt_months_are_weighted(months, amount):
    assert lump(**months) == amount


def test_the_arithmetic_is_shown():
    a = death_lump_sum_assessment(
        paid_months=30,
        quarter_exempt_months=0,
        half_exempt_months=11,
        three_quarter_exempt_months=0,
        additional_months=0,
    )
    assert a.lines[0] == "死亡一時金 月数: 納付済30月×1＋半額免除11月×1/2＝35.5月"
    assert "35.5月 ＜ 36月 → 支給されません" in a.lines[1]


def _lump_assessment(paid=120):
    return death_lump_sum_assessment(
        paid_months=paid,
        quarter_exempt_months=0,
        half_exempt_months=0,
        three_quarter_exempt_months=0,
        additional_months=0,
    )


@pytest.mark.parametrize(
    ("kwargs", "message", "field"),
    [
        ({"assessment": _lump_assessment(35)}, "36月以上", "paid_months"),
        ({"deceased_received_pension": True}, "死亡一時金の支給要件", "deceased_received_pension"),
        ({"survivors_pension_payable": True}, "遺族基礎年金との調整", "survivors_pension_payable"),
        ({"other_claims": ("33",)}, "遺族基礎年金との調整", "survivors_pension_payable"),
        ({"other_claims": ("34",)}, "寡婦年金と死亡一時金はどちらか一方", "__all__"),
    ],
)
def test_death_lump_sum_refusals_name_the_rule(kwargs, message, field):
    args = {
        "assessment": _lump_assessment(),
        "deceased_received_pension": False,
        "survivors_pension_payable": False,
        **kwargs,
    }
    with pytest.raises(RuleRefused, match=message) as exc:
        death_lump_sum_check(**args)
    assert exc.value.field == field


# --- 老齢 -------------------------------------------------------------------------------------
BORN_1960 = date(1960, 5, 10)
JUNE_2025 = date(2025, 6, 1)
NOV_2025 = date(2025, 11, 1)


def old_age(birth=BORN_1960, start=JUNE_2025, paid=100, exempt=10, kara=10):
    return old_age_assessment(
        birth=birth,
        claimed_on=d(2025, 5, 20),
        start_month=start,
        paid_months=paid,
        exempt_months=exempt,
        kara_months=kara,
    )


def test_old_age_needs_120_months_of_paid_exempt_and_kara():
    assert old_age(paid=100, exempt=10, kara=10).passed
    with pytest.raises(RuleRefused, match="受給資格期間 119月 ＜ 120月") as exc:
        old_age(paid=100, exempt=10, kara=9)
    assert exc.value.field == "paid_months"


@pytest.mark.parametrize(
    ("birth", "start", "percent"),
    [
        # born 1965-05-10: 65 reached 2030-05-09, normal start 2030-06
        (d(1965, 5, 10), d(2030, 6, 1), Fraction(0)),
        (d(1965, 5, 10), d(2025, 6, 1), Fraction(-24)),  # 60 months × 0.4
        (d(1965, 5, 10), d(2029, 6, 1), Fraction(-48, 10)),  # 12 × 0.4
        (d(1962, 4, 1), d(2022, 4, 1), Fraction(-30)),  # born before 1962-04-02: 0.5
        (d(1962, 4, 2), d(2022, 5, 1), Fraction(-24)),  # born on 1962-04-02: 0.4
        (d(1965, 5, 10), d(2040, 6, 1), Fraction(84)),  # 120 × 0.7 (75)
        (d(1965, 5, 10), d(2031, 6, 1), Fraction(84, 10)),  # 12 × 0.7
    ],
)
def test_early_and_deferred_rates_by_birth_date(birth, start, percent):
    assert adjustment_percent(birth, start) == percent


def test_the_rate_arithmetic_is_shown():
    a = old_age(birth=d(1965, 5, 10), start=d(2025, 6, 1))
    assert "60月×2/5%＝24%減額" in a.text and a.pension_code == "1150"


@pytest.mark.parametrize(
    ("birth", "start", "message"),
    [
        (d(1965, 5, 10), d(2025, 5, 1), "繰上げは60歳から"),
        (d(1965, 5, 10), d(2040, 7, 1), "繰下げは75歳まで"),
        (d(1952, 4, 1), d(2022, 5, 1), "繰下げは70歳まで"),  # born before 1952-04-02
        (d(1965, 5, 10), d(2030, 12, 1), "12月以上後"),
    ],
)
def test_start_months_outside_the_allowed_range_are_refused(birth, start, message):
    with pytest.raises(RuleRefused, match=message) as exc:
        old_age(birth=birth, start=start)
    assert exc.value.field == "start_month"


# --- 障害 -------------------------------------------------------------------------------------
def disability(**kw):
    args = {
        "birth": d(1990, 5, 10),
        "first_visit_on": d(2025, 3, 1),
        "category_on_first_visit": "1",
        "lived_in_japan": True,
        "insured_months": 120,
        "paid_exempt_months": 80,
        "unpaid_recent": True,
    }
    return disability_assessment(**{**args, **kw})


@pytest.mark.parametrize(
    ("kw", "passes", "shown"),
    [
        ({}, True, "80月 ≧ 被保険者期間 120月×2/3"),  # exactly 2/3
        ({"paid_exempt_months": 79}, False, "保険料納付要件を満たしません"),
        ({"paid_exempt_months": 10, "unpaid_recent": False}, True, "特例: 直近1年間に未納なし"),
        (  # special rule extended to 令和18年3月31日
            {"first_visit_on": d(2030, 1, 1), "paid_exempt_months": 10, "unpaid_recent": False},
            True,
            "特例",
        ),
        (
            {"first_visit_on": d(2036, 4, 1), "paid_exempt_months": 10, "unpaid_recent": False},
            False,
            "直近1年の特例の対象外",
        ),
        ({"category_on_first_visit": "2"}, False, "障害基礎年金の初診日要件"),
        (  # before 20: no contribution requirement
            {
                "first_visit_on": d(2008, 1, 1),
                "category_on_first_visit": "",
                "paid_exempt_months": 0,
            },
            True,
            "20歳前障害",
        ),
        (  # 60–64 living in Japan after the insurance ended
            {
                "birth": d(1962, 5, 10),
                "first_visit_on": d(2024, 1, 1),
                "category_on_first_visit": "",
            },
            True,
            "60歳以上65歳未満で日本国内",
        ),
        (
            {
                "birth": d(1962, 5, 10),
                "first_visit_on": d(2024, 1, 1),
                "category_on_first_visit": "",
                "lived_in_japan": False,
            },
            False,
            "初診日要件",
        ),
    ],
)
def test_disability_conditions(kw, passes, shown):
    if passes:
        assert shown in disability(**kw).text
    else:
        with pytest.raises(RuleRefused, match=shown):
            disability(**kw)


@pytest.mark.parametrize(
    ("income", "dependents", "verdict"),
    [
        (3_704_000, 0, "支給停止なし"),
        (3_704_001, 0, "2分の1支給停止"),
        (4_721_000, 0, "2分の1支給停止"),
        (4_721_001, 0, "全額支給停止"),
        (4_084_000, 1, "支給停止なし"),
        (None, 0, "要確認"),
    ],
)
def test_the_income_limit_of_a_disability_before_20(income, dependents, verdict):
    a = disability(
        first_visit_on=d(2008, 1, 1),
        category_on_first_visit="",
        income=income,
        dependents=dependents,
    )
    assert verdict in a.text and a.pension_code == "6350"


# --- 遺族 -------------------------------------------------------------------------------------
def survivors(**kw):
    args = {
        "deceased_birth": d(1980, 5, 10),
        "death_on": d(2025, 3, 1),
        "category_at_death": "1",
        "lived_in_japan": True,
        "insured_months": 240,
        "paid_exempt_months": 200,
        "unpaid_recent": True,
        "qualifying_months": 200,
        "relationship": "配偶者",
        "children": 1,
    }
    return survivors_assessment(**{**args, **kw})


@pytest.mark.parametrize(
    ("kw", "passes", "shown"),
    [
        ({}, True, "遺族: 配偶者、対象となる子 1人"),
        ({"children": 0}, False, "遺族の範囲"),
        ({"relationship": "父母"}, False, "子のある配偶者または子"),
        ({"category_at_death": "", "lived_in_japan": False}, False, "死亡者の要件"),
        (  # long-term: 300 months, no other requirement
            {"category_at_death": "", "lived_in_japan": False, "qualifying_months": 300},
            True,
            "長期要件",
        ),
        ({"paid_exempt_months": 100}, False, "保険料納付要件"),
    ],
)
def test_survivors_conditions(kw, passes, shown):
    if passes:
        assert shown in survivors(**kw).text
    else:
        with pytest.raises(RuleRefused, match=shown):
            survivors(**kw)


# --- 寡婦 -------------------------------------------------------------------------------------
def widow(**kw):
    args = {
        "widow_birth": d(1968, 5, 10),
        "death_on": d(2025, 3, 1),
        "husband_first_months": 120,
        "husband_received_pension": False,
        "married_years": 10,
        "maintained": True,
    }
    return widow_assessment(**{**args, **kw})


@pytest.mark.parametrize(
    ("kw", "message", "field"),
    [
        ({"husband_first_months": 119}, "寡婦年金の夫の要件", "husband_first_months"),
        ({"husband_received_pension": True}, "寡婦年金の夫の要件", "husband_received_pension"),
        ({"married_years": 9}, "婚姻期間の要件", "married_years"),
        ({"maintained": False}, "生計維持の要件", "maintained"),
        ({"widow_birth": d(1959, 5, 10)}, "65歳以上", "death_on"),
    ],
)
def test_widow_refusals(kw, message, field):
    with pytest.raises(RuleRefused, match=message) as exc:
        widow(**kw)
    assert exc.value.field == field


def test_the_widow_is_paid_from_60_to_65():
    a = widow()
    # born 1968-05-10: 60 reached 2028-05-09 → from 2028-06; 65 reached 2033-05-09
    assert "支給期間: 令和10年6月から令和15年5月まで" in a.text
    assert a.pension_code == "5950"
    before_2017 = widow(
        death_on=d(2016, 3, 1), widow_birth=d(1960, 5, 10), husband_first_months=300
    )
    assert before_2017.passed
    with pytest.raises(RuleRefused, match="300月"):
        widow(death_on=d(2016, 3, 1), widow_birth=d(1960, 5, 10), husband_first_months=299)


# --- 特別障害給付金 ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("reason", "first_visit", "grade", "claimed_on", "message"),
    [
        ("student", d(1991, 3, 31), "1", d(2025, 4, 1), None),
        ("student", d(1991, 4, 1), "1", d(2025, 4, 1), "初診日の要件"),
        ("spouse", d(1986, 3, 31), "2", d(2025, 4, 1), None),
        ("spouse", d(1986, 4, 1), "2", d(2025, 4, 1), "初診日の要件"),
        ("student", d(1990, 1, 1), "3", d(2025, 4, 1), "障害等級1級または2級"),
        ("student", d(1990, 1, 1), "1", d(2035, 5, 9), "65歳に達する日の前日まで"),
    ],
)
def test_special_disability(reason, first_visit, grade, claimed_on, message):
    kw = {
        "birth": d(1970, 5, 10),
        "first_visit_on": first_visit,
        "reason": reason,
        "grade": grade,
        "claimed_on": claimed_on,
    }
    if message is None:
        assert special_disability_assessment(**kw).passed
    else:
        with pytest.raises(RuleRefused, match=message):
            special_disability_assessment(**kw)


# --- 年金生活者支援給付金 ---------------------------------------------------------------------
def support(received="old_age", receipts=700_000, misc=0, income=0, others=(), claimed=NOV_2025):
    household = (HouseholdIncome("本人", income), *others)
    return support_assessment(
        birth=d(1955, 5, 10),
        claimed_on=claimed,
        pension_received=received,
        pension_receipts=receipts,
        pension_misc_income=misc,
        household=household,
    )


@pytest.mark.parametrize(
    ("receipts", "kind"),
    [
        (809_000, SupportKind.OLD_AGE),
        (809_001, SupportKind.SUPPLEMENTARY),
        (889_300, SupportKind.SUPPLEMENTARY),
    ],
)
def test_the_old_age_support_kind_from_the_income(receipts, kind):
    assert support(receipts=receipts).support_kind == kind


def test_above_the_supplementary_limit_is_refused():
    with pytest.raises(RuleRefused, match="年金生活者支援給付金の所得基準"):
        support(receipts=889_301)


def test_the_thresholds_reset_each_october():
    # 令和5年10月の基準 (778,900円) until September 2024
    assert (
        support(receipts=790_000, claimed=d(2024, 9, 30)).support_kind == SupportKind.SUPPLEMENTARY
    )
    assert support(receipts=790_000, claimed=d(2024, 10, 1)).support_kind == SupportKind.OLD_AGE


def test_a_taxed_household_member_refuses_the_old_age_support():
    taxed = HouseholdIncome("世帯主", 2_000_000)
    with pytest.raises(RuleRefused, match="世帯全員が市町村民税非課税"):
        support(others=(taxed,))
    exempt = HouseholdIncome("配偶者", 450_000)
    assert "配偶者: 所得450,000円 ≦ 450,000円 → 非課税相当" in support(others=(exempt,)).text


@pytest.mark.parametrize(
    ("received", "income", "dependents", "kind"),
    [
        ("disability", 4_794_000, 0, SupportKind.DISABILITY),
        ("survivors", 5_174_000, 1, SupportKind.SURVIVORS),
    ],
)
def test_disability_and_survivors_support_by_income(received, income, dependents, kind):
    household = (HouseholdIncome("本人", income, dependents),)
    a = support_assessment(
        birth=d(1980, 1, 1),
        claimed_on=d(2025, 11, 1),
        pension_received=received,
        pension_receipts=0,
        pension_misc_income=0,
        household=household,
    )
    assert a.support_kind == kind
    with pytest.raises(RuleRefused, match="所得基準"):
        support_assessment(
            birth=d(1980, 1, 1),
            claimed_on=d(2025, 11, 1),
            pension_received=received,
            pension_receipts=0,
            pension_misc_income=0,
            household=(HouseholdIncome("本人", income + 1, dependents),),
        )


def test_the_old_age_support_needs_65_and_income_data():
    with pytest.raises(RuleRefused, match="65歳以上"):
        support_assessment(
            birth=d(1970, 1, 1),
            claimed_on=d(2025, 11, 1),
            pension_received="old_age",
            pension_receipts=0,
            pension_misc_income=0,
            household=(HouseholdIncome("本人", 0),),
        )
    with pytest.raises(RuleRefused, match="所得情報がありません"):
        support(income=None)


def test_the_claim_year_is_the_fiscal_year():
    assert support_claim_year(d(2026, 3, 31)) == 2025
    assert support_claim_year(d(2026, 4, 1)) == 2026


# --- which claims the city takes --------------------------------------------------------------
@pytest.mark.parametrize(
    ("categories", "taken", "shown"),
    [
        ({"1"}, True, ""),
        ({"1", "4"}, True, ""),
        ({"1", "2"}, False, "第2号被保険者の期間"),
        ({"3"}, False, "第3号被保険者の期間"),
        (set(), False, "資格の記録がありません"),
    ],
)
def test_only_first_category_records_are_taken_here(categories, taken, shown):
    reason = taken_here(categories)
    assert (reason == "") is taken
    assert shown in reason
    if not taken:
        assert "熊谷年金事務所" in reason
