"""Deny by default: nothing is served unless the user has passed both factors and the view's
declared permission. Static files never reach here (WhiteNoise answers them first)."""

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect
from django.template.loader import render_to_string

from .access import OTP_PENDING, PUBLIC, declared_access, user_may


def is_fully_verified(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_verified())


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
            return None
        if not user.is_verified():
            return redirect("accounts:otp")
        if not user_may(user, access):
            return forbidden(request)
        return None


def _url(name: str) -> str:
    from django.urls import reverse

    return reverse(name)
