"""The one permission matrix: docs/roles.md is generated from it; branch offices do intake only."""

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from kokumin_nenkin.accounts.models import Office, Role
from kokumin_nenkin.accounts.roles import ROLE_PERMISSIONS, ROLES_DOC_PATH, render_roles_doc
from kokumin_nenkin.accounts.services import staff_change_assignment, staff_create
from tests.conftest import login


def test_docs_roles_md_is_the_generated_matrix():
    on_disk = (settings.BASE_DIR / ROLES_DOC_PATH).read_text(encoding="utf-8")
    assert on_disk == render_roles_doc(), "run: python manage.py write_roles_doc"


def test_the_generated_doc_shows_every_role_and_permission():
    text = render_roles_doc()
    for role in Role:
        assert role.label in text
    for codenames in ROLE_PERMISSIONS.values():
        for codename in codenames:
            assert f"`{codename}`" in text
    row = next(line for line in text.splitlines() if "`manage_staff`" in line)
    assert row.endswith("| － | － | － | － | ○ |")


def test_write_roles_doc_check_fails_when_the_doc_is_stale(tmp_path, settings):
    settings.BASE_DIR = tmp_path
    (tmp_path / "docs").mkdir()
    (tmp_path / ROLES_DOC_PATH).write_text("# stale\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("write_roles_doc", "--check")
    call_command("write_roles_doc")
    call_command("write_roles_doc", "--check")
    assert (tmp_path / ROLES_DOC_PATH).read_text(encoding="utf-8") == render_roles_doc()


@pytest.mark.django_db
@pytest.mark.parametrize("role", [r for r in Role if r != Role.COUNTER])
def test_only_counter_staff_may_belong_to_a_branch_office(cast, role):
    branch = Office.objects.get(code="menuma")
    with pytest.raises(ValidationError, match="窓口担当のみ"):
        staff_create(
            username=f"new-{role}",
            full_name="支所 職員",
            office=branch,
            role=role,
            actor=cast["kanri"],
        )
    with pytest.raises(ValidationError, match="窓口担当のみ"):
        staff_change_assignment(
            staff=cast["oosato"], office=cast["oosato"].office, role=role, actor=cast["kanri"]
        )
    cast["oosato"].refresh_from_db()
    assert cast["oosato"].role == Role.COUNTER


@pytest.mark.django_db
def test_counter_staff_may_belong_to_a_branch_office(cast):
    branch = Office.objects.get(code="konan")
    result = staff_create(
        username="konan1",
        full_name="江南 職員",
        office=branch,
        role=Role.COUNTER,
        actor=cast["kanri"],
    )
    assert result.staff.office == branch


@pytest.mark.django_db
def test_a_transfer_changes_the_permissions_at_once(cast):
    from django.test import Client

    client = login(Client(), cast["kakunin"])
    assert client.get("/").status_code == 200
    staff_change_assignment(
        staff=cast["kakunin"],
        office=Office.objects.get(code="honcho"),
        role=Role.AUDITOR,
        actor=cast["kanri"],
    )
    # the old session ends at once (issue 11, item 2): the new duties start with a new login
    assert client.get("/")["Location"].startswith("/accounts/login/")
    cast["kakunin"].totpdevice_set.update(last_t=-1)  # the same code again, in this test
    html = login(Client(), cast["kakunin"]).get("/").content.decode()
    assert "監査担当" in html and "確認待ち" not in html
    user = type(cast["kakunin"]).objects.get(pk=cast["kakunin"].pk)
    assert user.get_all_permissions() == {"accounts.view_audit"}
