"""Password rules (SECURITY.md attack 6): length, common, numeric, similar, no reuse of the last 5,
expiry after PASSWORD_EXPIRY_DAYS, and a forced change at first login and after an admin reset."""

from datetime import timedelta

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from kokumin_nenkin.accounts.models import PasswordHistory, Staff
from kokumin_nenkin.accounts.services import staff_change_own_password, staff_reset_password
from tests.conftest import PASSWORD, login, totp_for

CHANGE = reverse("accounts:password_change")


def change(client: Client, old: str, new: str, confirm: str | None = None):
    return client.post(
        CHANGE, {"old_password": old, "new_password1": new, "new_password2": confirm or new}
    )


@pytest.mark.django_db
class TestNewPasswordRules:
    @pytest.mark.parametrize(
        "new,message",
        [
            ("Short-1a", "このパスワードは短すぎます。最低 12 文字以上必要です。"),
            ("314159265358979", "このパスワードは数字しか使われていません。"),
            ("password1234", "このパスワードは一般的すぎます。"),
            ("kakunin12345", "このパスワードは ユーザー名 と似すぎています。"),
            (PASSWORD, "直近5回に使用したパスワードは再利用できません。"),
        ],
    )
    def test_weak_or_reused_password_is_refused_in_japanese(self, client_for, cast, new, message):
        client = client_for("kakunin")
        response = change(client, PASSWORD, new)
        assert response.status_code == 200
        html = response.content.decode()
        assert message.split("。")[0] in html.replace("&#x27;", "'")
        cast["kakunin"].refresh_from_db()
        assert cast["kakunin"].check_password(PASSWORD)

    @pytest.mark.parametrize(
        "new",
        [
            "Kumagaya-Test-Pass-2027",  # only the digits differ
            "Kumagaya-Test-Pass-99",  # digits removed and changed
            "Kumagaya-Test-Pass-2026!",  # one character added
            "Kumagaya-Tost-Pass-2026",  # one character changed
            "KUMAGAYA-TEST-PASS-2026",  # only the case differs
        ],
    )
    def test_a_password_similar_to_the_current_one_is_refused(self, client_for, cast, new):
        """Issue 11, item 10 (seed: 類似のパスワードの再利用を禁止)."""
        assert PASSWORD == "Kumagaya-Test-Pass-2026"
        response = change(client_for("kakunin"), PASSWORD, new)
        assert response.status_code == 200
        assert "現在のパスワードに似ています" in response.content.decode()
        cast["kakunin"].refresh_from_db()
        assert cast["kakunin"].check_password(PASSWORD)

    def test_wrong_current_password_is_refused(self, client_for, cast):
        response = change(client_for("kakunin"), "not-my-password-99", "Brand-New-Secret-77")
        assert "現在のパスワードが正しくありません。" in response.content.decode()

    def test_confirmation_must_match(self, client_for):
        response = change(client_for("kakunin"), PASSWORD, "Brand-New-Secret-77", "Other-One-77x")
        assert "確認用のパスワードが一致しません。" in response.content.decode()

    def test_a_good_password_is_accepted_and_the_session_survives(self, client_for, cast):
        client = client_for("kakunin")
        response = change(client, PASSWORD, "Brand-New-Secret-77")
        assert response.status_code == 302
        assert client.get("/").status_code == 200
        cast["kakunin"].refresh_from_db()
        assert cast["kakunin"].check_password("Brand-New-Secret-77")


@pytest.mark.django_db
def test_none_of_the_last_five_passwords_may_be_reused(cast):
    user = cast["madoguchi"]
    used = [f"Rotation-Secret-{i:02d}x" for i in range(6)]
    for new in used:
        staff_change_own_password(staff=user, new_password=new, actor=user)
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    for recent in used[-5:]:
        with pytest.raises(ValidationError, match="直近5回"):
            validate_password(recent, user)
    # The initial password and the first rotation are now 6 and 7 changes back: allowed again.
    validate_password(PASSWORD, user)
    validate_password(used[0], user)
    assert PasswordHistory.objects.filter(staff=user).count() == 7
    assert all(h.password.startswith("md5$") for h in PasswordHistory.objects.filter(staff=user))


