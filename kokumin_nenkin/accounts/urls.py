from django.urls import path

from . import staff_views, views

app_name = "accounts"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("login/otp/", views.otp_view, name="otp"),
    path("login/enrol/", views.enrol_view, name="enrol"),
    path("password/", views.password_change_view, name="password_change"),
    path("logout/", views.logout_view, name="logout"),
    path("second-factor/", views.second_factor_settings, name="second_factor"),
    path("session/ping/", views.session_ping, name="session_ping"),
    path("staff/", staff_views.staff_list, name="staff_list"),
    path("staff/new/", staff_views.staff_create, name="staff_create"),
    path("staff/<int:pk>/", staff_views.staff_detail, name="staff_detail"),
    path("staff/<int:pk>/assignment/", staff_views.staff_assignment, name="staff_assignment"),
    path("staff/<int:pk>/deactivate/", staff_views.staff_deactivate, name="staff_deactivate"),
    path("staff/<int:pk>/reactivate/", staff_views.staff_reactivate, name="staff_reactivate"),
    path(
        "staff/<int:pk>/reset-password/",
        staff_views.staff_reset_password,
        name="staff_reset_password",
    ),
    path(
        "staff/<int:pk>/reset-second-factor/",
        staff_views.staff_reset_second_factor,
        name="staff_reset_second_factor",
    ),
    path("staff/requests/", staff_views.staff_requests, name="staff_requests"),
    path("staff/requests/<int:pk>/", staff_views.staff_request, name="staff_request"),
    path(
        "staff/requests/<int:pk>/<str:action>/",
        staff_views.staff_request_decide,
        name="staff_request_decide",
    ),
]
