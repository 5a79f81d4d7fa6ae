"""Passkeys (SECURITY.md attack 2): a second factor with user verification required; a
passwordless passkey login is refused."""

import json

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client, RequestFactory
from django.urls import reverse
from django_otp_webauthn.models import WebAuthnCredential

from kokumin_nenkin.accounts import webauthn as kn_webauthn
from kokumin_nenkin.accounts.signals import second_factor_failed, second_factor_passed
from tests.conftest import PASSWORD, login
from tests.kokumin_nenkin.softauthn import SoftAuthenticator
from tests.kokumin_nenkin.test_lockout import Caught

AUTH_BEGIN = reverse("otp_webauthn:credential-authentication-begin")
AUTH_COMPLETE = reverse("otp_webauthn:credential-authentication-complete")
REG_BEGIN = reverse("otp_webauthn:credential-registration-begin")
REG_COMPLETE = reverse("otp_webauthn:credential-registration-complete")


def post_json(client: Client, url: str, data: dict | None = None):
    return client.post(url, json.dumps(data or {}), content_type="application/json")


def register_passkey(client: Client, authenticator: SoftAuthenticator):
    options = post_json(client, REG_BEGIN).json()
    return post_json(client, REG_COMPLETE, authenticator.create(options))


@pytest.fixture
def enrolled(cast):
    """kakunin with a registered passkey (registered after a TOTP login), and the authenticator."""
    authenticator = SoftAuthenticator()
    response = register_passkey(login(Client(), cast["kakunin"]), authenticator)
    assert response.status_code == 200, response.content
    return cast["kakunin"], authenticator


def password_only(user) -> Client:
    client = Client()
    client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
    return client


@pytest.mark.django_db
class TestPasswordless:
    def test_the_setting_is_off(self, settings):
        assert settings.OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN is False

    def test_anonymous_passkey_ceremony_is_refused(self, enrolled):
        client = Client()
        response = post_json(client, AUTH_BEGIN)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
        assert "otp_webauthn_authentication_state" not in client.session
        assert client.get("/")["Location"].startswith(reverse("accounts:login"))

    @pytest.mark.parametrize("setting", [False, True])
    def test_the_view_itself_refuses_anonymous_even_if_the_setting_is_on(
        self, enrolled, settings, setting
    ):
        settings.OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = setting
        request = RequestFactory().post(AUTH_BEGIN, "{}", content_type="application/json")
        request.user = AnonymousUser()
        request.session = SessionStore()
        response = kn_webauthn.PasskeyAuthBegin.as_view()(request)
        assert response.status_code == 403
        assert json.loads(response.content)["code"] == "passwordless_login_disabled"

    def test_a_full_passkey_assertion_without_a_password_does_not_log_in(self, enrolled):
        user, authenticator = enrolled
        attacker = Client()
        # Options obtained from a password-logged-in session, replayed in a fresh one.
        options = post_json(password_only(user), AUTH_BEGIN).json()
        response = post_json(attacker, AUTH_COMPLETE, authenticator.get(options))
        assert response.status_code == 302
        assert "_auth_user_id" not in attacker.session


@pytest.mark.django_db
class TestPasskeyAsSecondFactor:
    def test_registration_requires_user_verification(self, client_for):
        options = post_json(client_for("kakunin"), REG_BEGIN).json()
        assert options["authenticatorSelection"]["userVerification"] == "required"
        assert options["authenticatorSelection"]["residentKey"] == "discouraged"

    def test_a_password_only_session_cannot_register_a_passkey(self, cast):
        client = password_only(cast["kakunin"])
        response = post_json(client, REG_BEGIN)
        assert response.status_code == 302
        assert response["Location"] == reverse("accounts:otp")

    def test_a_passkey_without_user_verification_cannot_be_registered(self, client_for):
        response = register_passkey(client_for("kakunin"), SoftAuthenticator(user_verified=False))
        assert response.status_code >= 400
        assert not WebAuthnCredential.objects.exists()

    def test_password_then_passkey_logs_in_with_a_new_session_id(self, enrolled):
        user, authenticator = enrolled
        client = password_only(user)
        options = post_json(client, AUTH_BEGIN).json()
        assert options["userVerification"] == "required"
        before = client.session.session_key
        with Caught(second_factor_passed) as passed:
            response = post_json(client, AUTH_COMPLETE, authenticator.get(options))
        assert response.status_code == 200, response.content
        assert response.json()["redirect_url"] == "/"
        assert client.session.session_key != before
        assert passed.calls and passed.calls[0]["user"] == user
        assert client.get("/").status_code == 200

    def test_an_assertion_without_user_verification_is_refused(self, enrolled):
        user, authenticator = enrolled
        authenticator.user_verified = False
        client = password_only(user)
        options = post_json(client, AUTH_BEGIN).json()
        with Caught(second_factor_failed) as failed:
            response = post_json(client, AUTH_COMPLETE, authenticator.get(options))
        assert response.status_code >= 400
        assert failed.calls and failed.calls[0]["method"] == "passkey"
        assert client.get("/")["Location"] == reverse("accounts:otp")

    def test_another_users_passkey_is_refused(self, enrolled, cast):
        _, authenticator = enrolled
        client = password_only(cast["kakunin2"])
        options = post_json(client, AUTH_BEGIN).json()
        response = post_json(client, AUTH_COMPLETE, authenticator.get(options))
        assert response.status_code >= 400
        assert client.get("/")["Location"] == reverse("accounts:otp")

    def test_the_otp_page_offers_the_passkey_only_to_its_owner(self, enrolled, cast):
        html = password_only(enrolled[0]).get(reverse("accounts:otp")).content.decode()
        assert 'id="passkey-verification-placeholder"' in html
        assert 'src="/static/django_otp_webauthn/otp_webauthn_auth.js"' in html
        other = password_only(cast["kakunin2"]).get(reverse("accounts:otp")).content.decode()
        assert "passkey-verification" not in other

    def test_an_admin_second_factor_reset_removes_passkeys_too(self, enrolled, cast):
        from kokumin_nenkin.accounts.services import staff_reset_second_factor

        assert staff_reset_second_factor(staff=enrolled[0], actor=cast["kanri"]) == 2
        assert not WebAuthnCredential.objects.exists()


@pytest.mark.django_db
def test_the_second_factor_page_offers_passkey_registration(cast):
    client = login(Client(), cast["kakunin"])
    html = client.get(reverse("accounts:second_factor")).content.decode()
    assert "登録済みです" in html and 'class="passkeys"' not in html
    assert 'id="passkey-registration-placeholder"' in html
    assert 'src="/static/django_otp_webauthn/otp_webauthn_register.js"' in html
    assert register_passkey(client, SoftAuthenticator()).status_code == 200
    html = client.get(reverse("accounts:second_factor")).content.decode()
    listed = html.split('<ul class="passkeys">')[1].split("</ul>")[0]
    assert listed.count("<li>") == 1  # the new passkey is listed
