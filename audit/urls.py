from django.urls import path

from . import views

app_name = "audit"

urlpatterns = [
    path("", views.index, name="index"),
    path("events.csv", views.export_events, name="export_events"),
    path("person/<int:pk>/", views.person_history, name="person"),
    path("staff/<int:pk>/", views.staff_activity, name="staff"),
    path("abnormal/", views.abnormal_report, name="abnormal"),
    path("abnormal.csv", views.export_abnormal, name="export_abnormal"),
    path("daily-sheet.pdf", views.daily_sheet, name="daily_sheet"),
]
