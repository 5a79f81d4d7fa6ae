"""Binds the audit context (actor, office, trusted client address, request id) per request.

With AUDIT_REQUIRE_EVENTS on (the test settings), it also checks the first layer of the audit
design: a successful request to a view whose declared access touches personal data
(`audit.policy`) must have written an audit event with this request's id; if not, the request
raises `AuditEventMissing`, so the test that made it fails. A view may declare methods on which
it shows no personal data (`audit.policy.no_personal_data_on`).
"""

from django.conf import settings

from kokumin_nenkin.accounts.access import declared_access, user_may

from . import context
from .policy import exempt_methods, touches_personal_data


class AuditEventMissing(AssertionError):
    pass


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        authenticated = bool(user is not None and user.is_authenticated)
        request.audit_request_id = context.new_request_id()
        request.client_ip = context.client_ip(request)
        request.audit_access = None
        token = context.bind(
            context.AuditContext(
                actor_id=user.pk if authenticated else None,
                office_id=getattr(user, "office_id", None) if authenticated else None,
                client_ip=request.client_ip,
                request_id=request.audit_request_id,
            )
        )
        try:
            response = self.get_response(request)
        finally:
            context.reset(token)
        if getattr(settings, "AUDIT_REQUIRE_EVENTS", False):
            self._require_event(request, response)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        request.audit_access = declared_access(view_func)
        if request.method in exempt_methods(view_func):
            request.audit_access = None

    @staticmethod
    def _require_event(request, response) -> None:
        access = request.audit_access
        if not touches_personal_data(access) or response.status_code >= 400:
            return
        user = request.user
        # Only when the access middleware let the view run (otherwise it answered a redirect).
        if not (user.is_authenticated and user.is_verified() and user_may(user, access)):
            return
        from .models import AuditEvent

        if not AuditEvent.objects.filter(request_id=request.audit_request_id).exists():
            raise AuditEventMissing(
                f"{request.method} {request.path} ({access}) は個人情報を扱う画面ですが、"
                "監査ログを記録していません。audit.services.record を呼んでください。"
            )
