from django.urls import path

from . import views

app_name = "jobs"
urlpatterns = [
    path("<int:job_id>/", views.job_progress, name="progress"),
    path("<int:job_id>/status.json", views.job_status, name="status"),
]
