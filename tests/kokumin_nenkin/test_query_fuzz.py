"""Issue 11, item 9: bad query parameters give a Japanese 400 or a form error, never a 500.
Every URL pattern is opened with GET by the role allowed to see it, with odd values for every
parameter name any view reads (and with the sample values of its path), and must not fail."""

import pytest
from django.test import Client

from kokumin_nenkin.accounts.access import OTP_PENDING, PUBLIC, declared_access
from tests.conftest import login
from tests.urlconf import ALL_PATTERNS, ROLE_CAST, sample_path

# every GET parameter name the views read (grep request.GET and the GET forms)
NAMES = [
    "year", "page", "q", "r", "day", "office", "cutoff", "date_from", "date_to", "staff",
    "action", "kind", "next", "person", "status", "month", "from", "to",
]  # fmt: skip
VALUES = ["-1", "0", "99999999999", "abc", "", "%00", "令和99年99月99日", "1e9", "[]", "１２"]


@pytest.mark.django_db
def test_no_get_parameter_gives_a_server_error(cast):
    from kokumin_nenkin.accounts.roles import ROLE_PERMISSIONS

    clients = {role: login(Client(raise_request_exception=False), cast[name])
               for role, name in ROLE_CAST.items()}  # fmt: skip
    failures = []
    for route, pattern in ALL_PATTERNS:
        access = declared_access(pattern.callback)
        if access in (PUBLIC, OTP_PENDING) or "logout" in route:
            continue
        allowed = [r for r, perms in ROLE_PERMISSIONS.items() if access in perms] or list(clients)
        client = clients[allowed[0]]
        path = sample_path(route)
        for value in VALUES:
            response = client.get(path, {name: value for name in NAMES})
            if response.status_code >= 500:
                failures.append((path, value, response.status_code))
    assert failures == []


@pytest.mark.django_db
def test_a_negative_year_on_the_renewal_list_is_a_japanese_400(client_for):
    response = client_for("kakunin").get("/exemptions/renewals/", {"year": "-1"})
    assert response.status_code == 400
    assert "年度の指定が正しくありません" in response.content.decode()
