"""Deny by default: nothing is served unless the user has passed both factors, has no password
change pending, and has the view's declared permission. Static files never reach here
(WhiteNoise answers them first)."""

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django_otp import user_has_device

from .access import OTP_PENDING, PUBLIC, declared_access, user_may
from .passwords import password_change_required

OTP_STAGE = "accounts:otp"
PASSWORD_STAGE = "accounts:password_change"  # noqa: S105 (a URL name)
ENROL_STAGE = "accounts:enrol"


def login_stage(user) -> str | None:
    """The step a logged-in user must finish before anything else (a URL name), or None.

    password → second factor → (password change if temporary or expired) → done;
    at first login (no device yet): password → password change → TOTP enrolment → done.
    """
    verified = getattr(user, "is_verified", None)  # set by django-otp's middleware
    if not (verified and verified()):
        if user_has_device(user, confirmed=True):
            return OTP_STAGE
        if password_change_required(user):
            return PASSWORD_STAGE
        return ENROL_STAGE
    if password_change_required(user):
        return PASSWORD_STAGE
    return None


def forbidden(request: HttpRequest, reason: str = "") -> HttpResponse:
    body = render_to_string("403.html", {"reason": reason}, request=request)
    return HttpResponseForbidden(body)


class StaffAccessMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        access = declared_access(view_func)
        if access == PUBLIC:
            return None
        user = request.user
        if not user.is_authenticated:
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{_url('accounts:login')}?{query}")
        if access == OTP_PENDING:
            return None  # each login step checks that it is the user's current stage
        stage = login_stage(user)
        if stage is not None:
            return redirect(stage)
        if not user_may(user, access):
            return forbidden(request)
        return None


def _url(name: str) -> str:
    from django.urls import reverse

    return reverse(name)
