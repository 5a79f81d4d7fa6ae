from django.urls import path

from . import views

app_name = "verification"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("print/", views.queue_pdf, name="queue_pdf"),
    path("mine/", views.mine, name="mine"),
    path("mine/print/", views.mine_pdf, name="mine_pdf"),
    path("new/<str:kind>/<int:person_pk>/", views.new_entry, name="new"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit_entry, name="edit"),
    path("<int:pk>/approve/", views.approve, name="approve"),
    path("<int:pk>/return/", views.return_entry, name="return"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
]
