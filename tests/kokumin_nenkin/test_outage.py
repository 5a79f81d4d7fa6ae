"""The database goes away (a restart, a fail-over): the user sees 「一時的に利用できません」 with
HTTP 503 and Retry-After, never the 500 page, and the next request works without restarting."""

import contextlib

import pytest
from django.db import connection
from django.db.utils import InterfaceError, OperationalError

pytestmark = pytest.mark.django_db

UNAVAILABLE = "一時的に利用できません"


@contextlib.contextmanager
def database_fails(error=OperationalError, *, only: str | None = None):
    """Every statement (or those touching the table `only`) fails the way a restarting
    PostgreSQL makes them fail."""

    def refuse(execute, sql, params, many, context):
        if only is None or only in sql:
            raise error("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(refuse):
        yield


def assert_unavailable_page(response):
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    text = response.content.decode()
    assert UNAVAILABLE in text
    assert "システムエラー" not in text  # not the 500 page
    assert 'lang="ja"' in text


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_a_query_of_the_page_failing_gives_the_japanese_503_page(client_for, error):
    client = client_for("madoguchi")
    with database_fails(error, only='"verification_entry"'):
        response = client.get("/")
    assert_unavailable_page(response)
    # The database is back: the same client, the same session, the page works.
    assert client.get("/").status_code == 200


def test_the_database_away_from_the_first_query_gives_the_503_page(client_for):
    """Even the session and the user cannot be read (a middleware fails, not the view)."""
    client = client_for("kakunin")
    client.raise_request_exception = False  # as in production: no test-client re-raise
    with database_fails():
        response = client.get("/persons/")
    assert_unavailable_page(response)
    assert client.get("/").status_code == 200


def test_a_post_during_the_outage_saves_nothing_and_says_so(client_for):
    from kokumin_nenkin.accounts.models import Staff

    client = client_for("madoguchi")
    client.raise_request_exception = False
    before = Staff.objects.count()
    with database_fails():
        response = client.post("/", {})
    assert_unavailable_page(response)
    assert "保存されていません" in response.content.decode()
    assert Staff.objects.count() == before


def test_a_programming_error_is_still_a_500_not_hidden_as_an_outage(client_for):
    from django.db.utils import ProgrammingError

    client = client_for("madoguchi")
    client.raise_request_exception = False
    with database_fails(ProgrammingError, only='"verification_entry"'):
        response = client.get("/")
    assert response.status_code == 500
