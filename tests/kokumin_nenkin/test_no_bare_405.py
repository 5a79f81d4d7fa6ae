"""No bare error pages (issue 14, item 7): every URL of the URL conf opened by GET — a button's
URL reloaded, bookmarked or pasted — answers with a page or a redirect back to its screen with
a message, never a blank 405. Walked over the whole URL conf, each URL as a staff member whose
role may open it."""

import pytest
from django.test import Client

from kokumin_nenkin.accounts.access import ANY_STAFF, OTP_PENDING, PUBLIC, declared_access
from kokumin_nenkin.accounts.roles import ROLE_PERMISSIONS
from kokumin_nenkin.post_only import BUTTON_ONLY
from tests.conftest import CAST, login
from tests.urlconf import ALL_PATTERNS, sample_path

ROLE_OF = {role: name for name, (role, _) in reversed(CAST.items())}


def who_may(access: str) -> str:
    if access == ANY_STAFF:
        return "kanri"
    return next(ROLE_OF[r] for r, perms in ROLE_PERMISSIONS.items() if access in perms)


@pytest.mark.django_db
def test_no_url_answers_a_get_with_405(cast):
    clients: dict[str, Client] = {}
    bare = []
    for route, pattern in ALL_PATTERNS:
        access = declared_access(pattern.callback)
        if access == OTP_PENDING:
            continue
        if access == PUBLIC:
            client = Client(raise_request_exception=False)
        else:
            name = who_may(access)
            if name not in clients:
                clients[name] = login(Client(raise_request_exception=False), cast[name])
            client = clients[name]
        response = client.get(sample_path(route))
        if response.status_code == 405:
            bare.append(route)
    assert bare == []


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["request", "withdraw"])
def test_a_get_of_a_results_button_goes_back_to_the_reconciliation(client_for, action):
    client = client_for("shintatsu")
    response = client.get(f"/jps/results/7/{action}/")
    assert response.status_code == 302 and response["Location"] == "/jps/results/7/"
    followed = client.get("/jps/", follow=False)
    assert followed.status_code == 200
    from django.contrib.messages import get_messages

    assert BUTTON_ONLY in [str(m) for m in get_messages(response.wsgi_request)]
