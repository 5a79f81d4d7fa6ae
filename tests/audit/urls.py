"""Test-only views: a page that changes a person and one that reads a person without auditing.

The person page of the qualifications issue does not exist on this branch; these stand in for
it with the same layering (declared access, service in a transaction, audit event).
"""

from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path

from audit.models import Action
from audit.policy import no_personal_data, no_personal_data_on
from audit.services import record
from kokumin_nenkin.accounts.access import ANY_STAFF, requires
from kokumin_nenkin.urls import urlpatterns as project_urlpatterns
from qualifications.models import Person


@transaction.atomic
def person_rename(*, person: Person, family_name: str, actor) -> Person:
    person.family_name = family_name
    person.save()
    record(Action.UPDATE, person=person, target=person, details={"field": "family_name"})
    return person


@requires("enter_entry")
def rename_view(request, pk):
    person = get_object_or_404(Person, pk=pk)
    person_rename(person=person, family_name=request.POST["family_name"], actor=request.user)
    return redirect("test_person_audited", pk=pk)


@requires("search_person")
def audited_view(request, pk):
    person = get_object_or_404(Person, pk=pk)
    record(Action.VIEW, person=person, details={"screen": "test_person"})
    return HttpResponse(person.full_name)


@requires("search_person")
def unaudited_view(request, pk):
    person = get_object_or_404(Person, pk=pk)
    return HttpResponse(person.full_name)


@requires("search_person")
@no_personal_data_on("GET")
def blank_form_view(request):
    if request.method == "POST":
        return HttpResponse("read a person without auditing")
    return HttpResponse("blank form")


@requires("search_person")
def search_like_view(request):
    if not request.GET.get("q"):
        no_personal_data(request)  # nothing searched yet: an empty page
    return HttpResponse("results would be here")


@requires(ANY_STAFF)
def any_staff_view(request):
    return HttpResponse("ok")


urlpatterns = [
    *project_urlpatterns,
    path("t/person/<int:pk>/rename", rename_view, name="test_person_rename"),
    path("t/person/<int:pk>", audited_view, name="test_person_audited"),
    path("t/person/<int:pk>/unaudited", unaudited_view, name="test_person_unaudited"),
    path("t/any", any_staff_view, name="test_any_staff"),
    path("t/blank", blank_form_view, name="test_blank_form"),
    path("t/nothing-personal", search_like_view, name="test_search_like"),
]
