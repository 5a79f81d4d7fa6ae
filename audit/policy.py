"""Which declared accesses touch personal data — the one place that says so.

A view declared `@requires(<codename>)` with a codename in PERSONAL_DATA_PERMISSIONS reads or
changes personal data: every successful request to it must write at least one audit event
(checked in tests by `AuditContextMiddleware` when AUDIT_REQUIRE_EVENTS is on). Every codename of
`ROLE_PERMISSIONS` must be classified here; a test fails when a new one is not.
"""

from kokumin_nenkin.accounts.roles import ROLE_PERMISSIONS

PERSONAL_DATA_PERMISSIONS: frozenset[str] = frozenset(
    {
        "search_person",
        "enter_entry",
        "write_memo",
        "print_application",
        "verify_entry",
        "reveal_my_number",
        "report_to_jps",
        "import_jps_results",
        "view_audit",  # the audit screens show whose records were looked at
    }
)
# Declared permissions that do not open personal records.
OTHER_PERMISSIONS: frozenset[str] = frozenset({"manage_staff"})


def touches_personal_data(access: str | None) -> bool:
    return access in PERSONAL_DATA_PERMISSIONS


def unclassified_permissions() -> set[str]:
    every = set().union(*ROLE_PERMISSIONS.values())
    return every - PERSONAL_DATA_PERMISSIONS - OTHER_PERMISSIONS
