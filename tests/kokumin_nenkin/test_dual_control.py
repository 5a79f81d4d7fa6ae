"""Issue 11, items 1 and 2: one システム管理者 alone can no longer set up accounts and use them
to enter and approve; every account change a second administrator approves, the temporary
password is shown once on a notice and stored hashed, an account whose credentials an
administrator set cannot verify or reveal, the abnormal-access report shows it all; and the
sessions of a reset, deactivated or moved user end at once."""

import datetime as dt
import json

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.abnormal import Kind, report
from audit.models import AuditEvent
from kokumin_nenkin.accounts.kinds import STAFF_CHANGE
from kokumin_nenkin.accounts.models import Office, Role, Staff
from kokumin_nenkin.accounts.totp import current_code
from kokumin_nenkin.verification.models import Entry
from tests.conftest import PASSWORD, StaffClient, login, make_staff
from tests.kokumin_nenkin.test_staff_admin import approve, last_request, temporary_password

LOGIN = reverse("accounts:login")
CHANGE = reverse("accounts:password_change")
ENROL = reverse("accounts:enrol")
NEW_PASSWORD = "Own-Chosen-Pass-2026"


@pytest.fixture
def admin(client_for):
    return client_for("kanri")


@pytest.fixture
def second_admin(cast):
    return login(StaffClient(), make_staff("kanri2", Role.ADMIN))


def ask_create(client, username, role):
    return client.post(
        reverse("accounts:staff_create"),
        {
            "username": username,
            "full_name": f"{username} 太郎",
            "office": Office.objects.get(code="honcho").pk,
            "role": role,
        },
    )


