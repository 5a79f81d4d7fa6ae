"""Login in two steps: password, then the TOTP code. The session id changes at each step."""

from django.contrib import auth
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp import match_token

from .access import otp_pending, public
from .forms import OTP_FAILED, LoginForm, OtpForm
from .signals import second_factor_failed, second_factor_passed

NEXT_KEY = "kn_next"


def _safe_next(request, candidate: str | None) -> str | None:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return None


@public
@require_http_methods(["GET", "POST"])
def login_view(request):
    if request.user.is_authenticated and request.user.is_verified():
        return redirect("home")
    form = LoginForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        next_url = _safe_next(request, request.POST.get("next"))
        auth.login(request, form.user)  # rotates the session id
        if next_url:
            request.session[NEXT_KEY] = next_url
        return redirect("accounts:otp")
    return render(
        request,
        "accounts/login.html",
        {"form": form, "next": request.GET.get("next", ""), "bare": True},
    )


@otp_pending
@require_http_methods(["GET", "POST"])
def otp_view(request):
    if request.user.is_verified():
        return redirect("home")
    form = OtpForm(data=request.POST or None)
    has_device = request.user.totpdevice_set.filter(confirmed=True).exists()
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["token"].strip())
        if device is None:
            form.add_error("token", OTP_FAILED)
            second_factor_failed.send(sender=otp_view, request=request, user=request.user)
        else:
            next_url = request.session.pop(NEXT_KEY, None)
            otp_login(request, device)
            request.session.cycle_key()  # a new id once both factors are passed
            second_factor_passed.send(sender=otp_view, request=request, user=request.user)
            return redirect(next_url or "home")
    return render(
        request, "accounts/otp.html", {"form": form, "has_device": has_device, "bare": True}
    )


@public
@require_POST
def logout_view(request):
    auth.logout(request)  # flushes the server-side session
    return redirect("accounts:login")
