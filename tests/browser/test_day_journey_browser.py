"""The whole working day in one run, across the five roles (issue 14, "Done when"): a 窓口担当
takes a 資格取得届, a 確認担当 verifies it blind, a 進達担当 confirms the 進達, prints the
報告書 and 送付書 and uploads JPS's results file, a 確認担当 approves the results, a 監査担当
reads the person's access history, and the システム管理者 sees their home. Each page the day
passes through is checked with axe-core as well."""

from datetime import date

import pytest

from jps_reporting.formats.f2 import HEADER
from jps_reporting.models import BatchItem
from kokumin_nenkin.accounts.models import Role
from kokumin_nenkin.verification.models import Entry, Status
from qualifications.models import Sex
from tests.conftest import make_staff
from tests.exemptions.conftest import make_person

from . import steps
from .axe import assert_no_violations
from .steps import confirm, submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def as_user(page, base, user) -> None:
    steps.as_user(page, base, user)
    assert_no_violations(page)


def test_one_day_across_the_five_roles(browser_page, live_server, settings):
    settings.EXPORT_ALLOWED_NETWORKS = ["127.0.0.1/32", "::1/128"]
    settings.TRUSTED_PROXIES = []
    clerk = make_staff("browser-madoguchi", Role.COUNTER)
    checker = make_staff("browser-kakunin", Role.SUPERVISOR)
    reporter = make_staff("browser-shintatsu", Role.REPORT_CLERK)
    auditor = make_staff("browser-kansa", Role.AUDITOR)
    admin = make_staff("browser-kanri", Role.ADMIN)
    person = make_person(family="秩父", given="一花", sex=Sex.FEMALE, birth=date(2005, 4, 2))
    person.family_name_kana, person.given_name_kana = "チチブ", "イチカ"
    person.save()
    page, base = browser_page, live_server.url

    # 窓口担当: the 資格取得届 at the counter.
    as_user(page, base, clerk)
    page.goto(f"{base}/persons/{person.pk}/")
    page.click(f"a[href='/entries/new/qualifications.acquisition/{person.pk}/']")
    assert_no_violations(page)
    page.fill("input[name=notified_on]", "R7.4.3")
    page.select_option("select[name=category]", "1")
    page.select_option("select[name=cause]", "01")
    page.fill("input[name=acquired_on]", "R7.4.1")
    page.click("button[type=submit].primary")
    entry = Entry.objects.get(person=person, kind="qualifications.acquisition")
    page.wait_for_url(f"{base}/entries/{entry.pk}/")
    assert f"受付番号 {entry.receipt_number} で受け付けました。確認待ちです。" in page.content()
    assert_no_violations(page)

    # 確認担当: the queue lists it; the key fields are typed again from the paper form.
    as_user(page, base, checker)
    page.goto(f"{base}/entries/")
    row = page.locator("tr", has_text=entry.receipt_number)
    assert "秩父" in row.inner_text()
    row.locator(f"a[href='/entries/{entry.pk}/']").first.click()
    page.wait_for_url(f"{base}/entries/{entry.pk}/")
    assert_no_violations(page)
    page.fill("input[name=rekey-acquired_on]", "R7.4.1")
    page.select_option("select[name=rekey-cause]", "01")
    page.select_option("select[name=rekey-category]", "1")
    submit(page, "form[action$='/approve/'] button.primary")
    confirm(page)
    entry.refresh_from_db()
    assert entry.status == Status.APPROVED and entry.checker == checker
    shown = page.locator("main").inner_text()  # back to the queue, now empty
    assert f"受付番号 {entry.receipt_number} を承認しました。" in shown
    assert "確認待ちの受付はありません。" in shown
    assert_no_violations(page)

    # 進達担当: preview up to today, confirm the 進達, reprint the sheets.
    as_user(page, base, reporter)
    page.goto(f"{base}/jps/batches/new/")
    assert_no_violations(page)
    submit(page, "button:has-text('プレビュー')")
    assert "未進達の受付 1件" in page.content()
    assert_no_violations(page)
    submit(page, "button[type=submit].primary")
    confirm(page)
    entry.refresh_from_db()
    assert entry.status == Status.REPORTED
    batch = BatchItem.objects.get(entry=entry).batch
    page.goto(f"{base}/jps/batches/{batch.pk}/")
    assert f"進達 第{batch.number}号" in page.locator("main h1").inner_text()
    assert entry.receipt_number in page.locator("main table").inner_text()
    assert_no_violations(page)
    for name in ("報告書（PDF）を再印刷", "送付書（PDF）を再印刷"):
        href = page.locator("main a", has_text=name).get_attribute("href")
        sheet = page.request.get(f"{base}{href}")
        assert sheet.status == 200 and sheet.headers["content-type"] == "application/pdf"

    # JPS's results file: the reconciliation, then the request to apply it.
    results = "".join(
        f"{line}\r\n"
        for line in [
            ",".join(HEADER),
            f"{entry.receipt_number},01,1234-567890,チチブ　イチカ,2005-04-02,,,,,,,,2026-11-20,",
        ]
    )
    page.goto(f"{base}/jps/results/")
    assert_no_violations(page)
    page.set_input_files(
        "input[name=file]",
        files=[{"name": "kekka.csv", "mimeType": "text/csv", "buffer": results.encode()}],
    )
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{base}/jps/results/*/")
    assert "一致 1件" in page.content()
    assert_no_violations(page)
    submit(page, "button[type=submit].primary")
    request = Entry.objects.get(kind="jps_reporting.results")
    assert request.status == Status.PENDING and request.maker == reporter

    # 確認担当: re-keys the line count and the first 受付番号 from the printed reconciliation.
    as_user(page, base, checker)
    page.goto(f"{base}/entries/{request.pk}/")
    assert_no_violations(page)
    page.fill("input[name=rekey-line_count]", "1")
    page.fill("input[name=rekey-first_receipt_number]", entry.receipt_number)
    submit(page, "form[action$='/approve/'] button.primary")
    confirm(page)
    request.refresh_from_db()
    assert request.status == Status.APPROVED
    page.goto(f"{base}/persons/{person.pk}/")
    assert "1234-567890" in page.locator("main").inner_text()

    # 監査担当: the person's access history names everyone who opened their record today.
    as_user(page, base, auditor)
    page.goto(f"{base}/audit/person/{person.pk}/")
    history = page.locator("main").inner_text()
    for user in (clerk, checker, reporter):
        assert user.full_name in history, user.username
    assert_no_violations(page)

    # システム管理者: their home, and nothing of the day's persons on it.
    as_user(page, base, admin)
    assert "秩父" not in page.locator("main").inner_text()
    assert page.csp_violations == []
