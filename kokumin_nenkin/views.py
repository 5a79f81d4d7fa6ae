"""Project-wide views: the home page of each role, the health check and the error pages."""

from django.db import connection, transaction
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .accounts.access import ANY_STAFF, public, requires
from .accounts.models import Role


@requires(ANY_STAFF)
@require_GET
def home(request):
    role = request.user.role
    return render(request, "home.html", {"role": role, "Role": Role})


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
