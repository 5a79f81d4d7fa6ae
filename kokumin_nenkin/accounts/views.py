"""Login in steps: password, then the second factor (or, at first login, a new password and the
enrolment of an authenticator app). The session id changes at each step."""

from base64 import b32encode

import segno
from django.contrib import auth
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import match_token

from kokumin_nenkin.post_only import post_only

from . import services, session
from .access import ANY_STAFF, otp_pending, public, requires
from .forms import OTP_FAILED, LoginForm, OtpForm, OwnPasswordChangeForm
from .middleware import ENROL_STAGE, OTP_STAGE, PASSWORD_STAGE, login_stage
from .signals import second_factor_failed, second_factor_passed

NEXT_KEY = "kn_next"
OTP_THROTTLED = (
    "確認コードの誤りが続いたため、しばらく入力できません。"
    "{seconds}秒ほど待ってから入力してください。"
)


def _safe_next(request, candidate: str | None) -> str | None:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return None


@public
@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request):
    if request.user.is_authenticated and request.user.is_verified():
        return redirect("home")
    ended = request.session.pop(session.ENDED_BECAUSE, None)
    form = LoginForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        next_url = _safe_next(request, request.POST.get("next"))
        auth.login(request, form.user)  # rotates the session id; starts the session clocks
        if next_url:
            request.session[NEXT_KEY] = next_url
        return redirect(login_stage(request.user) or "home")
    return render(
        request,
        "accounts/login.html",
        {
            "form": form,
            "next": request.GET.get("next", ""),
            "ended_message": session.ENDED_MESSAGES.get(ended, ""),
            "bare": True,
        },
    )


def _verified(request, device) -> HttpResponse:
    """Both factors passed: mark the session verified, give it a new id, go on."""
    next_url = request.session.pop(NEXT_KEY, None)
    otp_login(request, device)
    request.session.cycle_key()  # a new id once both factors are passed
    second_factor_passed.send(sender=otp_view, request=request, user=request.user)
    stage = login_stage(request.user)
    return redirect(stage or next_url or "home")


def _wait_seconds(device) -> int | None:
    """Seconds before the device accepts another code (django-otp throttling), or None."""
    allowed, info = device.verify_is_allowed()
    if not allowed and info and info.get("locked_until"):
        return max(1, int((info["locked_until"] - timezone.now()).total_seconds()) + 1)
    return None


def _throttle_wait(user) -> int | None:
    waits = [_wait_seconds(d) for d in user.totpdevice_set.filter(confirmed=True)]
    return max((w for w in waits if w), default=None)


@otp_pending
@never_cache
@require_http_methods(["GET", "POST"])
def otp_view(request):
    stage = login_stage(request.user)
    if stage != OTP_STAGE:
        return redirect(stage or "home")
    form = OtpForm(data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        wait = _throttle_wait(request.user)
        device = match_token(request.user, form.cleaned_data["token"].strip())
        if device is None:
            message = OTP_THROTTLED.format(seconds=wait) if wait else OTP_FAILED
            form.add_error("token", message)
            second_factor_failed.send(
                sender=otp_view, request=request, user=request.user, throttled=bool(wait)
            )
        else:
            return _verified(request, device)
    return render(
        request,
        "accounts/otp.html",
        {"form": form, "has_passkey": _has_passkey(request.user), "bare": True},
    )


def _has_passkey(user) -> bool:
    from django_otp_webauthn.models import WebAuthnCredential

    return WebAuthnCredential.objects.filter(user=user, confirmed=True).exists()


@requires(ANY_STAFF)
@require_http_methods(["GET"])
def second_factor_settings(request):
    """The staff member's own second factors: the authenticator app and passkeys."""
    from django_otp_webauthn.models import WebAuthnCredential

    return render(
        request,
        "accounts/second_factor.html",
        {
            "has_totp": request.user.totpdevice_set.filter(confirmed=True).exists(),
            "passkeys": WebAuthnCredential.objects.filter(user=request.user, confirmed=True),
        },
    )


@otp_pending
@never_cache
@require_http_methods(["GET", "POST"])
def enrol_view(request):
    """First login (or after a reset): register an authenticator app by its QR code."""
    stage = login_stage(request.user)
    if stage != ENROL_STAGE:
        return redirect(stage or "home")
    reset_at = request.user.second_factor_reset_at
    if reset_at is not None and request.session.get(session.PASSWORD_AT, 0) < reset_at.timestamp():
        # A session from before the second factor was reset: enrolment needs the password again.
        auth.logout(request)
        return redirect("accounts:login")
    device = services.totp_enrolment_device(staff=request.user)
    form = OtpForm(data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"].strip()
        wait = _wait_seconds(device)
        if services.totp_enrolment_confirm(staff=request.user, device=device, token=token):
            return _verified(request, device)
        form.add_error("token", OTP_THROTTLED.format(seconds=wait) if wait else OTP_FAILED)
        second_factor_failed.send(
            sender=enrol_view, request=request, user=request.user, throttled=bool(wait)
        )
    qr = segno.make(device.config_url, error="m")
    secret = b32encode(device.bin_key).decode()
    return render(
        request,
        "accounts/enrol.html",
        {
            "form": form,
            "qr_data_uri": qr.svg_data_uri(scale=5, dark="#000", light="#fff"),
            "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
            "bare": True,
        },
    )


@otp_pending
@never_cache
@require_http_methods(["GET", "POST"])
def password_change_view(request):
    """Forced (temporary or expired password) or voluntary password change."""
    stage = login_stage(request.user)
    if stage not in (PASSWORD_STAGE, None):
        return redirect(stage)
    forced = stage == PASSWORD_STAGE
    form = OwnPasswordChangeForm(request.user, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        staff = services.staff_change_own_password(
            staff=request.user, new_password=form.cleaned_data["new_password1"], actor=request.user
        )
        auth.update_session_auth_hash(request, staff)  # keeps this session, with a new id
        return redirect(login_stage(staff) or "home")
    return render(
        request,
        "accounts/password_change.html",
        {
            "form": form,
            "forced": forced,
            "expired": forced and not request.user.must_change_password,
            "bare": forced,
        },
    )


@public
@post_only(back="/")  # a GET never logs out (a link or an image could)
def logout_view(request):
    auth.logout(request)  # flushes the server-side session
    return redirect("accounts:login")


@requires(ANY_STAFF)
@post_only(back="/")
def session_ping(request):
    """「操作を続ける」 on the idle warning: resets the idle clock now (other requests rewrite it
    at most once a minute)."""
    session.touch(request)
    return HttpResponse(status=204)


def locked_out(request, original_response=None, credentials=None):
    """django-axes' lock-out answer: HTTP 429 with a Japanese page, whatever was typed."""
    from django.conf import settings

    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "accounts/locked.html",
        {"minutes": minutes, "bare": True},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
