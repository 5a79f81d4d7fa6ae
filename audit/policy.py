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
        "import_city_data",  # income data of the city
        "import_residents",  # the resident registry (F3) and the initial load
        "view_audit",  # the audit screens show whose records were looked at
    }
)
# Declared permissions that do not open personal records.
OTHER_PERMISSIONS: frozenset[str] = frozenset({"manage_staff"})


def touches_personal_data(access: str | None) -> bool:
    return access in PERSONAL_DATA_PERMISSIONS


def no_personal_data_on(*methods: str):
    """Declare that, for these HTTP methods, a personal-data view shows none (e.g. the blank
    upload form of an import on GET), so it needs no audit event then. Keep it rare and next to
    the view: every other method still must write one.

        @requires("import_city_data")
        @no_personal_data_on("GET")
        def income_import(request): ...
    """

    def decorator(view):
        view.audit_exempt_methods = frozenset(m.upper() for m in methods)
        return view

    return decorator


def exempt_methods(view_func) -> frozenset[str]:
    found = getattr(view_func, "audit_exempt_methods", None)
    if found is None:
        found = getattr(getattr(view_func, "view_class", None), "audit_exempt_methods", None)
    return found or frozenset()


def unclassified_permissions() -> set[str]:
    every = set().union(*ROLE_PERMISSIONS.values())
    return every - PERSONAL_DATA_PERMISSIONS - OTHER_PERMISSIONS


def no_personal_data(request) -> None:
    """Say, from inside a view, that this response shows no personal data (e.g. a search page
    with no query yet), so it needs no audit event."""
    request.audit_no_personal_data = True
