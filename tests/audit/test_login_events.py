"""Login, logout, failures, second factor, lock-out and account changes are audit rows; the
address is the trusted one (SECURITY.md attack 12); a password is never stored."""

import json

import pytest
from django.dispatch import Signal
from django.test import Client, override_settings
from django.urls import reverse

from audit import context, receivers
from audit.models import Action, AuditEvent
from kokumin_nenkin.accounts.signals import staff_account_changed
from tests.conftest import PASSWORD, login

pytestmark = pytest.mark.django_db


def actions() -> list[tuple[str, str | None, dict]]:
    return [
        (e.action, e.actor.username if e.actor else None, e.details)
        for e in AuditEvent.objects.select_related("actor")
    ]


def all_audit_text() -> str:
    return json.dumps(list(AuditEvent.objects.values()), default=str, ensure_ascii=False)


def test_a_full_login_records_both_steps_with_actor_office_and_address(cast):
    login(Client(), cast["kakunin"])
    events = list(AuditEvent.objects.all())
    assert [(e.action, e.details.get("段階")) for e in events] == [
        (Action.LOGIN, "password"),
        (Action.LOGIN, "second_factor"),
    ]
    assert events[1].details["方式"] == "totp"
    for event in events:
        assert event.actor == cast["kakunin"]
        assert event.office == cast["kakunin"].office
        assert event.client_ip == "127.0.0.1"
        assert len(event.request_id) == 32
    assert events[0].request_id != events[1].request_id


def test_a_wrong_password_keeps_the_username_tried_and_never_the_password(client, cast):
    wrong = "Wrong-Password-Zebra-42"
    client.post(reverse("accounts:login"), {"username": "madoguchi", "password": wrong})
    assert actions() == [(Action.LOGIN_FAILURE, None, {"ユーザーID": "madoguchi"})]
    assert wrong not in all_audit_text()
    assert PASSWORD not in all_audit_text()


def test_a_my_number_typed_as_user_id_is_recorded_without_the_digits(client, cast):
    response = client.post(
        reverse("accounts:login"), {"username": "1234-5678-9012", "password": "x" * 12}
    )
    assert response.status_code == 200
    event = AuditEvent.objects.get()
    assert event.action == Action.LOGIN_FAILURE
    assert "5678" not in all_audit_text()


def test_a_wrong_second_factor_is_recorded(client, cast):
    client.post(reverse("accounts:login"), {"username": "kakunin", "password": PASSWORD})
    client.post(reverse("accounts:otp"), {"token": "000000"})
    assert actions()[-1] == (Action.SECOND_FACTOR_FAILURE, "kakunin", {"方式": "totp"})


def test_logout_is_recorded(cast):
    client = login(Client(), cast["madoguchi"])
    client.post(reverse("accounts:logout"))
    assert actions()[-1] == (Action.LOGOUT, "madoguchi", {})


def test_staff_account_change_is_recorded_against_the_changed_account(cast):
    staff_account_changed.send(
        sender=None,
        request=None,
        actor=cast["kanri"],
        staff=cast["madoguchi"],
        change="role",
        details={
            "変更前": "窓口担当",
            "変更後": "確認担当",
            "temporary_password": "Tmp-Secret-99",
            "仮パスワード": "Tmp-Secret-98",
        },
    )
    event = AuditEvent.objects.get()
    assert event.action == Action.ACCOUNT_CHANGE
    assert event.actor == cast["kanri"]
    assert event.object_type == "accounts.Staff"
    assert event.object_id == str(cast["madoguchi"].pk)
    assert event.details["変更内容"] == "role"
    assert event.details["詳細"] == {"変更前": "窓口担当", "変更後": "確認担当"}
    assert "Tmp-Secret-99" not in all_audit_text() and "Tmp-Secret-98" not in all_audit_text()


def test_lockout_is_recorded_with_our_address_not_the_one_axes_computed(db):
    signal = Signal()
    receivers.connect_lockout(signal)
    token = context.bind(context.AuditContext(client_ip="192.0.2.10", request_id="r" * 32))
    try:
        signal.send("axes", request=None, username="madoguchi", ip_address="198.51.100.66")
    finally:
        context.reset(token)
    event = AuditEvent.objects.get()
    assert (event.action, event.client_ip, event.details) == (
        Action.LOCKOUT,
        "192.0.2.10",
        {"ユーザーID": "madoguchi"},
    )


def test_axes_lockout_signal_is_connected(db):
    from axes.signals import user_locked_out

    user_locked_out.send("axes", request=None, username="madoguchi", ip_address="198.51.100.66")
    assert AuditEvent.objects.get().action == Action.LOCKOUT


class TestForgedForwardedFor:
    """SECURITY.md attack 12: a forged X-Forwarded-For is not recorded as the client address."""

    def failed_login_from(self, remote: str, forwarded: str) -> str:
        Client(REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded).post(
            reverse("accounts:login"), {"username": "ghost", "password": "x" * 12}
        )
        return AuditEvent.objects.latest("chain_position").client_ip

    def test_without_a_trusted_proxy_the_header_is_ignored(self, cast):
        assert self.failed_login_from("192.0.2.50", "203.0.113.7") == "192.0.2.50"

    @override_settings(TRUSTED_PROXIES=["10.0.0.0/8"])
    def test_a_client_not_in_trusted_proxies_cannot_forge_it(self, cast):
        assert self.failed_login_from("192.0.2.50", "203.0.113.7") == "192.0.2.50"

    @override_settings(TRUSTED_PROXIES=["10.0.0.0/8"])
    def test_behind_the_trusted_proxy_the_right_most_untrusted_hop_is_kept(self, cast):
        # The client prepended a fake hop; the proxy appended the address it actually saw.
        assert self.failed_login_from("10.0.0.1", "203.0.113.7, 198.51.100.20") == ("198.51.100.20")


def test_real_lockout_through_axes_is_recorded_with_the_trusted_address(cast, settings):
    """SECURITY.md attack 3 (audit side) and 12: five wrong passwords from one address, with a
    forged X-Forwarded-For, leave five failures and a lock-out at the real address."""
    settings.TRUSTED_PROXIES = []
    client = Client(REMOTE_ADDR="192.0.2.77", HTTP_X_FORWARDED_FOR="203.0.113.1")
    responses = [
        client.post(
            reverse("accounts:login"), {"username": "madoguchi", "password": "Wrong-Pass-1234"}
        )
        for _ in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert responses[-1].status_code == 429
    events = list(AuditEvent.objects.all())
    assert [e.action for e in events].count(Action.LOGIN_FAILURE) == settings.AXES_FAILURE_LIMIT
    (lockout,) = [e for e in events if e.action == Action.LOCKOUT]
    assert lockout.details == {"ユーザーID": "madoguchi"}
    assert {e.client_ip for e in events} == {"192.0.2.77"}
    assert "Wrong-Pass-1234" not in all_audit_text()
