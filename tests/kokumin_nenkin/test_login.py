"""Login = password + TOTP; nothing is served before both; messages never say which part failed."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD, login, totp_for

LOGIN_FAILED = "ユーザーIDまたはパスワードが正しくありません。"


@pytest.mark.django_db
class TestPasswordStep:
    def test_login_page_is_japanese(self, client):
        response = client.get(reverse("accounts:login"))
        html = response.content.decode()
        assert response.status_code == 200
        assert '<html lang="ja">' in html
        assert "ユーザーID" in html and "パスワード" in html

    @pytest.mark.parametrize(
        "username,password",
        [("madoguchi", "wrong-password-123"), ("nobody-here", PASSWORD), ("madoguchi", "")],
    )
    def test_wrong_user_or_password_gives_one_message(self, client, cast, username, password):
        response = client.post(
            reverse("accounts:login"), {"username": username, "password": password}
        )
        assert response.status_code == 200
        html = response.content.decode()
        if password:
            assert LOGIN_FAILED in html
        else:
            assert "このフィールドは必須です。" in html
        assert "_auth_user_id" not in client.session

    def test_deactivated_user_cannot_log_in(self, client, cast):
        cast["madoguchi"].is_active = False
        cast["madoguchi"].save()
        response = client.post(
            reverse("accounts:login"), {"username": "madoguchi", "password": PASSWORD}
        )
        assert LOGIN_FAILED in response.content.decode()


@pytest.mark.django_db
class TestSecondFactor:
    def test_password_alone_serves_no_data(self, client, cast):
        client.post(reverse("accounts:login"), {"username": "kakunin", "password": PASSWORD})
        for url in ["/", "/healthz"]:
            response = client.get(url)
            if url == "/healthz":
                assert response.status_code == 200
            else:
                assert response.status_code == 302
                assert response["Location"] == reverse("accounts:otp")

    def test_wrong_code_is_refused_in_japanese(self, client, cast):
        client.post(reverse("accounts:login"), {"username": "kakunin", "password": PASSWORD})
        right = totp_for(cast["kakunin"])
        wrong = f"{(int(right) + 1) % 1_000_000:06d}"
        response = client.post(reverse("accounts:otp"), {"token": wrong})
        assert response.status_code == 200
        assert "確認コードが正しくありません" in response.content.decode()
        assert client.get("/").status_code == 302

    def test_malformed_code_names_the_format(self, client, cast):
        client.post(reverse("accounts:login"), {"username": "kakunin", "password": PASSWORD})
        response = client.post(reverse("accounts:otp"), {"token": "12ab"})
        assert "6桁の数字" in response.content.decode()

    def test_both_factors_reach_the_home_page(self, client, cast):
        login(client, cast["kakunin"])
        response = client.get("/")
        html = response.content.decode()
        assert response.status_code == 200
        assert "確認担当" in html and "本庁 保険年金課" in html

    def test_session_id_changes_at_each_step(self, client, cast):
        client.get(reverse("accounts:login"))
        client.post(reverse("accounts:login"), {"username": "kakunin", "password": PASSWORD})
        after_password = client.session.session_key
        client.post(reverse("accounts:otp"), {"token": totp_for(cast["kakunin"])})
        after_code = client.session.session_key
        assert after_password and after_code and after_password != after_code

    def test_next_url_is_kept_through_both_steps(self, client, cast):
        response = client.get("/")
        assert response["Location"].startswith(reverse("accounts:login") + "?next=")
        client.post(
            reverse("accounts:login"),
            {"username": "kakunin", "password": PASSWORD, "next": "/?tab=1"},
        )
        response = client.post(reverse("accounts:otp"), {"token": totp_for(cast["kakunin"])})
        assert response["Location"] == "/?tab=1"

    def test_foreign_next_url_is_ignored(self, client, cast):
        client.post(
            reverse("accounts:login"),
            {"username": "kakunin", "password": PASSWORD, "next": "https://evil.example/"},
        )
        response = client.post(reverse("accounts:otp"), {"token": totp_for(cast["kakunin"])})
        assert response["Location"] == "/"


@pytest.mark.django_db
def test_logout_ends_the_session_on_the_server(cast):
    client = login(Client(), cast["madoguchi"])
    cookie = client.cookies["sessionid"].value
    client.post(reverse("accounts:logout"))
    replay = Client()
    replay.cookies["sessionid"] = cookie
    response = replay.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.django_db
def test_logout_needs_post_and_csrf(cast):
    logged_in = login(Client(), cast["madoguchi"])
    client = Client(enforce_csrf_checks=True)
    client.cookies = logged_in.cookies
    # a GET does not log out: back to the home page with a message (no bare 405, issue 14)
    assert client.get(reverse("accounts:logout"))["Location"] == "/"
    assert client.get("/").status_code == 200  # still logged in
    assert client.post(reverse("accounts:logout")).status_code == 403


@pytest.mark.django_db
def test_password_alone_opens_no_url_at_all(cast):
    """SECURITY.md attack 1: after the password, every URL pattern that is not a login step or
    public sends the user to the second-factor step and serves nothing."""
    from kokumin_nenkin.accounts.access import OTP_PENDING, PUBLIC, declared_access
    from tests.urlconf import ALL_PATTERNS, sample_path

    client = Client(raise_request_exception=False)
    client.post(reverse("accounts:login"), {"username": "kanri", "password": PASSWORD})
    checked = 0
    for route, pattern in ALL_PATTERNS:
        if declared_access(pattern.callback) in (PUBLIC, OTP_PENDING):
            continue
        for method in (client.get, client.post):
            response = method(sample_path(route))
            assert response.status_code == 302, route
            assert response["Location"] == reverse("accounts:otp"), route
            checked += 1
    assert checked >= 20
