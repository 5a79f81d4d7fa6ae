"""Who is acting, from where, in which request: bound once per request, read by every writer.

The client address comes from REMOTE_ADDR, or from X-Forwarded-For only when REMOTE_ADDR is
one of the configured TRUSTED_PROXIES (then the right-most untrusted hop is the client).
A forged X-Forwarded-For from anyone else is ignored.
"""

import ipaddress
import uuid
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings

from kokumin_nenkin.identifiers import contains_my_number_like


@dataclass(frozen=True)
class AuditContext:
    actor_id: int | None = None
    office_id: int | None = None
    client_ip: str | None = None
    request_id: str | None = None


_EMPTY = AuditContext()  # frozen, so sharing it as the default is safe
_current: ContextVar[AuditContext] = ContextVar("audit_context", default=_EMPTY)


def current() -> AuditContext:
    return _current.get()


def bind(ctx: AuditContext):
    return _current.set(ctx)


def reset(token) -> None:
    _current.reset(token)


def _in(addr: str, networks) -> bool:
    try:
        ip = ipaddress.ip_address(addr)
    except ValueError:
        return False
    return any(ip in net for net in networks)


def trusted_proxies():
    return [ipaddress.ip_network(n, strict=False) for n in getattr(settings, "TRUSTED_PROXIES", [])]


def client_ip(request) -> str | None:
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = trusted_proxies()
    if not remote or not proxies or not _in(remote, proxies):
        return remote
    forwarded = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for hop in reversed([h for h in forwarded if h]):
        if not _in(hop, proxies):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return remote
    return remote


def new_request_id() -> str:
    """32 hex characters that never hold a 12-digit run: about one random hex id in fifteen
    does, and every output (CSV export, log line) refuses anything that looks like a 個人番号."""
    while True:
        request_id = uuid.uuid4().hex
        if not contains_my_number_like(request_id):
            return request_id
