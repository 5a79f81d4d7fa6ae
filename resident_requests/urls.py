from django.urls import path

from . import views

app_name = "resident_requests"

urlpatterns = [
    path("", views.index, name="index"),
    path("print/", views.index_pdf, name="index_pdf"),
    path("new/<int:person_pk>/", views.new, name="new"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/extend/", views.extend, name="extend"),
    path("<int:pk>/disclosure/", views.print_package, name="print"),
    path("<int:pk>/correct/<str:kind>/", views.correct, name="correct"),
    path("packages/<int:pk>/", views.package, name="package"),
    path("retention/", views.retention, name="retention"),
    path("inquiries/", views.inquiries, name="inquiries"),
    path("inquiries/new/", views.inquiry_new, name="inquiry_new"),
    path("inquiries/<int:pk>/close/", views.inquiry_close, name="inquiry_close"),
    path("inquiries/<int:pk>/pdf/", views.inquiry_pdf, name="inquiry_pdf"),
    path("retention/<int:entry_pk>/approve/", views.purge_approve, name="purge_approve"),
]
