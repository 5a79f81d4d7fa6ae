"""In a real browser: a counter clerk takes a 開示請求 in from the person page and enters the
decision, a 確認担当 approves it blind and prints the disclosure package."""

import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

from kokumin_nenkin.accounts.models import Role
from kokumin_nenkin.verification.models import Entry
from resident_requests.models import DisclosurePackage, ResidentRequest
from tests.conftest import make_staff
from tests.factories import make_person

from .steps import confirm, submit
from .test_login_and_idle_lock import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_disclosure_request_from_intake_to_the_printed_package(browser_page, live_server):
    clerk = make_staff("browser-madoguchi", Role.COUNTER)
    checker = make_staff("browser-kakunin", Role.SUPERVISOR)
    person = make_person(family_name="開示", given_name="画面子")
    today = timezone.localdate().isoformat()
    page, base = browser_page, live_server.url
    log_in(page, base, clerk)

    page.goto(f"{base}/persons/{person.pk}/")
    page.click("text=開示・訂正・利用停止請求を受け付ける")
    page.select_option("select[name=kind]", "disclosure")
    page.select_option("select[name=channel]", "counter")
    page.select_option("select[name=requester]", "self")
    page.select_option("select[name=identity_check]", "my_number_card")
    page.fill("textarea[name=subject]", "保有個人情報の全部（アクセス履歴を含む）")
    page.fill("input[name=received_on]", today)
    page.click("button[type=submit].primary")
    request = ResidentRequest.objects.get(person=person)
    page.wait_for_url(f"{base}/requests/{request.pk}/")
    assert "決定期限" in page.content()

    page.click("text=決定を入力する")
    page.select_option("select[name=request]", str(request.pk))
    page.select_option("select[name=decision]", "disclose")
    page.fill("input[name=decided_on]", today)
    page.click("button[type=submit].primary")
    entry = Entry.objects.get(kind="resident_requests.decision", person=person)
    page.wait_for_url(f"{base}/entries/{entry.pk}/")

    page.context.clear_cookies()
    log_in(page, base, checker)
    page.goto(f"{base}/entries/{entry.pk}/")
    page.select_option("select[name='rekey-decision']", "disclose")
    submit(page, "form[action$='/approve/'] button[type=submit].primary")
    confirm(page)
    request.refresh_from_db()
    assert request.get_decision_display() == "開示"

    # the 確認担当 prints it (the clerk's TOTP code of a minute ago may not be used twice)
    page.goto(f"{base}/requests/{request.pk}/")
    page.click("text=開示文書を作成する")
    package = DisclosurePackage.objects.get(request=request)
    page.wait_for_url(f"{base}/requests/packages/{package.pk}/")
    response = page.request.get(f"{base}/requests/packages/{package.pk}/")
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    pages = PdfReader(io.BytesIO(response.body())).pages
    text = "".join(p.extract_text() for p in pages).replace("\n", "")
    assert "アクセス履歴" in text and person.addressee_number in text
    assert page.csp_violations == []
