"""Rows kept beside the hash chain and bound into it by their SHA-256, and their tombstones.

Two kinds, one mechanism:
- django-auditlog's field diffs (`auditlog.LogEntry`), bound by a `field_changes` event;
- the words typed into a search (`audit.SearchWords`), bound by the `search` event itself.

The event that binds a row names it as its target and keeps, in its details, the SHA-256 of the
row's canonical content as read back from the database (`canonical_digest`). The chain covers the
event, so the digest cannot change; the row itself sits outside the chain, so it can be deleted —
only together with a `Tombstone` that keeps the same digest (`purge`): the append-only trigger of
the row's table lets a DELETE through only for a tombstoned row (`audit/triggers.py`), and
`verify_audit_chain` (`verify`) accepts a missing row only when its tombstone holds the digest
the chain recorded. An edited row, a row deleted without a tombstone, a tombstone with another
digest, or a row slipped in that no event names, makes the verification fail and name it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.utils import timezone

if TYPE_CHECKING:
    from .chain import Verification

_CHUNK = 2000  # ids per IN (...) list


@dataclass(frozen=True)
class BoundKind:
    label: str  # the model label, as the binding event's object_type
    action: str  # the action of the event that binds a row
    digest_keys: tuple[str, ...]  # the details key holding the digest (older names after it)
    name: str  # how the verification's messages name a row
    values: Callable[[list[int]], dict[int, dict[str, Any]]]  # the hashed columns, read back
    # rows older than the first bound one were written before the binding existed: counted, not
    # checked (the diffs); False: every row must be named by the chain (the search words)
    older_unbound: bool


def _log_entry_values(ids: list[int]) -> dict[int, dict[str, Any]]:
    from .diffs import log_entry_values

    return log_entry_values(ids)


def _search_words_values(ids: list[int]) -> dict[int, dict[str, Any]]:
    from .search_words import words_values

    return words_values(ids)


LOG_ENTRY = BoundKind(
    label="auditlog.LogEntry",
    action="field_changes",
    # "sha256": the key of the events written before the details keys were Japanese
    digest_keys=("SHA-256", "sha256"),
    name="差分記録 LogEntry",
    values=_log_entry_values,
    older_unbound=True,
)
SEARCH_WORDS = BoundKind(
    label="audit.SearchWords",
    action="search",
    digest_keys=("検索語SHA-256",),
    name="検索語の記録 SearchWords",
    values=_search_words_values,
    older_unbound=False,
)
KINDS: dict[str, BoundKind] = {k.label: k for k in (LOG_ENTRY, SEARCH_WORDS)}


def _canonical_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    return value


def canonical_digest(values: dict[str, Any]) -> str:
    """SHA-256 of a row's canonical JSON (sorted keys, no spaces, UTF-8, UTC microseconds), in
    the form audit details keep (`services.digest_for_details`)."""
    from .services import digest_for_details

    text = json.dumps(
        {k: _canonical_value(v) for k, v in values.items()},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
        default=str,
    )
    return digest_for_details(hashlib.sha256(text.encode("utf-8")).hexdigest())


def _same(a: str, b: str) -> bool:
    # digests written before the ":" separator used "." (services.digest_for_details)
    return a.replace(".", ":") == b.replace(".", ":")


def purge(
    label: str,
    ids: Iterable[int],
    *,
    cause: str,
    person_id: int | None = None,
    person_of: Mapping[int, int] | None = None,
) -> int:
    """Delete the bound rows `ids` of `label`, each after writing its tombstone (the digest of
    the row as stored), naming `person_of[id]` (else `person_id`) as the person it was about.
    Call it inside the transaction of the purge. Returns the rows deleted."""
    from .models import Tombstone

    kind = KINDS[label]
    wanted = sorted(set(ids))
    model = apps.get_model(label)
    now = timezone.now()
    done = 0
    for start in range(0, len(wanted), _CHUNK):
        part = wanted[start : start + _CHUNK]
        values = kind.values(part)
        Tombstone.objects.bulk_create(
            [
                Tombstone(
                    object_type=label,
                    object_id=i,
                    digest=canonical_digest(values[i]),
                    person_id=(person_of or {}).get(i, person_id),
                    cause=cause,
                    purged_at=now,
                )
                for i in part
                if i in values
            ]
        )
        model._base_manager.filter(pk__in=list(values))._raw_delete(model._base_manager.db)
        done += len(values)
    return done


def tombstones(label: str, ids: Iterable[int]) -> dict[int, Any]:
    """The tombstones of `ids` of `label` (id → Tombstone)."""
    from .models import Tombstone

    wanted = sorted(set(ids))
    found: dict[int, Any] = {}
    for start in range(0, len(wanted), _CHUNK):
        part = wanted[start : start + _CHUNK]
        for stone in Tombstone.objects.filter(object_type=label, object_id__in=part):
            found[stone.object_id] = stone
    return found


def binding(row: dict[str, Any]) -> tuple[str, int, str] | None:
    """(label, row id, digest) when the chained event `row` binds a row kept beside the chain."""
    kind = KINDS.get(row["object_type"])
    if kind is None or row["action"] != kind.action or not str(row["object_id"]).isdigit():
        return None
    details = row["details"] or {}
    digest = next((str(details[k]) for k in kind.digest_keys if details.get(k)), "")
    return kind.label, int(row["object_id"]), digest


def verify(
    result: Verification, bound: dict[str, dict[int, tuple[int, str]]], chunk_size: int
) -> Verification:
    """Every row the chain names must still exist and hash to the digest recorded with it, or
    have a tombstone with that digest; every row of a bound table must be named by the chain
    (for the diffs: every row newer than the first one bound)."""
    for kind in KINDS.values():
        broken = _verify_kind(result, kind, bound.get(kind.label, {}), chunk_size)
        if broken is not None:
            return broken
    return result


def _verify_kind(
    result: Verification, kind: BoundKind, bound: dict[int, tuple[int, str]], chunk_size: int
) -> Verification | None:
    def broken(position: int, reason: str) -> Verification:
        result.ok, result.bad_position, result.reason = False, position, reason
        return result

    result.bound_checked.setdefault(kind.label, 0)
    result.bound_purged.setdefault(kind.label, 0)
    ids = sorted(bound)
    for start in range(0, len(ids), chunk_size):
        part = ids[start : start + chunk_size]
        stored = kind.values(part)
        stones = tombstones(kind.label, [i for i in part if i not in stored])
        for row_id in part:
            position, digest = bound[row_id]
            if row_id not in stored:
                if row_id not in stones:
                    return broken(position, f"{kind.name} {row_id} が削除されています")
                # deleted by a purge: its tombstone must keep the same digest
                if not _same(stones[row_id].digest, digest):
                    return broken(
                        position,
                        f"消去した{kind.name} {row_id} の消去記録がハッシュと一致しません",
                    )
                result.bound_purged[kind.label] += 1
                continue
            if not _same(canonical_digest(stored[row_id]), digest):
                return broken(
                    position, f"{kind.name} {row_id} の内容が記録時のハッシュと一致しません"
                )
            result.bound_checked[kind.label] += 1
    # A row added with the triggers off (or by a program that sends no signal) is named by no
    # event of the chain.
    rows = apps.get_model(kind.label)._base_manager.order_by("pk")
    if kind.older_unbound:
        if not ids:
            result.log_entries_unbound = rows.count()
            return None
        result.log_entries_unbound = rows.filter(pk__lt=ids[0]).count()
        rows = rows.filter(pk__gt=ids[0])
    named = set(ids)
    for row_id in rows.values_list("pk", flat=True).iterator(chunk_size=chunk_size):
        if row_id not in named:
            return broken(result.head_position, f"{kind.name} {row_id} がチェーンにありません")
    return None
