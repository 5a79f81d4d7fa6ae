"""The one way to write an audit event. Call it inside the transaction of the change it records:
if the write fails, the change is rolled back with it (fail closed)."""

import ipaddress
import json
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from kokumin_nenkin.identifiers import contains_my_number_like

from . import chain, context
from .models import Action, AuditEvent


class AuditWriteRefused(ValueError):
    pass


def _normal_ip(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


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
    text = json.dumps(details or {}, ensure_ascii=False, allow_nan=False, default=str)
    if contains_my_number_like(text):
        raise AuditWriteRefused("監査ログの詳細に個人番号らしき数字列は記録できません。")
    # What the database gives back is what gets hashed: plain JSON, no dates or Decimals.
    details = json.loads(text)
    if action not in Action.values:
        raise AuditWriteRefused(f"未定義の操作です: {action}")
    actor_id = actor.pk if actor is not None else ctx.actor_id
    office_id = ctx.office_id
    if actor is not None and (office_id is None or actor.pk != ctx.actor_id):
        office_id = getattr(actor, "office_id", None)
    event = AuditEvent(
        created_at=timezone.now(),
        actor_id=actor_id,
        office_id=office_id,
        client_ip=_normal_ip(ctx.client_ip),
        request_id=ctx.request_id or "",
        action=str(action),
        person_id=person.pk if person is not None else None,
        object_type=target._meta.label if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        details=details,
    )
    # No savepoint of its own: if the insert fails, the whole transaction of the change fails.
    with transaction.atomic(savepoint=False):
        _append(event)
    return event


_ARGS = [
    "created_at",
    "actor_id",
    "office_id",
    "client_ip",
    "request_id",
    "action",
    "person_id",
    "object_type",
    "object_id",
    "details",
]


def _append(event: AuditEvent) -> None:
    """Lock, read the head, hash and insert in one statement (PostgreSQL: the function
    `audit_chain_append`; SQLite: one INSERT … SELECT, under the database's write lock)."""
    connection = transaction.get_connection()
    values = _hashed_values(event)
    head_text, tail_text = chain.split_canonical(values)
    fields = {f.attname: f for f in AuditEvent._meta.concrete_fields}
    row = [fields[name].get_db_prep_save(getattr(event, name), connection) for name in _ARGS]
    if connection.vendor == "postgresql":
        sql, params = chain.PG_APPEND_SQL, [chain.CHAIN_LOCK_KEY, *row, head_text, tail_text]
    else:
        sql, params = chain.SQLITE_APPEND_SQL, [*row, head_text, tail_text, chain.GENESIS]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        event.pk, event.chain_position, event.prev_hash, event.row_hash = cursor.fetchone()
    event._state.adding = False
    event._state.db = connection.alias
    # The database hashed what Python serialised; check it hashed it the same way.
    if chain.row_hash(event.prev_hash, _hashed_values(event)) != event.row_hash:
        raise AuditWriteRefused("監査ログのハッシュ計算が一致しません。")


def _hashed_values(event: AuditEvent) -> dict[str, Any]:
    return {name: getattr(event, name) for name in chain.HASHED_FIELDS}
