"""The office's URL map. Every view declares its access (kokumin_nenkin.accounts.access)."""

from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("kokumin_nenkin.accounts.urls")),
    path("accounts/passkey/", include("kokumin_nenkin.accounts.webauthn_urls")),
    path("benefits/", include("benefits.urls")),
    path("exemptions/", include("exemptions.urls")),
    path("jobs/", include("kokumin_nenkin.jobs.urls")),
    path("jps/", include("jps_reporting.urls")),
    path("persons/", include("qualifications.urls")),
    path("entries/", include("kokumin_nenkin.verification.urls")),
    path("audit/", include("audit.urls")),
    path("requests/", include("resident_requests.urls")),
]

handler403 = "kokumin_nenkin.views.error_403"
handler404 = "kokumin_nenkin.views.error_404"
handler500 = "kokumin_nenkin.views.error_500"
