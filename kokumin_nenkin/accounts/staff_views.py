"""Account management for システム管理者 (permission manage_staff). Not Django's admin.

Each screen reads only the fields its form declares: anything else posted is ignored.
Creating, changing a role or office, reactivating and the resets are *requests*: a different
システム管理者 approves them on the request screens (`kinds.StaffChangeKind`, the one
two-person mechanism); the approval makes the change and shows a temporary password once, on a
printable notice for the user. Deactivating stays immediate.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from kokumin_nenkin.confirm import confirm_first
from kokumin_nenkin.identifiers.forms import FreeTextGuard
from kokumin_nenkin.post_only import post_only
from kokumin_nenkin.verification import permissions as verification_permissions
from kokumin_nenkin.verification import services as verification
from kokumin_nenkin.verification.models import OPEN_STATUSES, Entry

from . import selectors, services
from .access import requires
from .forms import StaffAssignmentForm, StaffCreateForm
from .kinds import STAFF_CHANGE, STAFF_CHANGE_KIND, Change
from .models import Staff

MANAGE = "manage_staff"
REQUESTED = "依頼しました（受付番号 {number}）。別のシステム管理者の承認で反映されます。"


class ReturnForm(FreeTextGuard, forms.Form):
    reason = forms.CharField(
        label="差戻し理由",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "差戻しの理由を入力してください。"},
    )


def _notice(request, result: services.TemporaryPassword, created: bool):
    """The printable notice for the user: the one time the temporary password is shown
    (only its hash is stored)."""
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
    return render(
        request,
        "accounts/staff_list.html",
        {"staff_members": selectors.staff_list(), "open_requests": _open_requests().count()},
    )


@requires(MANAGE)
@never_cache
@require_http_methods(["GET", "POST"])
def staff_create(request):
    form = StaffCreateForm(data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.staff_change_request(
                change=Change.CREATE, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        except verification.VerificationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, REQUESTED.format(number=entry.receipt_number))
            return redirect("accounts:staff_request", pk=entry.pk)
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


def _request(request, staff, change: str, **fields):
    try:
        entry = services.staff_change_request(
            change=change, staff=staff, actor=request.user, **fields
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return None
    except verification.VerificationError as error:
        messages.error(request, str(error))
        return None
    messages.success(request, REQUESTED.format(number=entry.receipt_number))
    return entry


def _back_to_staff(request, pk: int) -> str:
    return reverse("accounts:staff_detail", args=[pk])


def _username(pk: int) -> str:
    staff = Staff.objects.filter(pk=pk).only("username", "full_name").first()
    return f"{staff.full_name}（{staff.username}）" if staff else ""


@requires(MANAGE)
@post_only(back=_back_to_staff)
def staff_assignment(request, pk: int):
    staff = selectors.staff_get(pk)
    form = StaffAssignmentForm(data=request.POST)
    if form.is_valid():
        try:
            services.check_assignment(**form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if _request(request, staff, Change.ASSIGNMENT, **form.cleaned_data):
                return redirect("accounts:staff_detail", pk=staff.pk)
    return _detail(request, staff, form, status=400)


@requires(MANAGE)
@post_only(back=_back_to_staff)
@confirm_first(
    question=lambda request, pk: f"{_username(pk)} を無効にします。",
    note="無効にするとすぐにログインできなくなり、使用中の画面も終了します。",
    action="無効にする",
    back=_back_to_staff,
)
def staff_deactivate(request, pk: int):
    """Immediate: taking access away needs no second person. Sessions end at once."""
    staff = selectors.staff_get(pk)
    try:
        services.staff_deactivate(staff=staff, actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, "無効にしました。")
    return redirect("accounts:staff_detail", pk=staff.pk)


def _simple_request(request, pk: int, change: str):
    staff = selectors.staff_get(pk)
    _request(request, staff, change)
    return redirect("accounts:staff_detail", pk=staff.pk)


@requires(MANAGE)
@post_only(back=_back_to_staff)
def staff_reactivate(request, pk: int):
    return _simple_request(request, pk, Change.REACTIVATE)


@requires(MANAGE)
@post_only(back=_back_to_staff)
@confirm_first(
    question=lambda request, pk: f"{_username(pk)} の二要素認証のリセットを依頼します。",
    note="承認されると登録済みの認証アプリとパスキーが使えなくなり、次のログインで登録し直します。",
    action="リセットを依頼する",
    back=_back_to_staff,
)
def staff_reset_second_factor(request, pk: int):
    return _simple_request(request, pk, Change.SECOND_FACTOR_RESET)


@requires(MANAGE)
@post_only(back=_back_to_staff)
@confirm_first(
    question=lambda request, pk: f"{_username(pk)} のパスワードのリセットを依頼します。",
    note="承認されると今のパスワードは使えなくなり、仮パスワードを本人に渡します。",
    action="リセットを依頼する",
    back=_back_to_staff,
)
def staff_reset_password(request, pk: int):
    return _simple_request(request, pk, Change.PASSWORD_RESET)


# --- the requests: approved or returned by a different システム管理者 -------------------------
def _open_requests():
    return (
        Entry.objects.filter(kind=STAFF_CHANGE, status__in=OPEN_STATUSES)
        .select_related("maker")
        .order_by("created_at", "id")
    )


def _entry_or_404(pk: int) -> Entry:
    entry = get_object_or_404(Entry.objects.select_related("maker", "checker"), pk=pk)
    if entry.kind != STAFF_CHANGE:
        raise Http404("依頼がありません。")
    return entry


@requires(MANAGE)
@require_GET
def staff_requests(request):
    rows = [{"entry": e, "summary": STAFF_CHANGE_KIND.summary(e.payload)} for e in _open_requests()]
    return render(request, "accounts/staff_requests.html", {"rows": rows})


def _request_context(request, entry, rekey_form=None, return_form=None, error=None):
    may_verify = verification_permissions.can_verify(request.user, entry)
    rows = STAFF_CHANGE_KIND.compare(None, entry.payload)
    if may_verify:  # the user ID is typed from the written request, not read from the screen
        rows = [
            (label, cur, "（依頼書から入力して照合）" if label == "ユーザーID" else new)
            for label, cur, new in rows
        ]
    return {
        "entry": entry,
        "rows": rows,
        "history": entry.history.select_related("actor"),
        "can_verify": may_verify,
        "can_withdraw": verification_permissions.can_withdraw(request.user, entry),
        "rekey_form": rekey_form or STAFF_CHANGE_KIND.rekey_form(),
        "return_form": return_form or ReturnForm(),
        "error": error,
    }


@requires(MANAGE)
@require_GET
def staff_request(request, pk: int):
    entry = _entry_or_404(pk)
    return render(request, "accounts/staff_request.html", _request_context(request, entry))


def _request_question(request, pk: int, action: str) -> str:
    entry = Entry.objects.filter(pk=pk, kind=STAFF_CHANGE).first()
    if entry is None:
        return ""
    verb = "承認して反映します" if action == "approve" else "差し戻します"
    # the change's name only: the user ID stays blind (the approver types it from the request)
    return f"受付番号 {entry.receipt_number}（{Change(entry.payload['change']).label}）を{verb}。"


@requires(MANAGE)
@never_cache
@post_only(back=lambda request, pk, action: reverse("accounts:staff_request", args=[pk]))
@confirm_first(
    question=_request_question,
    action=lambda request, pk, action: "承認する" if action == "approve" else "差し戻す",
    back=lambda request, pk, action: reverse("accounts:staff_request", args=[pk]),
    when=lambda request, pk, action: action in ("approve", "return"),
)
def staff_request_decide(request, pk: int, action: str):
    if action not in ("approve", "return", "withdraw"):
        raise Http404("操作がありません。")
    entry = _entry_or_404(pk)
    rekey_form = return_form = None
    try:
        if action == "approve":
            rekey_form = STAFF_CHANGE_KIND.rekey_form(data=request.POST)
            if not rekey_form.is_valid():
                raise verification.VerificationError("依頼書からユーザーIDを入力してください。")
            approved = verification.entry_approve(
                entry_id=entry.pk,
                rekeyed=rekey_form.cleaned_data,
                actor=request.user,
                seen_version=request.POST.get("version", ""),
            )
            result = getattr(approved, "applied_result", None)
            if isinstance(result, services.TemporaryPassword):
                return _notice(request, result, created=entry.payload["change"] == Change.CREATE)
            messages.success(request, f"受付番号 {entry.receipt_number} を承認し、反映しました。")
        elif action == "return":
            return_form = ReturnForm(request.POST)
            if not return_form.is_valid():
                reasons = [str(m) for m in return_form.errors.get("reason", [])] or [
                    "差戻しの理由を入力してください。"
                ]
                raise verification.VerificationError(" ".join(reasons))
            verification.entry_return(
                entry_id=entry.pk, reason=return_form.cleaned_data["reason"], actor=request.user
            )
            messages.success(request, f"受付番号 {entry.receipt_number} を差し戻しました。")
        else:
            verification.entry_withdraw(entry_id=entry.pk, actor=request.user)
            messages.success(request, f"受付番号 {entry.receipt_number} を取り下げました。")
    except verification.VerificationError as exc:
        entry.refresh_from_db()
        context = _request_context(request, entry, rekey_form, return_form, str(exc))
        return render(request, "accounts/staff_request.html", context, status=409)
    return redirect("accounts:staff_requests")
