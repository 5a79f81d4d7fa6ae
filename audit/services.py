"""The one way to write an audit event. Call it inside the transaction of the change it records:
if the write fails, the change is rolled back with it (fail closed)."""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model
from django.utils import timezone

from kokumin_nenkin.identifiers import contains_my_number_like

from . import chain, context
from .models import Action, AuditEvent
from .schema import unknown_keys

if TYPE_CHECKING:
    from kokumin_nenkin.accounts.models import Staff


class AuditWriteRefused(ValueError):
    pass


def _normal_ip(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def digest_for_details(sha256_hex: str) -> str:
    """A SHA-256 as audit details keep it: 8 groups of 8 hex digits joined by ":". A bare hex
    digest can hold a 12-digit run, which `record()` refuses as a possible 個人番号; a dot
    between groups no longer separates them for the detector (it reads "1234.5678" as one run),
    so events written before used "." — `verify_audit_chain` accepts both."""
    return ":".join(sha256_hex[i : i + 8] for i in range(0, 64, 8))


def record(
    action: Action | str,
    *,
    person: Model | None = None,
    target: models.Model | None = None,
    details: dict[str, Any] | None = None,
    actor: Staff | None = None,
) -> AuditEvent:
    """Write one audit event with the actor, office, address and request id of this request."""
    event = _build(action, person=person, target=target, details=details, actor=actor)
    # No savepoint of its own: if the insert fails, the whole transaction of the change fails.
    with transaction.atomic(savepoint=False):
        _append(event)
    return event


def record_many(
    action: Action | str,
    *,
    persons: Iterable[Model],
    target: models.Model | None = None,
    details: dict[str, Any] | list[dict[str, Any]] | None = None,
    actor: Staff | None = None,
) -> list[AuditEvent]:
    """One event per person in `persons`, all appended in ONE database round trip under the
    chain lock, at consecutive positions in the order given. `details` is one dict for all, or
    a list with one dict per person. Refusals are those of `record()`: if any event is refused,
    none is written."""
    persons = list(persons)
    per_person: Sequence[dict[str, Any] | None]
    if isinstance(details, list):
        if len(details) != len(persons):
            raise ValueError("details の数が persons の数と一致しません。")
        per_person = details
    else:
        per_person = [details] * len(persons)
    events = [
        _build(action, person=p, target=target, details=d, actor=actor)
        for p, d in zip(persons, per_person, strict=True)
    ]
    if events:
        with transaction.atomic(savepoint=False):
            _append_many(events)
    return events


def _build(
    action: Action | str,
    *,
    person: Model | None,
    target: models.Model | None,
    details: dict[str, Any] | None,
    actor: Staff | None,
) -> AuditEvent:
    ctx = context.current()
    text = json.dumps(details or {}, ensure_ascii=False, allow_nan=False, default=str)
    if contains_my_number_like(text):
        raise AuditWriteRefused("監査ログの詳細に個人番号らしき数字列は記録できません。")
    # What the database gives back is what gets hashed: plain JSON, no dates or Decimals.
    details = json.loads(text)
    if action not in Action.values:
        raise AuditWriteRefused(f"未定義の操作です: {action}")
    if settings.AUDIT_CHECK_DETAILS and (unknown := unknown_keys(str(action), details)):
        raise AuditWriteRefused(
            f"監査ログの詳細の項目 {'・'.join(unknown)} は「{Action(action).label}」に定義されて"
            "いません（audit/schema.py）。"
        )
    actor_id = actor.pk if actor is not None else ctx.actor_id
    office_id = ctx.office_id
    if actor is not None and (office_id is None or actor.pk != ctx.actor_id):
        office_id = getattr(actor, "office_id", None)
    return AuditEvent(
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


def _db_row(event: AuditEvent, connection: BaseDatabaseWrapper) -> list[Any]:
    fields = {f.attname: f for f in AuditEvent._meta.concrete_fields}
    return [fields[name].get_db_prep_save(getattr(event, name), connection) for name in _ARGS]


def _append(event: AuditEvent) -> None:
    """Lock, read the head, hash and insert in one statement (PostgreSQL: the function
    `audit_chain_append`; SQLite: one INSERT … SELECT, under the database's write lock)."""
    connection = transaction.get_connection()
    head_text, tail_text = chain.split_canonical(_hashed_values(event))
    row = _db_row(event, connection)
    if connection.vendor == "postgresql":
        sql, params = chain.PG_APPEND_SQL, [chain.CHAIN_LOCK_KEY, *row, head_text, tail_text]
    else:
        sql, params = chain.SQLITE_APPEND_SQL, [*row, head_text, tail_text, chain.GENESIS]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        _stored(event, cursor.fetchone(), connection)


# SQLite binds 13 parameters per row; stay far below its limit on bound parameters.
_SQLITE_MANY_CHUNK = 500


def _append_many(events: list[AuditEvent]) -> None:
    """The same for several events in one statement (`audit_chain_append_many`, or one
    INSERT with a recursive CTE on SQLite)."""
    connection = transaction.get_connection()
    splits = [chain.split_canonical(_hashed_values(e)) for e in events]
    rows = [_db_row(e, connection) for e in events]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            columns = [list(c) for c in zip(*rows, strict=True)]
            cursor.execute(
                chain.PG_APPEND_MANY_SQL,
                [
                    chain.CHAIN_LOCK_KEY,
                    *columns,
                    [h for h, _ in splits],
                    [t for _, t in splits],
                ],
            )
            results = cursor.fetchall()
        else:
            results = []
            for start in range(0, len(events), _SQLITE_MANY_CHUNK):
                part = range(start, min(start + _SQLITE_MANY_CHUNK, len(events)))
                params: list[Any] = []
                for i in part:
                    params += [i - start, *rows[i], *splits[i]]
                cursor.execute(chain.sqlite_append_many_sql(len(part)), [*params, chain.GENESIS])
                results += sorted(cursor.fetchall(), key=lambda r: r[1])
    if len(results) != len(events):
        raise AuditWriteRefused("監査ログの一括書き込みの件数が一致しません。")
    for event, result in zip(events, sorted(results, key=lambda r: r[1]), strict=True):
        _stored(event, result, connection)


def _stored(event: AuditEvent, result: Sequence[Any], connection: BaseDatabaseWrapper) -> None:
    event.pk, event.chain_position, event.prev_hash, event.row_hash = result
    event._state.adding = False
    event._state.db = connection.alias
    # The database hashed what Python serialised; check it hashed it the same way.
    if chain.row_hash(event.prev_hash, _hashed_values(event)) != event.row_hash:
        raise AuditWriteRefused("監査ログのハッシュ計算が一致しません。")


def _hashed_values(event: AuditEvent) -> dict[str, Any]:
    return {name: getattr(event, name) for name in chain.HASHED_FIELDS}
