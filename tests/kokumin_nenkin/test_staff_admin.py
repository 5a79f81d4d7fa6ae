"""Account management by システム管理者 (not Django's admin): create, transfer, deactivate, reset
password or second factor. Extra POST fields are ignored (SECURITY.md attack 9). Every change but
a deactivation is a request that a second システム管理者 approves (issue 11, item 1)."""

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import get_resolver, reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from kokumin_nenkin.accounts.kinds import STAFF_CHANGE
from kokumin_nenkin.accounts.models import Office, Role, Staff
from kokumin_nenkin.accounts.signals import staff_account_changed
from kokumin_nenkin.verification.models import Entry
from tests.conftest import PASSWORD, StaffClient, login, make_staff
from tests.kokumin_nenkin.test_lockout import Caught


def temporary_password(response) -> str:
    return re.search(
        r'<code class="secret" id="temporary-password">([^<]+)</code>', response.content.decode()
    ).group(1)


@pytest.fixture
def admin(client_for):
    return client_for("kanri")


@pytest.fixture
def second_admin(cast):
    return login(StaffClient(), make_staff("kanri2", Role.ADMIN))


def last_request() -> Entry:
    return Entry.objects.filter(kind=STAFF_CHANGE).latest("id")


def approve(client, entry=None, username=None):
    """The second administrator approves, re-keying the user ID from the written request."""
    entry = entry or last_request()
    return client.post(
        reverse("accounts:staff_request_decide", args=[entry.pk, "approve"]),
        {"rekey-username": username or entry.payload["username"], "version": entry.version()},
    )


@pytest.mark.django_db
class TestCreate:
    def test_create_with_temporary_password_changed_at_first_login(self, admin, second_admin, cast):
        honcho = Office.objects.get(code="honcho")
        with Caught(staff_account_changed) as changed:
            requested = admin.post(
                reverse("accounts:staff_create"),
                {
                    "username": "atarashii",
                    "full_name": "新人 一郎",
                    "office": honcho.pk,
                    "role": Role.SUPERVISOR,
                },
            )
            assert requested.status_code == 302
            assert not Staff.objects.filter(username="atarashii").exists()
            response = approve(second_admin)
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]
        password = temporary_password(response)
        user = Staff.objects.get(username="atarashii")
        assert user.must_change_password and user.role == Role.SUPERVISOR
        assert user.get_all_permissions() == {
            f"accounts.{c}"
            for c in [
                "search_person",
                "enter_entry",
                "write_memo",
                "print_application",
                "verify_entry",
                "reveal_my_number",
                "import_residents",
            ]
        }
        assert changed.calls[0]["change"] == "created"
        approver = Staff.objects.get(username="kanri2")
        assert changed.calls[0]["actor"] == approver and changed.calls[0]["staff"] == user
        assert changed.calls[0]["details"]["依頼者"] == "kanri"
        first = Client()
        response = first.post(
            reverse("accounts:login"), {"username": "atarashii", "password": password}
        )
        assert response["Location"] == reverse("accounts:password_change")

    def test_extra_fields_are_ignored(self, admin, second_admin):
        honcho = Office.objects.get(code="honcho")
        admin.post(
            reverse("accounts:staff_create"),
            {
                "username": "tokken",
                "full_name": "特権 希望",
                "office": honcho.pk,
                "role": Role.COUNTER,
                "is_superuser": "on",
                "is_staff": "on",
                "must_change_password": "",
                "groups": "1",
                "password": "Chosen-By-Attacker-1",
                "user_permissions": "1",
                "is_active": "",
            },
        )
        approve(second_admin)
        user = Staff.objects.get(username="tokken")
        assert not user.is_superuser and not user.is_staff and user.is_active
        assert user.must_change_password
        assert not user.check_password("Chosen-By-Attacker-1")
        assert [g.name for g in user.groups.all()] == ["窓口担当"]
        assert not user.user_permissions.exists()

    def test_branch_office_refuses_other_roles_on_the_form(self, admin):
        branch = Office.objects.get(code="oosato")
        response = admin.post(
            reverse("accounts:staff_create"),
            {
                "username": "shisho",
                "full_name": "支所 確認",
                "office": branch.pk,
                "role": Role.SUPERVISOR,
            },
        )
        assert "行政センター（支所）に所属できるのは窓口担当のみです。" in response.content.decode()
        assert not Staff.objects.filter(username="shisho").exists()

    def test_duplicate_user_id_is_refused(self, admin):
        response = admin.post(
            reverse("accounts:staff_create"),
            {"username": "kakunin", "full_name": "重複", "office": 1, "role": Role.COUNTER},
        )
        assert "このユーザーIDはすでに使われています。" in response.content.decode()


