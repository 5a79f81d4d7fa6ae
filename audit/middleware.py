"""Per request: bind the audit context, and (in tests) require an event from personal-data views.

`AuditContextMiddleware` binds actor, office, trusted client address and request id for
`audit.services.record()`.

`AuditRequirementMiddleware` is the last middleware, so its `process_view` is called only when
every middleware before it let the view run (access refused, login or password-change redirects
and lock-outs never reach it). A successful (status < 400) response from a view whose declared
access touches personal data (`audit.policy`) must come with an audit event carrying this
request's id. If not: with AUDIT_REQUIRE_EVENTS on (the test settings) the request raises
`AuditEventMissing`, so the test that made it fails; otherwise (production) the middleware
writes the missing event itself (the view, the path without its query string; actor and
client address from the context) and logs the gap as an error, so the log is never silently
short. A view may declare methods on which it shows no personal data
(`audit.policy.no_personal_data_on`).
"""

import logging

from django.conf import settings

from kokumin_nenkin.accounts.access import declared_access

from . import context
from .policy import exempt_methods, touches_personal_data

logger = logging.getLogger("audit")


class AuditEventMissing(AssertionError):
    pass


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and not user.is_authenticated:
            user = None
        request.audit_request_id = context.new_request_id()
        request.client_ip = context.client_ip(request)
        token = context.bind(
            context.AuditContext(
                actor_id=user.pk if user is not None else None,
                office_id=getattr(user, "office_id", None),
                client_ip=request.client_ip,
                request_id=request.audit_request_id,
            )
        )
        try:
            return self.get_response(request)
        finally:
            context.reset(token)


class AuditRequirementMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.audit_access = None
        response = self.get_response(request)
        self._require_event(request, response)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        access = declared_access(view_func)
        if request.method not in exempt_methods(view_func):
            request.audit_access = access

    @staticmethod
    def _require_event(request, response) -> None:
        if not touches_personal_data(request.audit_access) or response.status_code >= 400:
            return
        if getattr(request, "audit_no_personal_data", False):
            return
        from .models import AuditEvent

        request_id = getattr(request, "audit_request_id", None)
        if not AuditEvent.objects.filter(request_id=request_id).exists():
            name = request.resolver_match.view_name if request.resolver_match else ""
            if not getattr(settings, "AUDIT_REQUIRE_EVENTS", False):
                _write_missing_event(request, name)
                return
            raise AuditEventMissing(
                f"{request.method} {request.path} [{name}] ({request.audit_access}) は個人情報を"
                "扱う画面ですが、監査ログを記録していません。audit.services.record を呼ぶか、"
                "個人情報を表示しない応答なら audit.policy.no_personal_data(request) を呼んで"
                "ください。"
            )


def _write_missing_event(request, view_name: str) -> None:
    """Production: the view answered with personal data and wrote no event. Write one for it
    (who, from where, which screen, which path — never the query string) and say so loudly."""
    from .models import Action
    from .services import record

    path = request.path[:200]
    record(Action.VIEW, details={"画面": view_name or path, "経路": path, "補記": True})
    logger.error(
        "監査ログの記録漏れ: %s %s [%s] は個人情報を扱う画面ですが、イベントを記録しません"
        "でした。共通処理が補って記録しました。",
        request.method,
        path,
        view_name,
    )
