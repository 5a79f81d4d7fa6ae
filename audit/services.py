"""The one way to write an audit event. Call it inside the transaction of the change it records:
if the write fails, the change is rolled back with it (fail closed)."""

import json
from typing import Any

from django.db import models
from django.utils import timezone

from kokumin_nenkin.identifiers import contains_my_number_like

from . import context
from .models import Action, AuditEvent


class AuditWriteRefused(ValueError):
    pass


def record(
    action: Action | str,
    *,
    person=None,
    target: models.Model | None = None,
    details: dict[str, Any] | None = None,
    actor=None,
) -> AuditEvent:
    """Write one audit event with the actor, office, address and request id of this request."""
    ctx = context.current()
    details = details or {}
    if contains_my_number_like(json.dumps(details, ensure_ascii=False)):
        raise AuditWriteRefused("監査ログの詳細に個人番号らしき数字列は記録できません。")
    actor_id = actor.pk if actor is not None else ctx.actor_id
    office_id = ctx.office_id
    if actor is not None and office_id is None:
        office_id = getattr(actor, "office_id", None)
    return AuditEvent.objects.create(
        created_at=timezone.now(),
        actor_id=actor_id,
        office_id=office_id,
        client_ip=ctx.client_ip,
        request_id=ctx.request_id or "",
        action=str(action),
        person=person,
        object_type=target._meta.label if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        details=details,
    )