def _all_staff_get_urls():
    from kokumin_nenkin.accounts.access import OTP_PENDING, PUBLIC, declared_access
    from tests.urlconf import ALL_PATTERNS, sample_path

    return [
        sample_path(route)
        for route, p in ALL_PATTERNS
        if declared_access(p.callback) not in (PUBLIC, OTP_PENDING)
    ]


@pytest.mark.django_db
def test_expired_password_sends_every_url_to_the_change_page(cast, settings):
    settings.PASSWORD_EXPIRY_DAYS = 90
    user = cast["kakunin"]
    Staff.objects.filter(pk=user.pk).update(
        password_changed_at=timezone.now() - timedelta(days=90, minutes=1)
    )
    client = login(Client(), user)  # both factors first: the code proves who is changing it
    for url in _all_staff_get_urls():
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == CHANGE, url
    page = client.get(CHANGE).content.decode()
    assert "パスワードの有効期限が切れています" in page
    assert change(client, PASSWORD, "Brand-New-Secret-77").status_code == 302
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_password_younger_than_the_expiry_is_not_forced(cast, settings):
    settings.PASSWORD_EXPIRY_DAYS = 90
    user = cast["kakunin"]
    Staff.objects.filter(pk=user.pk).update(password_changed_at=timezone.now() - timedelta(days=89))
    assert login(Client(), user).get("/").status_code == 200


@pytest.mark.django_db
def test_admin_reset_forces_a_change_after_the_second_factor(cast):
    user = cast["madoguchi"]
    temporary = staff_reset_password(staff=user, actor=cast["kanri"]).password
    client = Client()
    response = client.post(
        reverse("accounts:login"), {"username": user.username, "password": temporary}
    )
    assert response["Location"] == reverse("accounts:otp")  # the device was kept
    response = client.post(reverse("accounts:otp"), {"token": totp_for(user)})
    assert response["Location"] == CHANGE
    assert client.get("/")["Location"] == CHANGE
    assert "仮パスワードでログインしています" in client.get(CHANGE).content.decode()
    assert change(client, temporary, "Brand-New-Secret-77")["Location"] == "/"
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_admin_reset_ends_the_users_open_sessions(cast):
    user = cast["madoguchi"]
    client = login(Client(), user)
    assert client.get("/").status_code == 200
    staff_reset_password(staff=user, actor=cast["kanri"])
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


ARGON2_FIRST = [
    "kokumin_nenkin.accounts.hashers.SizedArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]


@pytest.mark.django_db
def test_production_hashes_with_argon2id_sized_for_the_server():
    from django.conf import settings as django_settings
    from django.contrib.auth.hashers import get_hasher, identify_hasher

    from kokumin_nenkin.settings import base

    assert base.PASSWORD_HASHERS[0] == ARGON2_FIRST[0]
    with override_settings(PASSWORD_HASHERS=base.PASSWORD_HASHERS):
        encoded = get_hasher().encode("Kumagaya-Test-Pass-2026", get_hasher().salt())
        assert encoded.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
        assert not identify_hasher(encoded).must_update(encoded)
    assert django_settings.PASSWORD_HASHERS  # the test settings keep their fast hasher


@pytest.mark.django_db
def test_an_old_pbkdf2_hash_is_remade_with_argon2id_at_the_next_login(cast):
    """The upgrade is not a password change: the expiry clock and the history stay as they were,
    and the same password logs in again."""
    from django.contrib.auth.hashers import make_password

    user = cast["madoguchi"]
    with override_settings(PASSWORD_HASHERS=ARGON2_FIRST):
        old = make_password(PASSWORD, hasher="pbkdf2_sha256")
        Staff.objects.filter(pk=user.pk).update(password=old)
        user.refresh_from_db()
        changed_at, history = user.password_changed_at, PasswordHistory.objects.filter(staff=user)
        kept = history.count()

        login(Client(), user)

        user.refresh_from_db()
        assert user.password.startswith("argon2$argon2id$")
        assert user.password_changed_at == changed_at
        assert history.count() == kept
        upgraded = user.password
        assert user.check_password(PASSWORD)  # the new hash checks the same password
        assert Staff.objects.get(pk=user.pk).password == upgraded  # and is not re-made again
