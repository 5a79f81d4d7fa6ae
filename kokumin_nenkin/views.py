"""Project-wide views: the home page of each role, the health check and the error pages."""

from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from audit.models import Action
from audit.selectors import abnormal_summary
from audit.services import record

from . import health
from .accounts.access import ANY_STAFF, public, requires
from .accounts.models import Role
from .home import summaries_for
from .verification.selectors import work_counts

ABNORMAL_SUMMARY_DAYS = 7


@requires(ANY_STAFF)
@require_GET
def home(request):
    """Every count is read here, through selectors (the apps' blocks through `home.py`), before
    rendering: the template only formats."""
    user = request.user
    role = user.role
    data = {"role": role, "Role": Role, "summaries": summaries_for(user)}
    if role in (Role.COUNTER, Role.SUPERVISOR):
        data["counts"] = work_counts(user)
    if role == Role.AUDITOR:
        abnormal = abnormal_summary(ABNORMAL_SUMMARY_DAYS)
        # Counts only (no names, no persons); that the auditor saw them is itself recorded.
        record(
            Action.VIEW,
            details={"画面": "異常アクセスの概要", "日数": abnormal.days, "件数": abnormal.counts},
        )
        data["abnormal"] = abnormal
    return render(request, "home.html", data)


@public
@transaction.non_atomic_requests
@require_GET
def healthz(request):
    """Cheap (one `SELECT 1`, one indexed lookup, one `statvfs`), no login, no personal data:
    names each part and whether it answers (docs/operations.md). HTTP 503 when this instance
    cannot serve (database or storage down), so a load balancer takes it out; a stale worker
    heartbeat alone keeps 200 with `"status": "degraded"` (the pages still work, jobs wait)."""
    database = health.database()
    parts = {
        "database": database,
        # The heartbeat is read from the database: unknown while it is away.
        "worker": health.worker() if database == "ok" else "unknown",
        "storage": health.storage(),
    }
    down = [name for name, state in parts.items() if state == "down"]
    if not down:
        status = "ok"
    elif set(down) <= {"worker"}:
        status = "degraded"
    else:
        status = "error"
    body = {"status": status, **parts, "down": down}
    response = JsonResponse(body, status=503 if status == "error" else 200)
    response["Cache-Control"] = "no-store"
    return response


def error_403(request, exception=None):
    return render(request, "403.html", status=403)


def error_404(request, exception=None):
    return render(request, "404.html", status=404)


def error_500(request):
    # No context processors, no request data: nothing personal can leak into this page.
    import sys

    from django.http import HttpResponseServerError
    from django.template.loader import get_template

    from .outage import is_outage, outage_response

    exc = sys.exc_info()[1]  # handler500 is called while the error is being handled
    if exc is not None and is_outage(exc):
        # The database went away while a middleware read the session or the user.
        return outage_response(request, exc)
    return HttpResponseServerError(get_template("500.html").render())
