from django.urls import path

from . import views

app_name = "jps_reporting"

urlpatterns = [
    path("", views.index, name="index"),
    path("batches/new/", views.batch_new, name="batch_new"),
    path("batches/<int:pk>/", views.batch_detail, name="batch"),
    path("batches/<int:pk>/rebuild/", views.batch_rebuild, name="batch_rebuild"),
    path("batches/<int:pk>/<str:kind>/", views.batch_output, name="batch_output"),
    path("batches/<int:pk>/<str:kind>/<int:part>/", views.batch_output, name="batch_output_part"),
    path("unanswered/", views.unanswered, name="unanswered"),
    path("unanswered/print/", views.unanswered_pdf, name="unanswered_pdf"),
    path("register/", views.receipt_register, name="register"),
    path("register/mine/", views.receipt_register_own, name="register_own"),
    path("results/", views.results_upload, name="results"),
    path("results/<int:pk>/", views.results_detail, name="results_detail"),
    path("results/<int:pk>/check/", views.results_check, name="results_check"),
    path("results/<int:pk>/withdraw/", views.results_withdraw, name="results_withdraw"),
    path("results/<int:pk>/request/", views.results_request, name="results_request"),
]