def first_login(username: str, temporary: str) -> Client:
    """Password change and enrolment, as the owner (or whoever holds the notice) would."""
    client = StaffClient()
    client.post(LOGIN, {"username": username, "password": temporary})
    client.post(
        CHANGE,
        {"old_password": temporary, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    client.get(ENROL)
    device = TOTPDevice.objects.get(user__username=username, confirmed=False)
    response = client.post(ENROL, {"token": current_code(device)})
    assert response.status_code == 302
    return client


@pytest.mark.django_db
def test_one_administrator_alone_cannot_create_accounts(admin, cast):
    """The attack: create a 窓口担当 and a 確認担当, read both passwords. Now both are requests
    that the same administrator cannot approve."""
    for username, role in (("kage1", Role.COUNTER), ("kage2", Role.SUPERVISOR)):
        response = ask_create(admin, username, role)
        assert response.status_code == 302
        assert "temporary-password" not in admin.get(response["Location"]).content.decode()
        own = approve(admin)
        assert own.status_code == 409
        assert "自分が入力した受付は承認できません。" in own.content.decode()
    assert not Staff.objects.filter(username__in=["kage1", "kage2"]).exists()
    # the request queues of 確認担当 never show account changes, nor can they approve one
    checker = login(StaffClient(), cast["kakunin"])
    assert "kage1" not in checker.get(reverse("verification:queue")).content.decode()
    assert checker.get(reverse("verification:detail", args=[last_request().pk])).status_code == 404
    assert checker.get(reverse("accounts:staff_requests")).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url_name,data",
    [
        ("accounts:staff_reset_password", {}),
        ("accounts:staff_reset_second_factor", {}),
        ("accounts:staff_assignment", {"office": 1, "role": Role.SUPERVISOR}),
    ],
)
def test_each_change_waits_for_a_second_administrator(admin, second_admin, cast, url_name, data):
    target = cast["madoguchi"]
    before = (target.password, target.role, TOTPDevice.objects.filter(user=target).count())
    if "office" in data:
        data = {**data, "office": Office.objects.get(code="honcho").pk}
    admin.post(reverse(url_name, args=[target.pk]), data)
    target.refresh_from_db()
    assert (target.password, target.role, TOTPDevice.objects.filter(user=target).count()) == before
    assert approve(second_admin).status_code in (200, 302)
    target.refresh_from_db()
    after = (target.password, target.role, TOTPDevice.objects.filter(user=target).count())
    assert after != before


@pytest.mark.django_db
def test_the_approver_may_not_approve_a_change_to_their_own_account(admin, second_admin, cast):
    approver = Staff.objects.get(username="kanri2")
    admin.post(reverse("accounts:staff_reset_password", args=[approver.pk]))
    response = approve(second_admin)
    assert response.status_code == 409
    assert "自分自身のアカウントに関する依頼は承認できません。" in response.content.decode()
    approver.refresh_from_db()
    assert approver.check_password(PASSWORD)


@pytest.mark.django_db
def test_a_rekey_that_does_not_match_the_request_is_refused(admin, second_admin, cast):
    ask_create(admin, "atarashii", Role.COUNTER)
    response = approve(second_admin, username="betsujin")
    assert response.status_code == 409
    assert not Staff.objects.filter(username="atarashii").exists()


@pytest.mark.django_db
def test_the_temporary_password_is_shown_once_and_stored_hashed(admin, second_admin, cast):
    ask_create(admin, "atarashii", Role.SUPERVISOR)
    entry = last_request()
    notice = approve(second_admin)
    assert "no-store" in notice["Cache-Control"]
    assert "仮パスワード通知書" in notice.content.decode()
    password = temporary_password(notice)
    user = Staff.objects.get(username="atarashii")
    assert user.check_password(password) and password not in user.password
    # never again: not on the request, the staff page, the payload or the audit log
    for url in (
        reverse("accounts:staff_request", args=[entry.pk]),
        reverse("accounts:staff_detail", args=[user.pk]),
    ):
        assert password not in second_admin.get(url).content.decode()
        assert password not in admin.get(url).content.decode()
    entry.refresh_from_db()
    assert password not in json.dumps(entry.payload)
    assert not any(password in json.dumps(e.details) for e in AuditEvent.objects.all())
    # approving again (a replayed POST) shows nothing
    again = approve(second_admin, entry=entry)
    assert again.status_code == 409 and password not in again.content.decode()


@pytest.mark.django_db
def test_an_account_with_admin_set_credentials_cannot_verify_or_reveal(admin, second_admin, cast):
    """Until its owner changed the password and enrolled their own second factor."""
    ask_create(admin, "atarashii", Role.SUPERVISOR)
    temporary = temporary_password(approve(second_admin))
    user = Staff.objects.get(username="atarashii")
    assert user.awaits_own_credentials
    assert not user.has_perm("accounts.verify_entry")
    assert not user.has_perm("accounts.reveal_my_number")
    assert user.has_perm("accounts.search_person")
    client = Client()
    client.post(LOGIN, {"username": "atarashii", "password": temporary})
    assert client.get(reverse("verification:queue"))["Location"] == CHANGE
    first_login("atarashii", temporary)
    user.refresh_from_db()
    assert not user.awaits_own_credentials and user.has_perm("accounts.verify_entry")
    # a second-factor reset puts the account back until the owner enrols again
    admin.post(reverse("accounts:staff_reset_second_factor", args=[user.pk]))
    approve(second_admin)
    user.refresh_from_db()
    assert user.awaits_own_credentials and not user.has_perm("accounts.verify_entry")


@pytest.mark.django_db
def test_the_abnormal_report_lists_changes_first_logins_and_use_right_after(
    admin, second_admin, cast
):
    """The whole attack by two administrators: set up two accounts, log in as both, enter as
    one and approve as the other. Each step is on the report."""
    from tests.factories import make_person
    from tests.verification.test_http import intake

    ask_create(admin, "kage1", Role.COUNTER)
    first = temporary_password(approve(second_admin))
    ask_create(admin, "kage2", Role.SUPERVISOR)
    second = temporary_password(approve(second_admin))
    maker, checker = first_login("kage1", first), first_login("kage2", second)
    person = make_person(birth_date=dt.date(2005, 4, 2))
    assert intake(maker, person).status_code == 302
    entry = Entry.objects.exclude(kind=STAFF_CHANGE).latest("id")
    page = checker.get(reverse("verification:detail", args=[entry.pk]))
    assert page.status_code == 200
    response = checker.post(
        reverse("verification:approve", args=[entry.pk]),
        {
            "version": entry.version(),
            "rekey-acquired_on": "2025-04-01",
            "rekey-cause": "01",
            "rekey-category": "1",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    today = timezone.localdate()
    found = report(today - dt.timedelta(days=1), today)
    kinds = {f.kind for f in found.findings}
    assert {Kind.ACCOUNT_CHANGE, Kind.FIRST_LOGIN, Kind.ENTER_AND_APPROVE} <= kinds
    changes = [f.description for f in found.findings if f.kind == Kind.ACCOUNT_CHANGE]
    assert any("kage1: 登録（依頼 kanri）" in d for d in changes)
    assert any("kage2" in f.description for f in found.findings if f.kind == Kind.FIRST_LOGIN)
    both = [f for f in found.findings if f.kind == Kind.ENTER_AND_APPROVE]
    assert "入力 kage1・承認 kage2" in both[0].description
    auditor = login(StaffClient(), cast["kansa"])
    html = auditor.get(
        reverse("audit:abnormal"), {"date_from": today.isoformat(), "date_to": today.isoformat()}
    ).content.decode()
    assert "変更直後の入力・承認" in html


# --- item 2: sessions end at once -----------------------------------------------------------
def sessions_of(user) -> int:
    return sum(
        1
        for s in Session.objects.all()
        if str(s.get_decoded().get("_auth_user_id")) == str(user.pk)
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url_name,data,approved",
    [
        ("accounts:staff_reset_password", {}, True),
        ("accounts:staff_reset_second_factor", {}, True),
        ("accounts:staff_assignment", {"role": Role.SUPERVISOR}, True),
        ("accounts:staff_deactivate", {}, False),
    ],
)
def test_a_reset_deactivation_or_role_change_ends_every_session_at_once(
    admin, second_admin, cast, url_name, data, approved
):
    target = cast["madoguchi"]
    open_sessions = [login(StaffClient(), target)]
    TOTPDevice.objects.filter(user=target).update(last_t=-1)  # a second device's code, in effect
    open_sessions.append(login(StaffClient(), target))
    assert sessions_of(target) == 2
    if "role" in data:
        data = {**data, "office": Office.objects.get(code="honcho").pk}
    admin.post(reverse(url_name, args=[target.pk]), data)
    if approved:
        approve(second_admin)
    assert sessions_of(target) == 0
    for client in open_sessions:
        response = client.get("/")
        assert response.status_code == 302 and response["Location"].startswith(LOGIN)


@pytest.mark.django_db
def test_a_session_that_survived_a_second_factor_reset_cannot_enrol(cast, monkeypatch):
    """Even if a session outlived the reset (here: the session ending switched off), enrolment
    needs the password again."""
    from kokumin_nenkin.accounts import services

    target = cast["madoguchi"]
    stolen = login(StaffClient(), target)
    monkeypatch.setattr(services, "end_sessions_of", lambda staff: 0)
    services.staff_reset_second_factor(staff=target, actor=cast["kanri"])
    response = stolen.get("/")
    assert response["Location"] == ENROL  # the old session is sent to enrolment…
    response = stolen.get(ENROL)
    assert response.status_code == 302 and response["Location"] == LOGIN  # …and refused there
    assert not TOTPDevice.objects.filter(user=target).exists()
    # with the password, the owner enrols
    fresh = Client()
    fresh.post(LOGIN, {"username": target.username, "password": PASSWORD})
    assert fresh.get(ENROL).status_code == 200


@pytest.mark.django_db
def test_an_office_change_alone_waits_for_a_second_administrator(admin, second_admin, cast):
    """Issue 11, item 1: moving a user to another office (same role) is an account change too."""
    target = cast["madoguchi"]
    other = Office.objects.exclude(pk=target.office_id).order_by("pk").first()
    assert other is not None
    admin.post(
        reverse("accounts:staff_assignment", args=[target.pk]),
        {"office": other.pk, "role": target.role},
    )
    target.refresh_from_db()
    assert target.office_id != other.pk  # not yet
    assert approve(second_admin).status_code in (200, 302)
    target.refresh_from_db()
    assert target.office_id == other.pk


@pytest.mark.django_db
def test_a_reactivation_waits_for_a_second_administrator(admin, second_admin, cast):
    """Issue 11, item 1: taking access away is immediate; giving it back needs a second admin."""
    target = cast["madoguchi"]
    admin.post(reverse("accounts:staff_deactivate", args=[target.pk]))
    target.refresh_from_db()
    assert not target.is_active
    admin.post(reverse("accounts:staff_reactivate", args=[target.pk]))
    target.refresh_from_db()
    assert not target.is_active  # one administrator alone cannot bring the account back
    assert approve(second_admin).status_code in (200, 302)
    target.refresh_from_db()
    assert target.is_active
