"""In a real browser with Chromium's virtual authenticator (user verification on): register a
passkey after a TOTP login, then log in with password + passkey."""

import re

import pytest
from playwright.sync_api import expect

from kokumin_nenkin.accounts.models import Role
from tests.browser.test_login_and_idle_lock import log_in
from tests.conftest import PASSWORD, make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def add_virtual_authenticator(page, user_verified: bool = True) -> None:
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": False,
                "hasUserVerification": True,
                "isUserVerified": user_verified,
                "automaticPresenceSimulation": True,
            }
        },
    )


def test_register_a_passkey_then_log_in_with_it(browser_page, live_server, settings):
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [live_server.url]
    user = make_staff("browser-passkey", Role.SUPERVISOR)
    page = browser_page
    add_virtual_authenticator(page)
    log_in(page, live_server.url, user)

    page.goto(f"{live_server.url}/accounts/second-factor/")
    page.click("#passkey-register-button")
    # (no wait_for_function: it evaluates a string, which our CSP rightly forbids)
    expect(page.locator("#passkey-register-status-message")).to_have_text(re.compile(r"\S"))
    assert user.webauthncredential_set.filter(confirmed=True).count() == 1

    page.click(".site-header .who button")  # ログアウト
    page.wait_for_url(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{live_server.url}/accounts/login/otp/")
    page.click("#passkey-verification-button")
    page.wait_for_url(f"{live_server.url}/")
    assert page.locator("main h1").inner_text().startswith("ホーム")
    assert page.csp_violations == []


def test_an_authenticator_that_cannot_verify_the_user_is_refused(
    browser_page, live_server, settings
):
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [live_server.url]
    user = make_staff("browser-no-uv", Role.COUNTER)
    page = browser_page
    add_virtual_authenticator(page, user_verified=False)
    log_in(page, live_server.url, user)
    page.goto(f"{live_server.url}/accounts/second-factor/")
    page.click("#passkey-register-button")
    expect(page.locator("#passkey-register-status-message")).to_have_text(re.compile(r"\S"))
    assert user.webauthncredential_set.count() == 0
