"""Passkeys (django-otp-webauthn) as the biometric second factor.

Our rules on top of the package: user verification (the device's fingerprint, face or PIN) is
always required, at registration and at every login; a passkey is only ever a *second* factor
after the password (OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False, and the views refuse an
anonymous caller even if that setting were turned on); the session id changes once verified and
the same signals as the TOTP step are sent for the audit log.
"""

from django.http import JsonResponse
from django.shortcuts import resolve_url
from django.urls import reverse
from django.views.i18n import JavaScriptCatalog
from django_otp import login as otp_login
from django_otp_webauthn import exceptions as webauthn_exceptions
from django_otp_webauthn.helpers import WebAuthnHelper
from django_otp_webauthn.views import (
    AuthenticationCeremonyMixin,
    BeginCredentialAuthenticationView,
    BeginCredentialRegistrationView,
    CompleteCredentialAuthenticationView,
    CompleteCredentialRegistrationView,
)
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from kokumin_nenkin.post_only import post_only

from .access import ANY_STAFF, otp_pending, requires
from .signals import second_factor_failed, second_factor_passed, staff_account_changed


class UserVerifiedWebAuthnHelper(WebAuthnHelper):
    def get_discoverable_credentials_preference(self) -> ResidentKeyRequirement:
        return ResidentKeyRequirement.DISCOURAGED  # no passwordless login, so no need

    def get_generate_registration_options_kwargs(self, *, user) -> dict:
        kwargs = super().get_generate_registration_options_kwargs(user=user)
        kwargs["authenticator_selection"] = AuthenticatorSelectionCriteria(
            user_verification=UserVerificationRequirement.REQUIRED,
            resident_key=kwargs["authenticator_selection"].resident_key,
        )
        return kwargs

    def get_generate_authentication_options_kwargs(
        self, *, user=None, require_user_verification: bool = True
    ) -> dict:
        return super().get_generate_authentication_options_kwargs(
            user=user, require_user_verification=True
        )


class _SecondFactorOnly(AuthenticationCeremonyMixin):
    """Refuse the ceremony unless the password step is done (never passwordless)."""

    def check_can_authenticate(self):
        user = self.request.user
        if not (user.is_authenticated and user.is_active):
            raise webauthn_exceptions.PasswordlessLoginDisabled()
        super().check_can_authenticate()


class PasskeyAuthBegin(_SecondFactorOnly, BeginCredentialAuthenticationView):
    pass


class PasskeyAuthComplete(_SecondFactorOnly, CompleteCredentialAuthenticationView):
    def complete_auth(self, device) -> None:
        otp_login(self.request, device)
        self.request.session.cycle_key()  # a new id once both factors are passed
        second_factor_passed.send(sender=type(self), request=self.request, user=self.request.user)

    def get_success_url(self):
        from .middleware import login_stage

        return resolve_url(login_stage(self.request.user) or "home")

    def handle_exception(self, exc):
        user = getattr(self.request, "user", None)
        if user is not None and user.is_authenticated:
            second_factor_failed.send(
                sender=type(self), request=self.request, user=user, method="passkey"
            )
        return super().handle_exception(exc)


class PasskeyRegisterComplete(CompleteCredentialRegistrationView):
    def post(self, *args, **kwargs):
        response = super().post(*args, **kwargs)
        if isinstance(response, JsonResponse) and response.status_code == 200:
            user = self.request.user
            staff_account_changed.send(
                sender=type(self),
                request=self.request,
                actor=user,
                staff=user,
                change="passkey_registered",
                details={},
            )
        return response


# Access declarations for the package's endpoints (StaffAccessMiddleware reads them).
auth_begin = otp_pending(PasskeyAuthBegin.as_view())
auth_complete = otp_pending(PasskeyAuthComplete.as_view())
# The script on the second-factor screen posts here; opened by GET, back to that screen.
_to_second_factor = post_only(back=lambda request: reverse("accounts:second_factor"))
register_begin = requires(ANY_STAFF)(_to_second_factor(BeginCredentialRegistrationView.as_view()))
register_complete = requires(ANY_STAFF)(_to_second_factor(PasskeyRegisterComplete.as_view()))
js_catalog = otp_pending(JavaScriptCatalog.as_view(packages=["django_otp_webauthn"]))
