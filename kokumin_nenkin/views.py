"""Project-wide views: the home page of each role, the health check and the error pages."""

from django.db import connection, transaction
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from audit.models import Action
from audit.selectors import abnormal_summary
from audit.services import record

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
    """200 when the database answers, 503 otherwise. Says nothing else about the system."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def error_403(request, exception=None):
    return render(request, "403.html", status=403)


def error_404(request, exception=None):
    return render(request, "404.html", status=404)


def error_500(request):
    # No context processors, no request data: nothing personal can leak into this page.
    from django.http import HttpResponseServerError
    from django.template.loader import get_template

    return HttpResponseServerError(get_template("500.html").render())
