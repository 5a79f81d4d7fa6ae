"""seed_demo's platform part: the six demo staff (one per role), their password and TOTP keys.
The persons and the work of each app are the apps' own demo parts (`kokumin_nenkin.demo.parts`).
"""

from django_otp.plugins.otp_totp.models import TOTPDevice

from kokumin_nenkin.accounts.models import Office, Role, Staff
from kokumin_nenkin.accounts.totp import demo_key_for

DEMO_PASSWORD = "Nenkin-Demo-2026!"  # noqa: S105 — the documented demo password

# username, 氏名, role, office code
DEMO_STAFF = [
    ("madoguchi", "窓口 一郎", Role.COUNTER, "honcho"),
    ("oosato", "大里 花子", Role.COUNTER, "oosato"),
    ("kakunin", "確認 次郎", Role.SUPERVISOR, "honcho"),
    ("shintatsu", "進達 三郎", Role.REPORT_CLERK, "honcho"),
    ("kansa", "監査 幸子", Role.AUDITOR, "honcho"),
    ("kanri", "管理 四郎", Role.ADMIN, "honcho"),
    # account changes need a second システム管理者 to approve them (docs/security.md)
    ("kanri2", "管理 五郎", Role.ADMIN, "honcho"),
]


def create_demo_staff() -> list[Staff]:
    offices = {o.code: o for o in Office.objects.all()}
    staff = []
    for username, full_name, role, office_code in DEMO_STAFF:
        user, _ = Staff.objects.update_or_create(
            username=username,
            defaults={
                "full_name": full_name,
                "role": role,
                "office": offices[office_code],
                "is_active": True,
                "must_change_password": False,
            },
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
        TOTPDevice.objects.update_or_create(
            user=user,
            name="デモ用認証アプリ",
            defaults={"key": demo_key_for(username), "confirmed": True},
        )
        staff.append(user)
    return staff
