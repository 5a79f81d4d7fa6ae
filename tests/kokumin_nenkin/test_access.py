"""Deny by default: every URL pattern refuses an anonymous visitor unless declared public."""

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from kokumin_nenkin.accounts.access import PUBLIC, declared_access, requires
from kokumin_nenkin.accounts.models import Role
from kokumin_nenkin.accounts.roles import ROLE_PERMISSIONS


def walk(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            yield from walk(p, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p


def sample_path(route: str) -> str:
    """A concrete path for a route, with 1 for every converter."""
    import re

    path = re.sub(r"<(?:[a-z]+:)?[a-z_]+>", "1", route).lstrip("^").rstrip("$")
    return "/" + path.replace("\\", "")


ALL_PATTERNS = list(walk())


def test_every_view_declares_its_access():
    undeclared = [route for route, p in ALL_PATTERNS if declared_access(p.callback) is None]
    assert undeclared == [], f"views without an access declaration: {undeclared}"


@pytest.mark.django_db
@pytest.mark.parametrize("route,pattern", ALL_PATTERNS, ids=[r for r, _ in ALL_PATTERNS])
def test_anonymous_is_sent_to_login(route, pattern):
    if declared_access(pattern.callback) == PUBLIC:
        pytest.skip("declared public")
    response = Client().get(sample_path(route))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


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
