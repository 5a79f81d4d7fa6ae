"""The database is away (a restart, a fail-over, the network): a Japanese 503 page, never a 500.

`DatabaseOutageMiddleware.process_exception` answers a view's `OperationalError` /
`InterfaceError` (the connection refused, dropped or closed under it) with
「一時的に利用できません」, HTTP 503 and `Retry-After`. The same error raised in a middleware
(loading the session or the user) reaches `handler500`, which gives the same page
(`views.error_500`). Nothing is half-written: the request's transaction (ATOMIC_REQUESTS) is
rolled back with the connection.

Recovery needs no restart: Django marks a connection on which such an error occurred, closes it
at the end of the request when it no longer answers (`close_if_unusable_or_obsolete`), and
`CONN_HEALTH_CHECKS` checks a kept connection before the next request uses it, so the next
request opens a fresh one.
"""

import logging

from django.db import InterfaceError, OperationalError, connections
from django.http import HttpResponse
from django.template.loader import get_template

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30
OUTAGE_ERRORS = (OperationalError, InterfaceError)


def is_outage(exc: BaseException | None) -> bool:
    """An error that says the database could not be reached, not that our SQL was wrong
    (a wrong query is ProgrammingError / DataError / IntegrityError, a bug: 500)."""
    # SQLite's "database is locked" is an OperationalError too: contention, not an outage, but
    # the answer to the user is the same (try again shortly).
    return isinstance(exc, OUTAGE_ERRORS)


def _drop_broken_connections() -> None:
    """Close every connection that no longer answers, so the next request reconnects."""
    for conn in connections.all(initialized_only=True):
        if conn.connection is not None and not conn.is_usable():
            try:
                conn.close()
            except Exception:  # the server is gone; closing the socket is all that is left
                conn.connection = None


def unavailable_response() -> HttpResponse:
    """The page (no context processors, no database, nothing personal) with HTTP 503."""
    response = HttpResponse(get_template("503.html").render(), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def outage_response(request, exc: BaseException) -> HttpResponse:
    # The error's text is not logged: a driver message may quote a parameter.
    logger.warning(
        "database unavailable during %s %s (%s): answered 503",
        request.method,
        request.resolver_match.view_name if request.resolver_match else "-",
        type(exc).__name__,
    )
    _drop_broken_connections()
    return unavailable_response()


class DatabaseOutageMiddleware:
    """Listed last in MIDDLEWARE, so its `process_exception` is asked first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_outage(exception):
            return outage_response(request, exception)
        return None
