"""Lock-out (SECURITY.md attacks 3, 4 and 12): repeated wrong passwords lock the user ID even for
the right password; guessing second-factor codes is throttled; every failure is signalled for the
audit log; the recorded client address is never a forged X-Forwarded-For."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.contrib.auth.signals import user_login_failed
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kokumin_nenkin.accounts.services import staff_reset_password
from kokumin_nenkin.accounts.signals import second_factor_failed
from tests.conftest import PASSWORD, totp_for

LOGIN = reverse("accounts:login")
OTP = reverse("accounts:otp")


class Caught:
    def __init__(self, signal):
        self.signal, self.calls = signal, []

    def __enter__(self):
        self.signal.connect(self._receive)
        return self

    def __exit__(self, *exc):
        self.signal.disconnect(self._receive)

    def _receive(self, sender, **kwargs):
        self.calls.append(kwargs)


def fail(client: Client, username: str, times: int, **extra):
    for _ in range(times):
        client.post(LOGIN, {"username": username, "password": "wrong-password-123"}, **extra)


@pytest.mark.django_db
class TestPasswordLockout:
    def test_four_failures_do_not_lock(self, cast):
        client = Client()
        fail(client, "madoguchi", 4)
        response = client.post(LOGIN, {"username": "madoguchi", "password": PASSWORD})
        assert response.status_code == 302

    def test_five_failures_lock_even_the_right_password(self, cast, settings):
        assert settings.AXES_FAILURE_LIMIT == 5
        client = Client()
        with Caught(user_login_failed) as failed, Caught(user_locked_out) as locked:
            fail(client, "madoguchi", 5)
            response = Client().post(LOGIN, {"username": "madoguchi", "password": PASSWORD})
        assert response.status_code == 429
        html = response.content.decode()
        assert "ログインを一時停止しています" in html and "15分間" in html
        assert "_auth_user_id" not in client.session
        assert len(failed.calls) >= 5
        assert locked.calls and locked.calls[0]["username"] == "madoguchi"

    def test_the_lock_is_per_user_id(self, cast):
        fail(Client(), "madoguchi", 5, REMOTE_ADDR="10.1.2.3")
        other_pc = Client(REMOTE_ADDR="10.1.2.4")
        assert (
            other_pc.post(LOGIN, {"username": "kakunin", "password": PASSWORD}).status_code == 302
        )
        assert (
            other_pc.post(LOGIN, {"username": "madoguchi", "password": PASSWORD}).status_code == 429
        )

    def test_guessing_many_user_ids_from_one_address_locks_the_address(self, cast):
        for name in ["madoguchi", "oosato", "kakunin", "kakunin2", "shintatsu"]:
            fail(Client(), name, 1, REMOTE_ADDR="10.1.2.3")
        same_pc = Client(REMOTE_ADDR="10.1.2.3")
        assert same_pc.post(LOGIN, {"username": "kansa", "password": PASSWORD}).status_code == 429
        other_pc = Client(REMOTE_ADDR="10.1.2.4")
        assert other_pc.post(LOGIN, {"username": "kansa", "password": PASSWORD}).status_code == 302

    def test_failures_older_than_the_window_do_not_count(self, cast):
        fail(Client(), "madoguchi", 4)
        AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
        from axes.models import AccessAttemptExpiration

        AccessAttemptExpiration.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
        fail(Client(), "madoguchi", 1)
        response = Client().post(LOGIN, {"username": "madoguchi", "password": PASSWORD})
        assert response.status_code == 302

    def test_an_admin_password_reset_lifts_the_lock(self, cast):
        fail(Client(), "madoguchi", 5)
        temporary = staff_reset_password(staff=cast["madoguchi"], actor=cast["kanri"]).password
        response = Client().post(LOGIN, {"username": "madoguchi", "password": temporary})
        assert response.status_code == 302


@pytest.mark.django_db
class TestClientAddress:
    def test_forged_x_forwarded_for_is_not_recorded(self, cast, settings):
        settings.TRUSTED_PROXIES = []
        fail(Client(), "madoguchi", 1, HTTP_X_FORWARDED_FOR="203.0.113.77", REMOTE_ADDR="10.1.2.3")
        attempt = AccessAttempt.objects.get(username="madoguchi")
        assert attempt.ip_address == "10.1.2.3"

    def test_the_trusted_proxy_is_believed(self, cast, settings):
        settings.TRUSTED_PROXIES = ["10.1.2.0/24"]
        fail(
            Client(),
            "madoguchi",
            1,
            HTTP_X_FORWARDED_FOR="198.51.100.5, 203.0.113.77",
            REMOTE_ADDR="10.1.2.3",
        )
        # Right-most hop not in the trusted proxies: the client as our own proxy saw it.
        assert AccessAttempt.objects.get(username="madoguchi").ip_address == "203.0.113.77"


@pytest.mark.django_db
class TestSecondFactorThrottling:
    def _after_password(self, user) -> Client:
        client = Client()
        client.post(LOGIN, {"username": user.username, "password": PASSWORD})
        return client

    def _wrong(self, user) -> str:
        return f"{(int(totp_for(user)) + 500_000) % 1_000_000:06d}"

    def test_right_code_right_after_a_wrong_one_is_refused(self, cast):
        user = cast["kakunin"]
        client = self._after_password(user)
        with Caught(second_factor_failed) as failed:
            client.post(OTP, {"token": self._wrong(user)})
            response = client.post(OTP, {"token": totp_for(user)})
        assert response.status_code == 200
        assert "しばらく入力できません" in response.content.decode()
        assert client.get("/").status_code == 302
        assert len(failed.calls) == 2
        assert failed.calls[0]["user"] == user and failed.calls[1]["throttled"] is True

    def test_the_wait_doubles_with_each_failure(self, cast):
        user = cast["kakunin"]
        client = self._after_password(user)
        device = user.totpdevice_set.get()
        for expected in (1, 2, 3):
            device.refresh_from_db()
            device.throttling_failure_timestamp = timezone.now() - timedelta(hours=1)
            device.save()
            client.post(OTP, {"token": self._wrong(user)})
            device.refresh_from_db()
            assert device.throttling_failure_count == expected
        allowed, info = device.verify_is_allowed()
        assert not allowed
        wait = info["locked_until"] - device.throttling_failure_timestamp
        assert wait == timedelta(seconds=4)

    def test_after_the_wait_the_right_code_works(self, cast):
        user = cast["kakunin"]
        client = self._after_password(user)
        client.post(OTP, {"token": self._wrong(user)})
        device = user.totpdevice_set.get()
        device.throttling_failure_timestamp = timezone.now() - timedelta(seconds=5)
        device.save()
        response = client.post(OTP, {"token": totp_for(user)})
        assert response.status_code == 302
        assert client.get("/").status_code == 200
