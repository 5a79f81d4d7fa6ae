"""The cast of staff every test can log in as, and a real two-step login through HTTP.

A test marked `@pytest.mark.postgres_only` (row locks, concurrency, a second process sharing the
database) is skipped on any other database.
"""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from kokumin_nenkin.accounts.models import Office, Role, Staff
from kokumin_nenkin.accounts.totp import current_code, demo_key_for
from tests.on_commit import requests_commit  # noqa: F401 - autouse: on_commit after a request

PASSWORD = "Kumagaya-Test-Pass-2026"

# name → (role, office code)
CAST = {
    "madoguchi": (Role.COUNTER, "honcho"),
    "oosato": (Role.COUNTER, "oosato"),
    "kakunin": (Role.SUPERVISOR, "honcho"),
    "kakunin2": (Role.SUPERVISOR, "honcho"),
    "shintatsu": (Role.REPORT_CLERK, "honcho"),
    "kansa": (Role.AUDITOR, "honcho"),
    "kanri": (Role.ADMIN, "honcho"),
}


def pytest_collection_modifyitems(config, items):
    from django.db import connection

    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (row locks, concurrency)")
    for item in items:
        if item.get_closest_marker("postgres_only"):
            item.add_marker(skip)


def confirmation_fields(response) -> dict[str, str]:
    """The hidden fields of the confirmation page (kokumin_nenkin.confirm): what pressing its
    confirm button posts."""
    html = response.content.decode()
    return dict(re.findall(r'name="(confirm_token|confirm_data)" value="([^"]*)"', html))


def is_confirmation(response) -> bool:
    return any(t.name == "confirm.html" for t in getattr(response, "templates", None) or [])


class StaffClient(Client):
    """A test client that, like a person at the screen, presses the confirm button when an
    action asks to be confirmed first (issue 14, item 6). `confirm=False` stops at the
    question, for the tests of the confirmation step itself."""

    def post(self, path, data=None, *args, confirm: bool = True, **extra):
        response = super().post(path, data, *args, **extra)
        if confirm and is_confirmation(response):
            response = super().post(path, confirmation_fields(response), **extra)
        return response


def make_staff(username: str, role: str, office_code: str = "honcho", **extra) -> Staff:
    user = Staff.objects.create_user(
        username=username,
        password=PASSWORD,
        full_name=f"{username} テスト",
        role=role,
        office=Office.objects.get(code=office_code),
        must_change_password=False,
        **extra,
    )
    TOTPDevice.objects.create(user=user, name="test", key=demo_key_for(username), confirmed=True)
    return user


def totp_for(user: Staff) -> str:
    return current_code(user.totpdevice_set.get())


def login(client: Client, user: Staff, password: str = PASSWORD) -> Client:
    """Log in the way a person does: password, then the current TOTP code."""
    response = client.post(
        reverse("accounts:login"), {"username": user.username, "password": password}
    )
    assert response.status_code == 302, "password step failed"
    response = client.post(reverse("accounts:otp"), {"token": totp_for(user)})
    assert response.status_code == 302, "second-factor step failed"
    return client


@pytest.fixture
def cast(db) -> dict[str, Staff]:
    return {name: make_staff(name, role, office) for name, (role, office) in CAST.items()}


@pytest.fixture
def client_for(cast):
    """client_for("kakunin") → a Client logged in with both factors as that cast member."""

    def _client(name: str) -> Client:
        return login(StaffClient(), cast[name])

    return _client


def shown_version(entry) -> str:
    """The entry version the verification screen puts in its approval form (issue 11, item 5:
    an approval names the version the checker saw)."""
    from kokumin_nenkin.verification.models import Entry

    return Entry.objects.get(pk=entry.pk).version()
