from django.urls import path

from . import register_views, views

app_name = "qualifications"

urlpatterns = [
    path("", views.search, name="search"),
    path("<int:pk>/", views.person, name="person"),
    path("<int:pk>/my-number/", views.reveal_my_number, name="reveal_my_number"),
    path("<int:pk>/memo/", views.memo_new, name="memo_new"),
    path(
        "residents/import/",
        register_views.residents_import_view,
        name="residents_import",
    ),
    path("new/", register_views.new_person, name="new_person"),
    path("city-changes/", register_views.city_files, name="city_files"),
    path(
        "city-changes/<int:pk>/download/",
        register_views.city_file_download,
        name="city_file_download",
    ),
    path("worklists/", register_views.work_lists, name="work_lists"),
    path("worklists/<str:code>/", register_views.work_list, name="work_list"),
    path("worklists/<str:code>/pdf/", register_views.work_list_pdf, name="work_list_pdf"),
]
