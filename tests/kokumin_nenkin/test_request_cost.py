"""What every logged-in request costs in SQL (issue 16, item 1): the session's last-seen time is
written at most once a minute, the user comes with their office in one query, permissions in
one query cached on the user, and the bare home page takes at most 5 statements.

Statements are counted without SAVEPOINT / RELEASE: the test runs inside a transaction, so
Django's per-request transaction shows up as savepoints here and as BEGIN / COMMIT (not
statements the page issues) in production."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kokumin_nenkin.accounts import session as kn_session
from tests.conftest import login

HOME_MAX = 5


def statements(captured) -> list[str]:
    return [
        q["sql"]
        for q in captured.captured_queries
        if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))
    ]


def home_statements(client: Client) -> list[str]:
    client.get("/")  # the first request after login may write the session; not counted
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/")
    assert response.status_code == 200
    return statements(captured)


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["kanri", "shintatsu", "madoguchi", "kakunin"])
def test_home_page_takes_at_most_five_statements(client_for, settings, who):
    settings.HOME_WORK_LIST_SECONDS = 60  # as in production: the work-list counts are cached
    sql = home_statements(client_for(who))
    assert len(sql) <= HOME_MAX + (1 if who == "shintatsu" else 0), "\n".join(sql)
    assert not [s for s in sql if s.startswith("UPDATE")], "a read-only page wrote something"


@pytest.mark.django_db
def test_bare_home_page_reads_session_user_device_and_permissions_once(client_for):
    sql = home_statements(client_for("kanri"))  # the administrator: no counts on the home page
    assert len(sql) <= 4, "\n".join(sql)
    assert sum('FROM "auth_permission"' in s for s in sql) == 1
    assert sum('FROM "accounts_office"' in s for s in sql) == 0  # joined to the user's query
    assert sum('"otp_totp_totpdevice"' in s for s in sql) == 1


@pytest.mark.django_db
def test_last_seen_is_written_at_most_once_a_minute(cast, settings):
    settings.SESSION_IDLE_SECONDS = 900
    client = login(Client(), cast["kakunin"])
    client.get("/")
    seen = client.session[kn_session.SEEN_AT]
    with CaptureQueriesContext(connection) as captured:
        for _ in range(3):
            assert client.get("/").status_code == 200
    assert not [s for s in statements(captured) if 'UPDATE "django_session"' in s]
    assert client.session[kn_session.SEEN_AT] == seen

    store = client.session  # a minute later the next request moves the clock
    store[kn_session.SEEN_AT] = seen - 61
    store.save()
    assert client.get("/").status_code == 200
    assert client.session[kn_session.SEEN_AT] >= seen


@pytest.mark.django_db
def test_short_idle_timeouts_are_touched_more_often(settings):
    settings.SESSION_IDLE_SECONDS = 4
    assert kn_session.touch_seconds() == pytest.approx(0.4)
    settings.SESSION_IDLE_SECONDS = 900
    assert kn_session.touch_seconds() == 60


@pytest.mark.django_db
def test_a_permission_taken_away_counts_at_the_next_request(cast, client_for):
    """The cache lives on the request's user object only."""
    from django.contrib.auth.models import Permission

    from kokumin_nenkin.accounts.roles import Role
    from tests.conftest import make_staff

    reader = make_staff("etsuran", Role.AUDITOR)
    search = Permission.objects.get(codename="search_person")
    reader.user_permissions.add(search)
    client = login(Client(), reader)
    assert client.get(reverse("qualifications:search")).status_code == 200
    reader.user_permissions.remove(search)
    assert client.get(reverse("qualifications:search")).status_code == 403
