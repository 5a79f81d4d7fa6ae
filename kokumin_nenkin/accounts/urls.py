from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("login/otp/", views.otp_view, name="otp"),
    path("logout/", views.logout_view, name="logout"),
]
