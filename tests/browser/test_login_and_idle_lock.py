"""In a real browser: password + TOTP login, then the idle warning and the masked page."""

import time

import pytest

from kokumin_nenkin.accounts.models import Role
from kokumin_nenkin.accounts.totp import current_code
from tests.conftest import PASSWORD, make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, base_url: str, user) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{base_url}/accounts/login/otp/")
    device = user.totpdevice_set.get()
    # A code is accepted once: logging in again within the same 30 s waits for the next one.
    while (time.time() - device.t0) // device.step <= device.last_t:
        time.sleep(1)
    page.fill("input[name=token]", current_code(device))
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{base_url}/")


def test_password_and_totp_login_reaches_the_home_page(browser_page, live_server):
    user = make_staff("browser-kakunin", Role.SUPERVISOR)
    page = browser_page
    log_in(page, live_server.url, user)
    assert page.locator("main h1").inner_text().startswith("ホーム")
    assert page.locator(".site-header .role").inner_text() == "確認担当"
    assert page.csp_violations == []


def test_idle_warning_then_the_page_is_masked_and_login_is_asked(
    browser_page, live_server, settings
):
    user = make_staff("browser-madoguchi", Role.COUNTER)
    page = browser_page
    log_in(page, live_server.url, user)
    settings.SESSION_IDLE_SECONDS = 4
    settings.SESSION_IDLE_WARNING_SECONDS = 3
    page.goto(f"{live_server.url}/")
    assert page.locator("main").is_visible()

    # The warning comes first; "操作を続ける" resets the clock on the server and in the page.
    page.locator("#idle-warning").wait_for(state="visible", timeout=4_000)
    assert "まもなく自動的にログアウトします" in page.locator("#idle-warning").inner_text()
    page.click("#idle-continue button")
    page.locator("#idle-warning").wait_for(state="hidden", timeout=3_000)
    assert page.locator("main").is_visible()

    # Then, left alone: personal data hidden, a new login asked for.
    page.locator("#idle-locked").wait_for(state="visible", timeout=8_000)
    assert not page.locator("main").is_visible()
    assert not page.locator(".site-header .who").is_visible()
    assert "画面をロックしました" in page.locator("#idle-locked").inner_text()
    assert page.title() == "画面ロック"

    # The server ended the session too: the link leads to the login page with the reason.
    page.click("#idle-locked a")
    page.wait_for_url(f"{live_server.url}/accounts/login/")
    assert "一定時間操作がなかったため" in page.content()
    page.goto(f"{live_server.url}/")
    assert page.url.startswith(f"{live_server.url}/accounts/login/")
    assert page.csp_violations == []
