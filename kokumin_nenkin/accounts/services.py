"""Every change to a staff account goes through here and sends `staff_account_changed`
(the audit log subscribes to it). Staff are deactivated, never deleted."""

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import Office, Role, Staff
from .passwords import generate_temporary_password
from .session import end_sessions_of
from .signals import staff_account_changed

BRANCH_ROLE_ERROR = "行政センター（支所）に所属できるのは窓口担当のみです。"
SELF_CHANGE_ERROR = (
    "自分自身の役割・所属の変更や無効化はできません。別のシステム管理者に依頼してください。"
)


@dataclass(frozen=True)
class TemporaryPassword:
    staff: Staff
    password: str


def _changed(*, actor: Staff, staff: Staff, change: str, details: dict | None = None) -> None:
    staff_account_changed.send(
        sender=Staff, request=None, actor=actor, staff=staff, change=change, details=details or {}
    )


def check_assignment(*, office: Office, role: str) -> None:
    """Branch offices (行政センター) do intake only: only 窓口担当 may belong to one."""
    if role not in Role.values:
        raise ValidationError({"role": "役割を選択してください。"})
    if not office.is_main and role != Role.COUNTER:
        raise ValidationError({"office": BRANCH_ROLE_ERROR})


@transaction.atomic
def staff_create(
    *,
    username: str,
    full_name: str,
    office: Office,
    role: str,
    actor: Staff,
    extra: dict | None = None,
) -> TemporaryPassword:
    """A new staff member with a temporary password, to be changed at first login; the second
    factor is enrolled by the staff member at first login."""
    check_assignment(office=office, role=role)
    password = generate_temporary_password()
    staff = Staff.objects.create_user(
        username=username,
        password=password,
        full_name=full_name,
        office=office,
        role=role,
        must_change_password=True,
        must_enrol_second_factor=True,
    )
    _changed(
        actor=actor,
        staff=staff,
        change="created",
        details={"所属": office.code, "役割": role, **(extra or {})},
    )
    return TemporaryPassword(staff=staff, password=password)


@transaction.atomic
def staff_change_assignment(
    *, staff: Staff, office: Office, role: str, actor: Staff, extra: dict | None = None
) -> Staff:
    """A transfer or a change of duty (異動): the role's permissions follow at once."""
    if staff.pk == actor.pk:
        raise ValidationError(SELF_CHANGE_ERROR)
    check_assignment(office=office, role=role)
    before = {"所属": staff.office.code if staff.office else "", "役割": staff.role}
    staff.office = office
    staff.role = role
    staff.save(update_fields=["office", "role"])
    end_sessions_of(staff)  # the new duties start with a new login
    _changed(
        actor=actor,
        staff=staff,
        change="assignment",
        details={
            "変更前": before,
            "変更後": {"所属": office.code, "役割": role},
            **(extra or {}),
        },
    )
    return staff


@transaction.atomic
def staff_deactivate(*, staff: Staff, actor: Staff) -> Staff:
    """Never delete: the audit log keeps pointing at the account. Open sessions end at once."""
    if staff.pk == actor.pk:
        raise ValidationError(SELF_CHANGE_ERROR)
    staff.is_active = False
    staff.save(update_fields=["is_active"])
    end_sessions_of(staff)
    _changed(actor=actor, staff=staff, change="deactivated")
    return staff


@transaction.atomic
def staff_reactivate(*, staff: Staff, actor: Staff, extra: dict | None = None) -> Staff:
    staff.is_active = True
    staff.save(update_fields=["is_active"])
    _changed(actor=actor, staff=staff, change="reactivated", details=extra)
    return staff


@transaction.atomic
def staff_reset_password(
    *, staff: Staff, actor: Staff, extra: dict | None = None
) -> TemporaryPassword:
    """A new temporary password, to be changed at the next login. Ends the user's sessions
    (the session hash changes with the password) and lifts a lock-out."""
    from axes.utils import reset as axes_reset

    password = generate_temporary_password()
    staff.set_password(password)
    staff.must_change_password = True
    staff.password_changed_at = timezone.now()
    staff.save(update_fields=["password", "must_change_password", "password_changed_at"])
    axes_reset(username=staff.username)
    end_sessions_of(staff)
    _changed(actor=actor, staff=staff, change="password_reset", details=extra)
    return TemporaryPassword(staff=staff, password=password)


@transaction.atomic
def staff_reset_second_factor(*, staff: Staff, actor: Staff, extra: dict | None = None) -> int:
    """Remove every second-factor device: the staff member enrols again at the next login,
    after the password (a session from before the reset ends now and cannot enrol)."""
    from django_otp import devices_for_user

    removed = 0
    for device in list(devices_for_user(staff, confirmed=None)):
        device.delete()
        removed += 1
    staff.must_enrol_second_factor = True
    staff.second_factor_reset_at = timezone.now()
    staff.save(update_fields=["must_enrol_second_factor", "second_factor_reset_at"])
    end_sessions_of(staff)
    _changed(
        actor=actor,
        staff=staff,
        change="second_factor_reset",
        details={"削除": removed, **(extra or {})},
    )
    return removed


@transaction.atomic
def staff_change_own_password(*, staff: Staff, new_password: str, actor: Staff) -> Staff:
    """The staff member's own change (validated by the form); clears a forced change."""
    staff.set_password(new_password)
    staff.must_change_password = False
    staff.password_changed_at = timezone.now()
    staff.save(update_fields=["password", "must_change_password", "password_changed_at"])
    _changed(actor=actor, staff=staff, change="password_changed")
    return staff


def totp_enrolment_device(*, staff: Staff) -> TOTPDevice:
    """The unconfirmed authenticator being enrolled (the same one until it is confirmed)."""
    device = TOTPDevice.objects.filter(user=staff, confirmed=False).order_by("id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=staff, name="認証アプリ", confirmed=False)
    return device


@transaction.atomic
def totp_enrolment_confirm(*, staff: Staff, device: TOTPDevice, token: str) -> bool:
    """True when the code matches (the device is then confirmed); throttled after failures."""
    if not device.verify_token(token):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=staff, confirmed=False).delete()
    if staff.must_enrol_second_factor:
        staff.must_enrol_second_factor = False
        staff.save(update_fields=["must_enrol_second_factor"])
    _changed(actor=staff, staff=staff, change="second_factor_enrolled")
    return True


# --- requests under two-person control (kinds.StaffChangeKind) -------------------------------
@transaction.atomic
def staff_change_request(
    *, change: str, actor: Staff, staff: Staff | None = None, **fields: Any
) -> Any:
    """Ask for an account change; a different システム管理者 approves it (the approval makes
    the change). Returns the entry. Refuses a request about one's own account."""
    from kokumin_nenkin.verification.services import entry_submit

    from .kinds import STAFF_CHANGE

    if staff is not None and staff.pk == actor.pk:
        raise ValidationError(SELF_CHANGE_ERROR)
    payload = {
        "change": change,
        "staff_id": str(staff.pk) if staff is not None else "",
        "username": staff.username if staff is not None else fields.get("username", ""),
        "full_name": staff.full_name if staff is not None else fields.get("full_name", ""),
        "office": fields["office"].code if fields.get("office") else "",
        "role": str(fields.get("role") or ""),
    }
    return entry_submit(kind=STAFF_CHANGE, person=None, payload=payload, actor=actor)
