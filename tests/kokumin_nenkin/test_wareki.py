"""和暦: DOMAIN_RULES.md §6 and test vector 7, table-driven."""

from datetime import date

import pytest
from django import forms
from django.template import Context, Template

from kokumin_nenkin import wareki
from kokumin_nenkin.wareki.forms import WarekiDateField


@pytest.mark.parametrize(
    "iso,expected",
    [
        (date(2019, 4, 30), "平成31年4月30日"),
        (date(2019, 5, 1), "令和元年5月1日"),
        (date(1989, 1, 8), "平成元年1月8日"),
        (date(1989, 1, 7), "昭和64年1月7日"),
        (date(1926, 12, 25), "昭和元年12月25日"),
        (date(1926, 12, 24), "大正15年12月24日"),
        (date(1912, 7, 30), "大正元年7月30日"),
        (date(1912, 7, 29), "明治45年7月29日"),
        (date(2024, 12, 24), "令和6年12月24日"),
    ],
)
def test_format(iso, expected):
    assert wareki.format_date(iso) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        ("令和6年12月24日", date(2024, 12, 24)),
        ("令和元年5月1日", date(2019, 5, 1)),
        ("R6.12.24", date(2024, 12, 24)),
        ("R06/12/24", date(2024, 12, 24)),
        ("r6.12.24", date(2024, 12, 24)),
        ("S55.4.1", date(1980, 4, 1)),
        ("H31-4-30", date(2019, 4, 30)),
        ("2024-12-24", date(2024, 12, 24)),
        ("2024/12/24", date(2024, 12, 24)),
        ("20241224", date(2024, 12, 24)),
        ("２０２４－１２－２４", date(2024, 12, 24)),
        ("Ｒ６．１２．２４", date(2024, 12, 24)),
        ("令和６年１２月２４日", date(2024, 12, 24)),
        (" 昭和 55 年 4 月 1 日 ", date(1980, 4, 1)),
    ],
)
def test_parse(text, expected):
    assert wareki.parse(text) == expected


@pytest.mark.parametrize(
    "text,message",
    [
        ("平成31年5月1日", "令和元年5月1日の誤り"),
        ("令和1年4月30日", "平成31年4月30日の誤り"),
        ("昭和64年1月8日", "平成元年1月8日の誤り"),
        ("R6.2.30", "という日付はありません"),
        ("2023-02-29", "という日付はありません"),
        ("明治1年1月1日", "明治より前"),
        ("令和0年5月1日", "元年（1年）以上"),
        ("あした", "日付として読めません"),
        ("", "日付を入力してください"),
    ],
)
def test_parse_refuses_with_a_japanese_message(text, message):
    with pytest.raises(wareki.WarekiError, match=message):
        wareki.parse(text)


@pytest.mark.parametrize(
    "iso,code",
    [
        (date(2024, 12, 24), "9061224"),
        (date(1980, 4, 1), "5550401"),
        (date(2019, 4, 30), "7310430"),
    ],
)
def test_jps_date_codes_round_trip(iso, code):
    assert wareki.to_jps_date(iso) == code
    assert wareki.from_jps_date(code) == iso


def test_jps_month_code_and_the_month_an_era_began():
    assert wareki.to_jps_month(2025, 7) == "90707"
    assert wareki.to_jps_month(2019, 5) == "90105"
    assert wareki.format_month(2019, 5) == "令和元年5月"
    assert wareki.format_month(2019, 4) == "平成31年4月"


def test_form_field_shows_the_error_next_to_the_field():
    class F(forms.Form):
        birth = WarekiDateField(label="生年月日")

    assert F({"birth": "S55.4.1"}).is_valid()
    bad = F({"birth": "平成31年5月1日"})
    assert not bad.is_valid()
    assert "令和元年5月1日の誤り" in bad.errors["birth"][0]


def test_template_filter():
    html = Template("{{ d|wareki }} / {{ d|wareki_short }}").render(
        Context({"d": date(1980, 4, 1)})
    )
    assert html == "昭和55年4月1日 / S55.4.1"


@pytest.mark.parametrize(
    "d,fy", [(date(2025, 3, 31), 2024), (date(2025, 4, 1), 2025), (date(2025, 12, 31), 2025)]
)
def test_fiscal_year(d, fy):
    assert wareki.fiscal_year(d) == fy


@pytest.mark.parametrize(
    "text,expected",
    [
        ("令和6年7月", date(2024, 7, 1)),
        ("R6.7", date(2024, 7, 1)),
        ("Ｒ６．７", date(2024, 7, 1)),
        ("令和元年5月", date(2019, 5, 1)),
        ("平成元年1月", date(1989, 1, 1)),  # 平成 began on 1月8日: the month is still 平成元年1月
        ("昭和64年1月", date(1989, 1, 1)),
        ("2024-07", date(2024, 7, 1)),
        ("2024年7月", date(2024, 7, 1)),
        ("R6.7.15", date(2024, 7, 1)),  # a whole date counts as its month
        ("2024-07-31", date(2024, 7, 1)),
    ],
)
def test_parse_month(text, expected):
    assert wareki.parse_month(text) == expected


@pytest.mark.parametrize(
    "text,message",
    [
        ("令和元年4月", "令和の期間外"),
        ("平成31年6月", "令和元年6月の誤り"),
        ("R6.13", "という年月はありません"),
        ("らいげつ", "年月として読めません"),
        ("", "年月を入力してください"),
    ],
)
def test_parse_month_refuses_with_a_japanese_message(text, message):
    with pytest.raises(wareki.WarekiError, match=message):
        wareki.parse_month(text)


def test_month_field_and_filter():
    from kokumin_nenkin.wareki.forms import WarekiMonthField

    class F(forms.Form):
        start = WarekiMonthField(label="始期")

    form = F({"start": "R7.7"})
    assert form.is_valid() and form.cleaned_data["start"] == date(2025, 7, 1)
    bad = F({"start": "令和元年4月"})
    assert not bad.is_valid() and "令和の期間外" in bad.errors["start"][0]
    html = Template("{{ m|wareki_month }}").render(Context({"m": date(2019, 5, 1)}))
    assert html == "令和元年5月"
    assert wareki.format_year(2024, 7) == "令和6年"


def test_a_moment_reads_as_wareki_date_and_local_time():
    from datetime import UTC, datetime

    from kokumin_nenkin.wareki import format_datetime
    from kokumin_nenkin.wareki.templatetags import wareki_datetime

    moment = datetime(2026, 11, 29, 23, 24, 5, tzinfo=UTC)  # 08:24 in Japan, the next day
    assert format_datetime(moment) == "令和8年11月30日 08:24"
    assert format_datetime(moment, seconds=True) == "令和8年11月30日 08:24:05"
    assert wareki_datetime(moment) == "令和8年11月30日 08:24" and wareki_datetime(None) == ""


def test_a_month_field_shows_a_month_not_a_day():
    from datetime import date

    from django import forms

    from kokumin_nenkin.verification.registry import EntryKind
    from kokumin_nenkin.wareki.forms import WarekiMonthField

    class MonthForm(forms.Form):
        start = WarekiMonthField(label="開始月")

    form = MonthForm(initial={"start": date(2026, 7, 1)})
    assert 'value="令和8年7月"' in str(form["start"])

    class Kind(EntryKind):
        form_class = MonthForm

    assert Kind().display("start", "2026-07-01") == "令和8年7月"
