from django.urls import path

from . import views

app_name = "exemptions"

urlpatterns = [
    path("income/import/", views.income_import, name="income_import"),
    path("renewals/", views.renewals, name="renewals"),
    path("renewals/pdf/", views.renewals_pdf, name="renewals_pdf"),
    path("persons/<int:person_id>/household/", views.household_panel, name="household_panel"),
    path("persons/<int:person_id>/application.pdf", views.application_pdf, name="application_pdf"),
]
