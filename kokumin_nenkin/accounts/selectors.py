"""Reads for the account management screens."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from .models import Staff


def staff_list() -> QuerySet[Staff]:
    return Staff.objects.select_related("office").order_by(
        "-is_active", "office__sort_order", "username"
    )


def staff_get(pk: int) -> Staff:
    return get_object_or_404(Staff.objects.select_related("office"), pk=pk)


def has_second_factor(staff: Staff) -> bool:
    from django_otp import user_has_device

    return user_has_device(staff, confirmed=True)
