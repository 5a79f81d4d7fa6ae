"""Designated terminals (指定端末): files with personal data leave the office only from the
networks in `EXPORT_ALLOWED_NETWORKS` (CIDR list) — the electronic-media file to JPS (F1,
`jps_reporting`) and the F5 file to 市民課 (`qualifications`). Elsewhere the request is refused
and the refusal is audited. In the platform so that every layer can use the one check.

The address is the trusted client address of `audit.context.client_ip`: REMOTE_ADDR, or the
X-Forwarded-For hop named by a configured trusted proxy. A forged header from anyone else is
ignored, so it cannot make a terminal look designated.

A refusal is returned as a 403 *response*, not raised: the request's transaction
(ATOMIC_REQUESTS) then commits, and the audit row of the refusal is kept.
"""

import functools
import ipaddress
import logging

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.shortcuts import render

from audit.context import client_ip
from audit.models import Action
from audit.services import record

logger = logging.getLogger(__name__)

REFUSED_TEMPLATE = "terminal_refused.html"


def export_networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    networks = []
    for value in getattr(settings, "EXPORT_ALLOWED_NETWORKS", []):
        try:
            networks.append(ipaddress.ip_network(value.strip(), strict=False))
        except ValueError as exc:
            raise ImproperlyConfigured(f"EXPORT_ALLOWED_NETWORKS: {value!r}: {exc}") from None
    return networks


def is_designated_terminal(request) -> bool:
    address = client_ip(request)
    if not address:
        return False
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in export_networks())


def refuse_unless_designated_terminal(request, *, purpose: str):
    """None when the request comes from a designated terminal; otherwise an audited 403."""
    if is_designated_terminal(request):
        return None
    record(
        Action.EXPORT,
        details={"結果": "refused", "理由": "指定端末以外からの出力", "目的": purpose},
    )
    logger.warning("export refused outside designated terminals: %s", purpose)
    return render(request, REFUSED_TEMPLATE, {"purpose": purpose}, status=403)


def designated_terminal_only(purpose: str):
    """View decorator: the view runs only from a designated terminal (declare access too)."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            refused = refuse_unless_designated_terminal(request, purpose=purpose)
            return refused if refused is not None else view(request, *args, **kwargs)

        return wrapped

    return decorator
