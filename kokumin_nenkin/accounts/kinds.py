"""Account changes under two-person control (issue 11, item 1): one entry kind of the one
verification mechanism. A システム管理者 asks (the entry's maker); a *different* システム管理者
approves, re-keying the user ID from the written request, and the approval makes the change.
The entry is about no person (`Entry.person` is empty).

Creating an account, changing a role or office, reactivating, and resetting a password or the
second factor go this way. Deactivating takes away access only and stays immediate.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

from kokumin_nenkin.identifiers.forms import FreeTextGuard
from kokumin_nenkin.verification.registry import EntryKind, register

STAFF_CHANGE = "accounts.staff_change"
SELF_APPROVAL_ERROR = (
    "自分自身のアカウントに関する依頼は承認できません。別のシステム管理者に依頼してください。"
)


class Change(models.TextChoices):
    CREATE = "create", "職員の登録"
    ASSIGNMENT = "assignment", "所属・役割の変更"
    REACTIVATE = "reactivate", "有効化"
    PASSWORD_RESET = "password_reset", "パスワードのリセット"
    SECOND_FACTOR_RESET = "second_factor_reset", "二要素認証のリセット"


class StaffChangeForm(FreeTextGuard, forms.Form):
    """The payload declaration (the request screens build it from their own forms)."""

    change = forms.ChoiceField(label="依頼の内容", choices=Change.choices)
    staff_id = forms.IntegerField(label="職員", required=False)
    username = forms.CharField(label="ユーザーID", max_length=150)
    full_name = forms.CharField(label="氏名", max_length=60, required=False)
    office = forms.CharField(label="所属", max_length=20, required=False)
    role = forms.CharField(label="役割", max_length=20, required=False)


class StaffChangeKind(EntryKind):
    code = STAFF_CHANGE
    label = "職員アカウントの変更"
    form_code = "SA"  # not a 届書: an account change
    form_class = StaffChangeForm
    key_fields = ("username",)  # re-keyed by the approver from the written request
    enter_permission = "manage_staff"
    verify_permission = "manage_staff"
    generic_screens = False
    reported = False

    def current_version(self, person) -> str:
        return "staff"  # the target's state is checked again by `validate` at approval

    def _target(self, payload):
        from .models import Staff

        try:
            return Staff.objects.select_related("office").get(pk=int(payload.get("staff_id") or 0))
        except (Staff.DoesNotExist, ValueError):
            raise ValidationError({"staff_id": "対象の職員が見つかりません。"}) from None

    def _office(self, code):
        from .models import Office

        try:
            return Office.objects.get(code=code)
        except Office.DoesNotExist:
            raise ValidationError({"office": "所属を選択してください。"}) from None

    def validate(self, person, payload, *, supersedes=None) -> None:
        from .models import Staff
        from .services import check_assignment

        change = payload.get("change")
        if change not in Change.values:
            raise ValidationError({"change": "依頼の内容が正しくありません。"})
        if change == Change.CREATE:
            if Staff.objects.filter(username__iexact=payload.get("username", "")).exists():
                raise ValidationError({"username": "このユーザーIDはすでに使われています。"})
            check_assignment(office=self._office(payload.get("office")), role=payload.get("role"))
            return
        staff = self._target(payload)
        if staff.username != payload.get("username"):
            raise ValidationError({"username": "ユーザーIDが対象の職員と一致しません。"})
        if change == Change.ASSIGNMENT:
            check_assignment(office=self._office(payload.get("office")), role=payload.get("role"))
        elif change == Change.REACTIVATE and staff.is_active:
            raise ValidationError({"staff_id": "この職員はすでに有効です。"})
        elif change in (Change.PASSWORD_RESET, Change.SECOND_FACTOR_RESET) and not staff.is_active:
            raise ValidationError({"staff_id": "無効の職員です。先に有効化してください。"})

    def approve(self, entry, person, *, actor):
        from kokumin_nenkin.verification.services import NotPermitted

        payload = entry.payload
        if payload.get("staff_id") and int(payload["staff_id"]) == actor.pk:
            raise NotPermitted(SELF_APPROVAL_ERROR)
        if actor.awaits_own_credentials:
            raise NotPermitted(
                "仮パスワードの変更と二要素認証の登録を済ませてから承認してください。"
            )
        self.validate(person, payload)
        return self.apply(entry, actor=actor)

    def apply(self, entry, *, actor):
        from . import services

        payload = entry.payload
        change = payload["change"]
        requested_by = {"依頼者": entry.maker.username}
        if change == Change.CREATE:
            return services.staff_create(
                username=payload["username"],
                full_name=payload.get("full_name", ""),
                office=self._office(payload["office"]),
                role=payload["role"],
                actor=actor,
                extra=requested_by,
            )
        staff = self._target(payload)
        if change == Change.ASSIGNMENT:
            return services.staff_change_assignment(
                staff=staff,
                office=self._office(payload["office"]),
                role=payload["role"],
                actor=actor,
                extra=requested_by,
            )
        if change == Change.REACTIVATE:
            return services.staff_reactivate(staff=staff, actor=actor, extra=requested_by)
        if change == Change.PASSWORD_RESET:
            return services.staff_reset_password(staff=staff, actor=actor, extra=requested_by)
        services.staff_reset_second_factor(staff=staff, actor=actor, extra=requested_by)
        return staff

    def compare(self, person, payload):
        from .models import Office, Role

        rows = [("依頼の内容", "", Change(payload["change"]).label)]
        rows.append(("ユーザーID", "", payload.get("username", "")))
        if payload.get("full_name"):
            rows.append(("氏名", "", payload["full_name"]))
        current_office = current_role = ""
        if payload.get("staff_id"):
            try:
                staff = self._target(payload)
            except ValidationError:
                staff = None
            if staff is not None:
                current_office = staff.office.name if staff.office else ""
                current_role = staff.role_label
        if payload.get("office"):
            office = Office.objects.filter(code=payload["office"]).first()
            rows.append(("所属", current_office, office.name if office else payload["office"]))
        if payload.get("role"):
            rows.append(("役割", current_role, Role(payload["role"]).label))
        return rows

    def summary(self, payload) -> str:
        return f"{Change(payload['change']).label}（{payload.get('username', '')}）"


STAFF_CHANGE_KIND = StaffChangeKind()


def register_kinds() -> None:
    register(STAFF_CHANGE_KIND)
