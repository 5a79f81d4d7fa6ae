from django.urls import path

from . import views

app_name = "benefits"

urlpatterns = [
    path("attachments-due/", views.attachments_due_list, name="attachments_due"),
    path("attachments-due/print/", views.attachments_due_pdf, name="attachments_due_pdf"),
    path("entries/<int:entry_id>/attachments/", views.late_attachment, name="late_attachment"),
    path("persons/<int:person_id>/", views.claim_start, name="claim_start"),
    path("persons/<int:person_id>/guidance.pdf", views.guidance_pdf, name="guidance_pdf"),
    path("entries/<int:entry_id>/receipt.pdf", views.receipt_pdf, name="receipt_pdf"),
]
