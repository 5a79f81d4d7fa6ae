"""In a real browser, the register's front door end to end: a 進達担当 imports an F3 file, the
resident turning 20 shows on the 20歳 list, a 窓口担当 opens the pre-filled intake, a 確認担当
verifies it blind, the person page shows the qualification, and the F5 file for 市民課 lists it."""

import pytest

from kokumin_nenkin.accounts.models import Role
from kokumin_nenkin.verification.models import Entry
from qualifications.models import Person
from tests.conftest import make_staff

from .steps import as_user, confirm, submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

F3 = (
    "異動区分,異動年月日,届出年月日,宛名番号,個人番号,氏名,フリガナ,性別,生年月日,"
    "郵便番号,住所,世帯番号,続柄,世帯主宛名番号\r\n"
    "A1,2024-03-01,2024-03-04,4000000001,,成人　一花,セイジン　イチカ,2,2005-04-02,"
    "360-0001,熊谷市試験町三丁目3番3号,H400001,世帯主,4000000001\r\n"
)


def test_f3_to_the_20_list_to_a_verified_acquisition_to_the_f5_file(
    browser_page, live_server, settings
):
    settings.EXPORT_ALLOWED_NETWORKS = ["127.0.0.1/32", "::1/128"]
    settings.TRUSTED_PROXIES = []
    importer = make_staff("browser-shintatsu", Role.REPORT_CLERK)
    clerk = make_staff("browser-madoguchi", Role.COUNTER)
    checker = make_staff("browser-kakunin", Role.SUPERVISOR)
    page, base = browser_page, live_server.url

    as_user(page, base, importer)
    page.goto(f"{base}/persons/residents/import/")
    page.set_input_files(
        "input[name=file]",
        files=[{"name": "f3.csv", "mimeType": "text/csv", "buffer": F3.encode("utf-8")}],
    )
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{base}/persons/residents/import/")
    assert "住民異動を取り込みました（1行: 新規 1件" in page.content()
    person = Person.objects.get(addressee_number="4000000001")

    as_user(page, base, clerk)
    page.goto(f"{base}/persons/worklists/age20/?month=2025-04&office=all")
    row = page.locator("tr", has_text="成人")
    assert "4000000001" in row.inner_text()
    row.locator("a", has_text="受付入力").click()
    assert page.locator("select[name=cause]").input_value() == "01"
    assert page.locator("select[name=category]").input_value() == "1"
    page.click("button[type=submit].primary")
    entry = Entry.objects.get(person=person, kind="qualifications.acquisition")
    page.wait_for_url(f"{base}/entries/{entry.pk}/")

    as_user(page, base, checker)
    page.goto(f"{base}/entries/{entry.pk}/")
    page.fill("input[name=rekey-acquired_on]", "R7.4.1")
    page.select_option("select[name=rekey-cause]", "01")
    page.select_option("select[name=rekey-category]", "1")
    submit(page, "form[action$='/approve/'] button.primary")
    confirm(page)
    entry.refresh_from_db()
    assert entry.status == "approved"

    page.goto(f"{base}/persons/{person.pk}/")
    history = page.content()
    assert "第1号" in history and "20歳到達" in history

    as_user(page, base, importer)
    page.goto(f"{base}/persons/city-changes/")
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{base}/persons/city-changes/")
    link = page.locator("a", has_text="ダウンロード").first
    response = page.request.get(f"{base}{link.get_attribute('href')}")
    assert response.status == 200
    lines = response.body().decode("utf-8-sig").splitlines()
    assert lines[1].startswith("4000000001,取得,1,2025-04-01,")
    assert page.csp_violations == []
