"""The project's URLs plus the two views the audit tests need and no real screen provides.

- `person_rename`: no screen changes a person's own fields through a request (they change
  through approved entries and imports, which write other rows), yet the field diffs of a
  person (django-auditlog) must take the actor, the address and the request id from the
  request. This view does it the way a screen would: declared access, a service in a
  transaction, its audit event.
- `forgets_to_audit`: a view that reads a person and writes no audit event — the mistake the
  test-time check exists to catch, which no real view may make. It is also mounted with
  `no_personal_data_on("GET")`, to show that the declaration covers only the methods it names.
"""

from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path

from audit.models import Action
from audit.policy import no_personal_data_on
from audit.services import record
from kokumin_nenkin.accounts.access import requires
from kokumin_nenkin.urls import urlpatterns as project_urlpatterns
from qualifications.models import Person


@transaction.atomic
def person_rename(*, person: Person, family_name: str, actor) -> Person:
    person.family_name = family_name
    person.save()
    record(Action.UPDATE, person=person, target=person, details={"理由": "family_name"})
    return person


@requires("enter_entry")
def rename_view(request, pk):
    person = get_object_or_404(Person, pk=pk)
    person_rename(person=person, family_name=request.POST["family_name"], actor=request.user)
    return redirect("qualifications:person", pk=pk)


@requires("search_person")
def forgets_to_audit(request, pk):
    return HttpResponse(get_object_or_404(Person, pk=pk).full_name)


@requires("search_person")
@no_personal_data_on("GET")
def forgets_to_audit_but_on_get(request, pk):
    return HttpResponse(get_object_or_404(Person, pk=pk).full_name)


urlpatterns = [
    *project_urlpatterns,
    path("t/person/<int:pk>/rename", rename_view),
    path("t/person/<int:pk>/unaudited", forgets_to_audit),
    path("t/person/<int:pk>/unaudited-but-get", forgets_to_audit_but_on_get),
]
