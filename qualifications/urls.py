from django.urls import path

from . import views

app_name = "qualifications"

urlpatterns = [
    path("", views.search, name="search"),
    path("<int:pk>/", views.person, name="person"),
    path("<int:pk>/my-number/", views.reveal_my_number, name="reveal_my_number"),
    path("<int:pk>/memo/", views.memo_new, name="memo_new"),
]
