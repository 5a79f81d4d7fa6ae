"""Reads for the account management screens."""

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from .models import Office, Staff


def staff_list() -> QuerySet[Staff]:
    return Staff.objects.select_related("office").order_by(
        "-is_active", "office__sort_order", "username"
    )


def staff_get(pk: int) -> Staff:
    return get_object_or_404(Staff.objects.select_related("office"), pk=pk)


def has_second_factor(staff: Staff) -> bool:
    from django_otp import user_has_device

    return user_has_device(staff, confirmed=True)


def chosen_office(request: HttpRequest, *, own_by_default: bool) -> Office | None:
    """The office whose rows a work list shows (the `office` field of the request: a code, or
    "all"): None for every office. Nothing or an unknown code chosen gives the user's own office
    when `own_by_default`, else every office."""
    chosen = request.GET.get("office", request.POST.get("office"))
    if chosen == "all":
        return None
    if chosen:
        found = Office.objects.filter(code=chosen).first()
        if found is not None:
            return found
    return getattr(request.user, "office", None) if own_by_default else None
