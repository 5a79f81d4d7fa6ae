"""In a real browser, as a counter clerk does it: search a resident, open their page, take a
老齢基礎年金 claim in through the claim screen, and print the claimant's receipt (受付控え)."""

import io
from datetime import date

import pytest
from pypdf import PdfReader

from kokumin_nenkin.accounts.models import Role
from kokumin_nenkin.verification.models import Entry
from qualifications.models import Sex
from tests.conftest import make_staff
from tests.exemptions.conftest import make_person, qualify

from .test_login_and_idle_lock import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_old_age_claim_from_search_to_the_printed_receipt(browser_page, live_server):
    clerk = make_staff("browser-madoguchi", Role.COUNTER)
    person = make_person(family="熊谷", given="花子", sex=Sex.FEMALE, birth=date(1960, 5, 10))
    qualify(person, clerk, acquired_on=date(1980, 5, 9))
    page, base = browser_page, live_server.url
    log_in(page, base, clerk)

    page.goto(f"{base}/persons/")
    page.fill("input[name=q]", "クマガヤ ハナコ")
    page.keyboard.press("Enter")
    page.click(f"a[href='/persons/{person.pk}/']")
    page.click("text=裁定請求の受付（世帯・所得の確認）")
    assert "この方の記録は第1号被保険者期間のみです" in page.content()
    page.click("text=31 ")

    page.fill("input[name=claimed_on]", "R7.6.2")
    page.fill("input[name=start_month]", "R7.6")
    page.fill("input[name=paid_months]", "400")
    page.fill("input[name=exempt_months]", "20")
    page.fill("input[name=kara_months]", "0")
    page.check("input[name=attachments][value=techo]")
    page.click("button[type=submit].primary")
    entry = Entry.objects.get(person=person, kind="benefits.old_age")
    page.wait_for_url(f"{base}/entries/{entry.pk}/")

    page.goto(f"{base}/benefits/persons/{person.pk}/")
    link = page.locator("a", has_text="受付控えを印刷（PDF）")
    response = page.request.get(f"{base}{link.get_attribute('href')}")
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)
    assert f"受付番号 {entry.receipt_number}" in text and "未着" in text
    assert page.csp_violations == []