@pytest.mark.django_db
class TestChange:
    def test_transfer_reads_only_office_and_role(self, admin, second_admin, cast):
        target = cast["madoguchi"]
        menuma = Office.objects.get(code="menuma")
        with Caught(staff_account_changed) as changed:
            response = admin.post(
                reverse("accounts:staff_assignment", args=[target.pk]),
                {
                    "office": menuma.pk,
                    "role": Role.COUNTER,
                    "is_superuser": "on",
                    "username": "renamed",
                    "is_active": "",
                    "full_name": "改名",
                },
            )
            assert response.status_code == 302
            target.refresh_from_db()
            assert target.office.code == "honcho"  # not before a second administrator approves
            assert approve(second_admin).status_code == 302
        target.refresh_from_db()
        assert target.office == menuma and target.username == "madoguchi"
        assert target.is_active and not target.is_superuser and target.full_name != "改名"
        assert changed.calls[0]["change"] == "assignment"
        assert changed.calls[0]["details"]["変更前"] == {"所属": "honcho", "役割": "counter"}

    def test_admin_cannot_change_or_deactivate_themselves(self, admin, cast):
        me = cast["kanri"]
        admin.post(
            reverse("accounts:staff_assignment", args=[me.pk]),
            {"office": me.office.pk, "role": Role.SUPERVISOR},
        )
        admin.post(reverse("accounts:staff_deactivate", args=[me.pk]))
        me.refresh_from_db()
        assert me.role == Role.ADMIN and me.is_active

    def test_deactivate_never_deletes(self, admin, second_admin, cast):
        target = cast["shintatsu"]
        with Caught(staff_account_changed) as changed:
            admin.post(reverse("accounts:staff_deactivate", args=[target.pk]))
        target.refresh_from_db()
        assert not target.is_active
        assert changed.calls[0]["change"] == "deactivated"
        response = Client().post(
            reverse("accounts:login"), {"username": "shintatsu", "password": PASSWORD}
        )
        assert response.status_code == 200  # refused with the usual message
        listing = admin.get(reverse("accounts:staff_list")).content.decode()
        assert "shintatsu" in listing and "無効" in listing
        admin.post(reverse("accounts:staff_reactivate", args=[target.pk]))
        target.refresh_from_db()
        assert not target.is_active  # a request until approved
        approve(second_admin)
        target.refresh_from_db()
        assert target.is_active

    def test_reset_password(self, admin, second_admin, cast):
        target = cast["kansa"]
        with Caught(staff_account_changed) as changed:
            admin.post(reverse("accounts:staff_reset_password", args=[target.pk]))
            response = approve(second_admin)
        password = temporary_password(response)
        assert "no-store" in response["Cache-Control"]
        target.refresh_from_db()
        assert target.must_change_password and target.check_password(password)
        assert not target.check_password(PASSWORD)
        assert changed.calls[0]["change"] == "password_reset"

    def test_reset_second_factor(self, admin, second_admin, cast):
        target = cast["kansa"]
        with Caught(staff_account_changed) as changed:
            admin.post(reverse("accounts:staff_reset_second_factor", args=[target.pk]))
            assert TOTPDevice.objects.filter(user=target).exists()
            approve(second_admin)
        assert not TOTPDevice.objects.filter(user=target).exists()
        assert changed.calls[0]["change"] == "second_factor_reset"
        client = Client()
        client.post(reverse("accounts:login"), {"username": "kansa", "password": PASSWORD})
        assert client.get("/")["Location"] == reverse("accounts:enrol")

    def test_get_cannot_change_anything(self, admin, cast):
        target = cast["kansa"]
        response = admin.get(reverse("accounts:staff_deactivate", args=[target.pk]))
        assert response["Location"] == reverse("accounts:staff_detail", args=[target.pk])
        target.refresh_from_db()
        assert target.is_active


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["madoguchi", "kakunin", "shintatsu", "kansa"])
def test_only_the_system_administrator_manages_staff(client_for, cast, name):
    client = client_for(name)
    target = cast["oosato"]
    assert client.get(reverse("accounts:staff_list")).status_code == 403
    response = client.post(
        reverse("accounts:staff_assignment", args=[target.pk]), {"office": 1, "role": Role.ADMIN}
    )
    assert response.status_code == 403
    assert (
        client.post(reverse("accounts:staff_reset_password", args=[target.pk])).status_code == 403
    )
    target.refresh_from_db()
    assert target.role == Role.COUNTER


def test_django_admin_is_not_mounted():
    assert "django.contrib.admin" not in settings.INSTALLED_APPS
    routes = [str(p.pattern) for p in get_resolver().url_patterns]
    assert not any(r.startswith("admin") for r in routes)


@pytest.mark.django_db
def test_the_admin_page_shows_the_staff_list(admin, cast):
    html = admin.get(reverse("accounts:staff_list")).content.decode()
    for name in cast:
        assert name in html
