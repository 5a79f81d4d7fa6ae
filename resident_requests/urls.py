from django.urls import path

from . import views

app_name = "resident_requests"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/<int:person_pk>/", views.new, name="new"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/extend/", views.extend, name="extend"),
    path("<int:pk>/disclosure/", views.print_package, name="print"),
    path("<int:pk>/correct/<str:kind>/", views.correct, name="correct"),
    path("packages/<int:pk>/", views.package, name="package"),
    path("retention/", views.retention, name="retention"),
    path("retention/<int:entry_pk>/approve/", views.purge_approve, name="purge_approve"),
]
