"""The household and income panel at intake and the printed application (申請書の発行)."""

import re

import pytest
from django.template.loader import render_to_string

from audit.models import AuditEvent
from kokumin_nenkin.identifiers import contains_my_number_like
from tests.pdf import pdf_text

from .conftest import give_income, make_person, qualify

YEAR = 2024  # 令和6年度 = R6.7–R7.6, judged on 令和5年 (2023) income


def panel_url(person, **params):
    query = "&".join(f"{k}={v}" for k, v in {"kind": "exemption", "year": YEAR, **params}.items())
    return f"/exemptions/persons/{person.pk}/household/?{query}"


def pdf_url(person, **params):
    return panel_url(person, **params).replace("household/", "application.pdf")


@pytest.fixture
def incomes(family, cast):
    # insured 第1号: the application is printed only for one who may apply (issue 14, item 5)
    qualify(family["applicant"], cast["kakunin"])
    give_income(family["applicant"], 2023, 500_000)
    give_income(family["spouse"], 2023, 1_020_000, n=1, dep=380_000, si=100_000)
    give_income(family["head"], 2023, 2_000_000, n=0, dep=0, si=300_000)
    return family


@pytest.mark.django_db
def test_panel_shows_each_member_income_against_each_threshold(client_for, incomes):
    response = client_for("madoguchi").get(panel_url(incomes["applicant"]))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    body = response.content.decode()
    for text in (
        "熊谷\u3000花子",
        "熊谷\u3000一郎",
        "熊谷\u3000太郎",
        "令和6年7月〜令和7年6月",
        "令和5年の所得で判定",
        "500,000円",
        "1,020,000円",
        # spouse: 全額 (1+1)×35万+32万 = 102万 → 1,020,000 ≤ → ○; householder 200万 > 67万 → ×
        "全額免除 配偶者: 所得1,020,000円 ≦ 基準 (1＋1)×350,000円＋320,000円＝1,020,000円 → 該当",
        "全額免除 世帯主: 所得2,000,000円 ＞ 基準",
        # householder 半額: 128万+30万 = 158万 < 200万; 4分の1: 168万+30万 = 198万 < 200万
        "申請免除の所得基準を超えています（納付猶予相当）",
    ):
        assert text in body, text


@pytest.mark.django_db
def test_panel_view_is_audited_for_each_person_shown(client_for, incomes):
    client_for("madoguchi").get(panel_url(incomes["applicant"]))
    events = AuditEvent.objects.filter(action="view")
    shown = {e.person_id: e.details["表示の立場"] for e in events}
    assert shown == {
        incomes["applicant"].pk: "本人",
        incomes["spouse"].pk: "配偶者",
        incomes["head"].pk: "世帯主",
    }


@pytest.mark.django_db
def test_panel_says_when_income_is_missing(client_for, family):
    body = client_for("madoguchi").get(panel_url(family["applicant"])).content.decode()
    assert "所得情報なし（市民税課に確認）" in body
    assert "判定保留（所得情報が不足）" in body


@pytest.mark.django_db
def test_student_panel_tests_the_student_only(client_for, incomes):
    body = client_for("madoguchi").get(panel_url(incomes["applicant"], kind="student")).content
    body = body.decode()
    assert "令和6年4月〜令和7年3月" in body
    assert "学生納付特例 本人: 所得500,000円 ≦ 基準 1,280,000円" in body
    assert "学生納付特例 世帯主" not in body


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["shintatsu", "kansa", "kanri"])
def test_panel_and_pdf_are_refused_without_the_permission(client_for, family, name):
    client = client_for(name)
    assert client.get(panel_url(family["applicant"])).status_code == 403
    assert client.get(pdf_url(family["applicant"])).status_code == 403


@pytest.mark.django_db
def test_application_pdf_is_prefilled_in_wareki_without_a_my_number(client_for, incomes):
    response = client_for("madoguchi").get(pdf_url(incomes["applicant"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    flat = re.sub(r"\s+", "", text)
    assert "国民年金保険料免除・納付猶予申請書" in flat
    assert "熊谷花子" in flat and "クマガヤハナコ" in flat
    assert "平成4年5月10日" in flat  # birth date 1992-05-10
    assert "〒360-0000" in flat  # the postal code as it is written on a form
    assert "令和6年7月〜令和7年6月" in flat
    assert "令和5年の所得で審査します" in flat
    assert "熊谷一郎" in flat and "熊谷太郎" in flat
    assert not contains_my_number_like(text)
    assert "no-store" in response["Cache-Control"]
    events = AuditEvent.objects.filter(action="print")
    assert {e.person_id: e.details["印字の立場"] for e in events} == {
        incomes["applicant"].pk: "本人",
        incomes["spouse"].pk: "配偶者",
        incomes["head"].pk: "世帯主",
    }
    assert {e.details["帳票"] for e in events} == {"国民年金保険料免除・納付猶予申請書"}


@pytest.mark.django_db
def test_student_application_pdf(client_for, incomes):
    response = client_for("kakunin").get(pdf_url(incomes["applicant"], kind="student"))
    flat = re.sub(r"\s+", "", pdf_text(response.content))
    assert "国民年金保険料学生納付特例申請書" in flat
    assert "令和6年4月〜令和7年3月" in flat
    assert "熊谷一郎" not in flat  # the 学特 form names the student only
    assert AuditEvent.objects.filter(action="print").count() == 1


@pytest.mark.django_db
def test_a_script_in_a_name_is_printed_as_text_not_markup(client_for, cast):
    person = make_person(family="<script>alert(1)</script>", given="<b>太字</b>")
    html = render_to_string(
        "exemptions/application_pdf.html",
        {"person": person, "twelve": range(12), "household": None},
    )
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    qualify(person, cast["kakunin"])
    response = client_for("madoguchi").get(pdf_url(person))
    assert response.status_code == 200
    flat = re.sub(r"\s+", "", pdf_text(response.content))
    assert "<script>alert(1)</script>" in flat
    assert "<b>太字</b>" in flat


@pytest.mark.django_db
def test_panel_for_a_year_before_the_reiwa3_change_uses_the_old_constant(client_for, family):
    give_income(family["applicant"], 2019, 570_000)
    url = panel_url(family["applicant"], year=2020)
    body = client_for("madoguchi").get(url).content.decode()
    assert "令和2年7月〜令和3年6月" in body
    assert "令和3年6月までの基準" in body
    assert "(0＋1)×350,000円＋220,000円＝570,000円 → 該当" in body


@pytest.mark.django_db
def test_a_householder_applicant_is_tested_once_and_the_default_year_opens(client_for):
    head = make_person(given="一人", householder=True)
    response = client_for("madoguchi").get(f"/exemptions/persons/{head.pk}/household/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "本人が世帯主（または世帯の登録なし）" in body
    assert "世帯主: 所得" not in body


@pytest.mark.django_db
def test_panel_points_a_livelihood_assistance_recipient_to_statutory_exemption(client_for, family):
    give_income(family["applicant"], 2023, 0, public_assistance="1")
    body = client_for("madoguchi").get(panel_url(family["applicant"])).content.decode()
    assert "法定免除（免除事由該当届）の対象です" in body
