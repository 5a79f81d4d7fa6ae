"""Idle and absolute session timeouts, enforced on the server for every request.

The page warns before the idle timeout (static/js/idle.js) and then masks itself; the server does
not rely on the script: a request after the timeout finds the session already ended.
"""

import time

from django.conf import settings
from django.contrib import auth
from django.http import HttpRequest, HttpResponse

AUTH_AT = "kn_auth_at"  # when the password step succeeded (Unix time)
SEEN_AT = "kn_seen_at"  # the last request of this session (Unix time)
ENDED_BECAUSE = "kn_session_ended"
# the password step, to the microsecond (enrolment after a second-factor reset checks it)
PASSWORD_AT = "kn_password_at"  # noqa: S105 (a session key)

IDLE = "idle"
ABSOLUTE = "absolute"
ENDED_MESSAGES = {
    IDLE: "一定時間操作がなかったため、ログアウトしました。もう一度ログインしてください。",
    ABSOLUTE: "ログインの有効時間を過ぎたため、ログアウトしました。もう一度ログインしてください。",
}


def idle_seconds() -> int:
    return int(getattr(settings, "SESSION_IDLE_SECONDS", 900))


def touch_seconds() -> float:
    """How stale the stored last-seen time may get before a request rewrites it: at most once a
    minute (SESSION_TOUCH_SECONDS), and never more than a tenth of the idle timeout, so a session
    ends at most that much before its idle time. Rewriting it on every request cost every page a
    second write and commit."""
    return min(float(getattr(settings, "SESSION_TOUCH_SECONDS", 60)), idle_seconds() / 10)


def touch(request: HttpRequest, now: float | None = None) -> None:
    """Reset the idle clock now (the warning's 「操作を続ける」 forces it)."""
    request.session[SEEN_AT] = int(time.time() if now is None else now)


def absolute_seconds() -> int:
    return int(getattr(settings, "SESSION_ABSOLUTE_SECONDS", settings.SESSION_COOKIE_AGE))


def start(request: HttpRequest) -> None:
    """Called at login: the clocks start now."""
    exact = time.time()
    now = int(exact)
    request.session[PASSWORD_AT] = exact
    request.session[AUTH_AT] = now
    request.session[SEEN_AT] = now


def end_sessions_of(staff) -> int:
    """End every open session of `staff` at once (a reset, a deactivation, a change of role or
    office): the server-side rows go, so a copied cookie finds nothing at its next request."""
    from importlib import import_module

    from django.contrib.auth import SESSION_KEY
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    store = import_module(settings.SESSION_ENGINE).SessionStore
    ended = 0
    for row in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(row.get_decoded().get(SESSION_KEY)) == str(staff.pk):
            store(session_key=row.session_key).delete()
            ended += 1
    return ended


def start_on_login(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        start(request)


def expired_reason(session, now: float) -> str | None:
    auth_at, seen_at = session.get(AUTH_AT), session.get(SEEN_AT)
    if auth_at is None or seen_at is None:
        return IDLE  # a session that never went through our login is not trusted
    if now - seen_at > idle_seconds():
        return IDLE
    if now - auth_at > absolute_seconds():
        return ABSOLUTE
    return None


class SessionTimeoutMiddleware:
    """Ends the session of a logged-in user idle too long or logged in too long."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            reason = expired_reason(request.session, now)
            if reason is not None:
                auth.logout(request)  # flushes the server-side session
                request.session[ENDED_BECAUSE] = reason
            elif now - request.session[SEEN_AT] >= touch_seconds():
                touch(request, now)
        return self.get_response(request)
