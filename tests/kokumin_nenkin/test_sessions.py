"""Sessions (SECURITY.md attack 5): idle and absolute timeouts on the server, a warning page script,
logout and deactivation end the session, the session id changes at login."""

import re

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from kokumin_nenkin.accounts import session as kn_session
from kokumin_nenkin.accounts.services import staff_deactivate
from tests.conftest import login

LOGIN = reverse("accounts:login")


def shift_clock(client: Client, key: str, seconds: int) -> None:
    """Pretend the session's clock `key` was set `seconds` earlier."""
    store = client.session
    store[key] = store[key] - seconds
    store.save()


@pytest.mark.django_db
class TestIdleTimeout:
    def test_idle_past_the_timeout_goes_to_the_login_page(self, cast, settings):
        settings.SESSION_IDLE_SECONDS = 900
        client = login(Client(), cast["kakunin"])
        old_key = client.session.session_key
        shift_clock(client, kn_session.SEEN_AT, 901)
        response = client.get("/")
        assert response.status_code == 302
        assert response["Location"].startswith(LOGIN)
        assert not Session.objects.filter(session_key=old_key).exists()
        page = client.get(response["Location"]).content.decode()
        assert "一定時間操作がなかったため、ログアウトしました" in page
        assert client.get("/").status_code == 302  # still logged out

    def test_activity_within_the_timeout_keeps_the_session(self, cast, settings):
        settings.SESSION_IDLE_SECONDS = 900
        client = login(Client(), cast["kakunin"])
        for _ in range(3):
            shift_clock(client, kn_session.SEEN_AT, 800)
            assert client.get("/").status_code == 200

    def test_continue_on_the_warning_resets_the_idle_clock(self, cast, settings):
        settings.SESSION_IDLE_SECONDS = 900
        client = login(Client(), cast["kakunin"])
        shift_clock(client, kn_session.SEEN_AT, 800)
        assert client.post(reverse("accounts:session_ping")).status_code == 204
        shift_clock(client, kn_session.SEEN_AT, 800)
        assert client.get("/").status_code == 200

    def test_ping_after_the_timeout_does_not_revive_the_session(self, cast, settings):
        settings.SESSION_IDLE_SECONDS = 900
        client = login(Client(), cast["kakunin"])
        shift_clock(client, kn_session.SEEN_AT, 901)
        response = client.post(reverse("accounts:session_ping"))
        assert response.status_code == 302
        assert client.get("/").status_code == 302

    def test_every_staff_page_carries_the_idle_lock_script(self, client_for, settings):
        settings.SESSION_IDLE_SECONDS = 600
        settings.SESSION_IDLE_WARNING_SECONDS = 90
        html = client_for("kakunin").get("/").content.decode()
        assert 'data-idle-seconds="600"' in html and 'data-warning-seconds="90"' in html
        assert re.search(r'<script src="/static/js/idle\.js" nonce="[^"]+" defer></script>', html)
        assert "まもなく自動的にログアウトします" in html
        assert "画面をロックしました" in html

    def test_the_login_page_has_no_idle_lock(self, client):
        assert "idle-lock" not in client.get(LOGIN).content.decode()


@pytest.mark.django_db
def test_absolute_timeout_ends_even_an_active_session(cast, settings):
    settings.SESSION_ABSOLUTE_SECONDS = 8 * 3600
    client = login(Client(), cast["kakunin"])
    shift_clock(client, kn_session.AUTH_AT, 8 * 3600 + 1)
    response = client.get("/")
    assert response["Location"].startswith(LOGIN)
    assert "ログインの有効時間を過ぎた" in client.get(response["Location"]).content.decode()


@pytest.mark.django_db
def test_a_deactivated_users_open_session_goes_to_the_login_page(cast):
    client = login(Client(), cast["madoguchi"])
    assert client.get("/").status_code == 200
    staff_deactivate(staff=cast["madoguchi"], actor=cast["kanri"])
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


@pytest.mark.django_db
def test_session_id_changes_at_login_and_at_the_second_factor(cast):
    from tests.conftest import PASSWORD, totp_for

    client = Client()
    client.get(LOGIN)
    client.post(LOGIN, {"username": "x", "password": "y-not-right-123"})
    anonymous = client.session.session_key
    client.post(LOGIN, {"username": "kakunin", "password": PASSWORD})
    after_password = client.session.session_key
    client.post(reverse("accounts:otp"), {"token": totp_for(cast["kakunin"])})
    after_code = client.session.session_key
    assert len({anonymous, after_password, after_code}) == 3
    assert not Session.objects.filter(session_key__in=[anonymous, after_password]).exists()
