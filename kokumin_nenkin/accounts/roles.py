"""The one declared permission matrix: role → permissions. Code and docs/roles.md read this.

Offices and role groups are reference data: `sync_reference_data` (run after every migrate
and flush) makes the database match this file exactly.
"""

from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission

from .models import Office, Role

APP = "accounts"

# PRODUCT.md §1. A system administrator gets no permission on personal records
# (separation of duties); an auditor reads logs only.
_COUNTER = frozenset(
    {"search_person", "enter_entry", "write_memo", "print_application"},
)
ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.COUNTER: _COUNTER,
    Role.SUPERVISOR: _COUNTER | {"verify_entry", "reveal_my_number"},
    Role.REPORT_CLERK: frozenset({"report_to_jps", "import_jps_results", "import_city_data"}),
    Role.AUDITOR: frozenset({"view_audit"}),
    Role.ADMIN: frozenset({"manage_staff"}),
}

OFFICES = [
    # code, name, is_main
    ("honcho", "本庁 保険年金課", True),
    ("oosato", "大里行政センター", False),
    ("menuma", "妻沼行政センター", False),
    ("konan", "江南行政センター", False),
]


def perm(codename: str) -> str:
    """The full permission name for a codename of the matrix, e.g. 'accounts.verify_entry'."""
    return f"{APP}.{codename}"


def sync_reference_data(sender=None, **kwargs) -> None:
    from django.apps import apps

    create_permissions(apps.get_app_config(APP), verbosity=0)
    for order, (code, name, is_main) in enumerate(OFFICES):
        Office.objects.update_or_create(
            code=code, defaults={"name": name, "is_main": is_main, "sort_order": order}
        )
    for role, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=Role(role).label)
        perms = Permission.objects.filter(content_type__app_label=APP, codename__in=codenames)
        group.permissions.set(perms)


def assign_role_group(staff) -> None:
    """Make the staff member's groups exactly the group of their role."""
    if staff.role:
        group, _ = Group.objects.get_or_create(name=Role(staff.role).label)
        staff.groups.set([group])
    else:
        staff.groups.clear()
