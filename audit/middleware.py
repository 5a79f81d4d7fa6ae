"""Binds the audit context (actor, office, trusted client address, request id) per request."""

from . import context


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        authenticated = bool(user is not None and user.is_authenticated)
        request.audit_request_id = context.new_request_id()
        request.client_ip = context.client_ip(request)
        token = context.bind(
            context.AuditContext(
                actor_id=user.pk if authenticated else None,
                office_id=getattr(user, "office_id", None) if authenticated else None,
                client_ip=request.client_ip,
                request_id=request.audit_request_id,
            )
        )
        try:
            return self.get_response(request)
        finally:
            context.reset(token)
