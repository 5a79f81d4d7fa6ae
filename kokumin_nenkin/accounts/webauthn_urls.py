"""The passkey endpoints, under the namespace the package's template tags reverse."""

from django.urls import path

from . import webauthn

app_name = "otp_webauthn"

urlpatterns = [
    path("registration/begin/", webauthn.register_begin, name="credential-registration-begin"),
    path(
        "registration/complete/",
        webauthn.register_complete,
        name="credential-registration-complete",
    ),
    path("authentication/begin/", webauthn.auth_begin, name="credential-authentication-begin"),
    path(
        "authentication/complete/",
        webauthn.auth_complete,
        name="credential-authentication-complete",
    ),
    path("jsi18n/", webauthn.js_catalog, name="js-i18n-catalog"),
]
