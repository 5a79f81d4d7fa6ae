"""Deny by default: every URL pattern refuses an anonymous visitor unless declared public."""

import pytest
from django.test import Client

from kokumin_nenkin.accounts.access import PUBLIC, declared_access, requires
from kokumin_nenkin.accounts.models import Role
from kokumin_nenkin.accounts.roles import ROLE_PERMISSIONS
from tests.urlconf import ALL_PATTERNS, ROLE_CAST, sample_path


def test_every_view_declares_its_access():
    undeclared = [route for route, p in ALL_PATTERNS if declared_access(p.callback) is None]
    assert undeclared == [], f"views without an access declaration: {undeclared}"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "route,pattern", [tuple(u) for u in ALL_PATTERNS], ids=[u.route for u in ALL_PATTERNS]
)
def test_anonymous_is_sent_to_login(route, pattern):
    if declared_access(pattern.callback) == PUBLIC:
        pytest.skip("declared public")
    response = Client().get(sample_path(route))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_every_declared_permission_is_in_the_matrix():
    """A typo in @requires("...") would refuse everyone silently: every codename must exist."""
    from kokumin_nenkin.accounts.access import ANY_STAFF, OTP_PENDING
    from kokumin_nenkin.accounts.models import Staff

    known = {c for c, _ in Staff._meta.permissions} | {PUBLIC, OTP_PENDING, ANY_STAFF}
    unknown = {
        route: declared_access(p.callback)
        for route, p in ALL_PATTERNS
        if declared_access(p.callback) not in known
    }
    assert unknown == {}


# One cast member per role (SECURITY.md attack 7: the matrix's answer for every URL pattern).
LOGIN_PATH = "/accounts/login/"


def expected_for(role: str | None, access: str) -> str:
    """'allowed', 'login' (anonymous sent to the login page) or 'forbidden' (HTTP 403)."""
    from kokumin_nenkin.accounts.access import ANY_STAFF, OTP_PENDING

    if access == PUBLIC:
        return "allowed"
    if role is None:
        return "login"
    if access in (ANY_STAFF, OTP_PENDING):
        return "allowed"
    return "allowed" if access in ROLE_PERMISSIONS[role] else "forbidden"


def observed(response) -> str:
    if response.status_code == 403:
        return "forbidden"
    if response.status_code == 302 and response["Location"].startswith(LOGIN_PATH):
        return "login"
    if response.status_code == 302 and response["Location"] == "/accounts/login/otp/":
        return "second factor"
    if response.status_code >= 500:
        return f"error {response.status_code}"
    return "allowed"


@pytest.mark.django_db
@pytest.mark.parametrize("role", [None, *ROLE_CAST], ids=["anonymous", *ROLE_CAST])
def test_url_walk_gives_the_matrix_answer(role, cast):
    """Every URL pattern × anonymous and each role → what ROLE_PERMISSIONS says."""
    client = Client(raise_request_exception=False)
    if role is not None:
        from tests.conftest import login

        login(client, cast[ROLE_CAST[role]])
    wrong = {}
    for route, pattern in ALL_PATTERNS:
        access = declared_access(pattern.callback)
        if access is None:
            wrong[route] = "no declaration"
            continue
        if route == "accounts/logout/":
            continue  # public, POST only; walking it would end the session being walked
        want = expected_for(role, access)
        got = observed(client.get(sample_path(route)))
        if want != got:
            wrong[route] = f"{access}: expected {want}, got {got}"
    assert wrong == {}, wrong


PERSON_PERMISSIONS = [
    "search_person",
    "enter_entry",
    "write_memo",
    "print_application",
    "verify_entry",
    "reveal_my_number",
    "report_to_jps",
    "import_jps_results",
    "import_city_data",
]


@pytest.mark.django_db
@pytest.mark.parametrize("codename", PERSON_PERMISSIONS)
def test_system_admin_cannot_open_a_person_record(codename, cast, settings):
    """SECURITY.md attack 10: a person-record view, whatever its permission, refuses システム管理者
    (and the real ones are covered by the URL walk above)."""
    import sys
    import types

    from django.http import HttpResponse
    from django.urls import path

    from kokumin_nenkin.urls import urlpatterns as real_patterns

    def person_record(request, pk):
        return HttpResponse("氏名 年金 花子")

    urlconf = types.ModuleType(f"tmp_person_urls_{codename}")
    urlconf.urlpatterns = [
        *real_patterns,
        path("person/<int:pk>/", requires(codename)(person_record)),
    ]
    sys.modules[urlconf.__name__] = urlconf
    settings.ROOT_URLCONF = urlconf.__name__
    from tests.conftest import login

    response = login(Client(), cast["kanri"]).get("/person/1/")
    assert response.status_code == 403
    assert "年金 花子" not in response.content.decode()
    assert codename not in ROLE_PERMISSIONS[Role.ADMIN]


@pytest.mark.django_db
def test_a_view_without_declaration_is_refused_even_to_staff(client_for, settings):
    from django.http import HttpResponse
    from django.urls import path

    def undeclared(request):
        return HttpResponse("personal data")

    def declared(request):
        return HttpResponse("ok")

    import sys
    import types

    urlconf = types.ModuleType("tmp_urls")
    from kokumin_nenkin.urls import urlpatterns as real_patterns

    urlconf.urlpatterns = [
        *real_patterns,
        path("undeclared/", undeclared),
        path("declared/", requires("search_person")(declared)),
    ]
    sys.modules["tmp_urls"] = urlconf
    settings.ROOT_URLCONF = "tmp_urls"
    settings.AUDIT_REQUIRE_EVENTS = False  # the stand-in view writes no audit event
    client = client_for("kakunin")
    assert client.get("/undeclared/").status_code == 403
    assert client.get("/declared/").status_code == 200
    assert client_for("kanri").get("/declared/").status_code == 403


@pytest.mark.django_db
def test_role_groups_carry_exactly_the_matrix(cast):
    for name, user in cast.items():
        expected = {f"accounts.{c}" for c in ROLE_PERMISSIONS[user.role]}
        assert user.get_all_permissions() == expected, name


@pytest.mark.django_db
def test_system_admin_has_no_personal_record_permission(cast):
    admin = cast["kanri"]
    assert admin.role == Role.ADMIN
    assert not admin.has_perm("accounts.search_person")
    assert not admin.has_perm("accounts.reveal_my_number")


@pytest.mark.django_db
def test_staff_are_deactivated_never_deleted(cast):
    with pytest.raises(PermissionError):
        cast["madoguchi"].delete()
