"""Account management for システム管理者 (permission manage_staff). Not Django's admin.

Each screen reads only the fields its form declares: anything else posted is ignored.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import selectors, services
from .access import requires
from .forms import StaffAssignmentForm, StaffCreateForm

MANAGE = "manage_staff"


def _show_temporary_password(request, result: services.TemporaryPassword, created: bool):
    response = render(
        request,
        "accounts/staff_password.html",
        {"staff": result.staff, "password": result.password, "created": created},
    )
    add_never_cache_headers(response)  # the temporary password must not stay in any cache
    return response


@requires(MANAGE)
@require_GET
def staff_list(request):
    return render(request, "accounts/staff_list.html", {"staff_members": selectors.staff_list()})


@requires(MANAGE)
@never_cache
@require_http_methods(["GET", "POST"])
def staff_create(request):
    form = StaffCreateForm(data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.staff_create(**form.cleaned_data, actor=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _show_temporary_password(request, result, created=True)
    return render(request, "accounts/staff_form.html", {"form": form})


@requires(MANAGE)
@require_GET
def staff_detail(request, pk: int):
    staff = selectors.staff_get(pk)
    form = StaffAssignmentForm(initial={"office": staff.office, "role": staff.role})
    return _detail(request, staff, form)


def _detail(request, staff, form, status: int = 200):
    return render(
        request,
        "accounts/staff_detail.html",
        {
            "staff": staff,
            "form": form,
            "has_second_factor": selectors.has_second_factor(staff),
            "is_self": staff.pk == request.user.pk,
        },
        status=status,
    )


@requires(MANAGE)
@require_POST
def staff_assignment(request, pk: int):
    staff = selectors.staff_get(pk)
    form = StaffAssignmentForm(data=request.POST)
    if form.is_valid():
        try:
            services.staff_change_assignment(staff=staff, **form.cleaned_data, actor=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "所属・役割を変更しました。")
            return redirect("accounts:staff_detail", pk=staff.pk)
    return _detail(request, staff, form, status=400)


def _simple_action(request, pk: int, action, done: str):
    staff = selectors.staff_get(pk)
    try:
        action(staff=staff, actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect("accounts:staff_detail", pk=staff.pk)


@requires(MANAGE)
@require_POST
def staff_deactivate(request, pk: int):
    return _simple_action(request, pk, services.staff_deactivate, "無効にしました。")


@requires(MANAGE)
@require_POST
def staff_reactivate(request, pk: int):
    return _simple_action(request, pk, services.staff_reactivate, "有効にしました。")


@requires(MANAGE)
@require_POST
def staff_reset_second_factor(request, pk: int):
    return _simple_action(
        request,
        pk,
        services.staff_reset_second_factor,
        "二要素認証の端末を削除しました。次回ログイン時に登録し直します。",
    )


@requires(MANAGE)
@never_cache
@require_POST
def staff_reset_password(request, pk: int):
    staff = selectors.staff_get(pk)
    result = services.staff_reset_password(staff=staff, actor=request.user)
    return _show_temporary_password(request, result, created=False)
