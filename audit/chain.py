"""The hash chain: each audit row is bound to the one before it.

    row_hash = sha256(prev_hash || canonical JSON of the row)

`chain_position` is gap-free (1, 2, 3, …) and assigned while holding a lock that lasts until the
writing transaction ends: on PostgreSQL a transaction-scoped advisory lock (taken together with
reading the head by `audit_chain_lock_head()`, migration 0004), on SQLite the database's single
writer. The unique constraint on `chain_position` is the backstop: two writers
that somehow read the same head cannot both commit, so the chain never forks.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from django.db import connection

GENESIS = "0" * 64
# pg_advisory_xact_lock key: "KNAU" (kokumin_nenkin audit). Any constant works; this one is ours.
CHAIN_LOCK_KEY = 0x4B4E4155

# The fields the hash covers, in the canonical serialisation (keys are sorted anyway).
HASHED_FIELDS = (
    "chain_position",
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
)


def canonical_row(values: dict[str, Any]) -> bytes:
    """The stable byte form of one row: sorted keys, no spaces, UTF-8, UTC microseconds."""
    data = dict(values)
    created = data["created_at"]
    data["created_at"] = created.astimezone(UTC).isoformat(timespec="microseconds")
    return json.dumps(
        {k: data[k] for k in HASHED_FIELDS},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
    ).encode("utf-8")


def row_hash(prev_hash: str, values: dict[str, Any]) -> str:
    return hashlib.sha256(prev_hash.encode("ascii") + canonical_row(values)).hexdigest()


# PostgreSQL: lock, then read the head, in one round trip. Inside a VOLATILE plpgsql function
# each statement takes a fresh snapshot (READ COMMITTED), so the SELECT, running after the lock
# is granted, sees the row the previous holder committed.
PG_LOCK_AND_HEAD_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_chain_lock_head(lock_key bigint, OUT pos bigint, OUT hash text)
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(lock_key);
    SELECT chain_position, row_hash INTO pos, hash
      FROM audit_auditevent ORDER BY chain_position DESC LIMIT 1;
END
$$;
"""


def lock_and_head() -> tuple[int, str]:
    """Take the chain for this transaction and return its head (position, row_hash)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pos, hash FROM audit_chain_lock_head(%s)", [CHAIN_LOCK_KEY])
            position, digest = cursor.fetchone()
        return (int(position), digest) if position is not None else (0, GENESIS)
    return head()  # SQLite: one writer at a time


def head() -> tuple[int, str]:
    """(position, row_hash) of the last row, or (0, GENESIS) for an empty chain."""
    # Plain SQL: this runs on every audited request, and the ORM's query building costs more
    # than the indexed read itself.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT chain_position, row_hash FROM audit_auditevent "
            "ORDER BY chain_position DESC LIMIT 1"
        )
        last = cursor.fetchone()
    return (int(last[0]), last[1]) if last is not None else (0, GENESIS)


@dataclass
class Verification:
    ok: bool
    checked: int
    head_position: int
    head_hash: str
    bad_position: int | None = None
    reason: str = ""


def verify(anchors: dict[int, str] | None = None, chunk_size: int = 2000) -> Verification:
    """Walk the chain from position 1; stop at the first row that does not fit.

    `anchors` maps positions to hashes kept outside the database (a printed head): a chain cut
    short, or rewritten from some point on with fresh hashes, no longer matches them.
    """
    from .models import AuditEvent

    anchors = dict(anchors or {})
    expected_position = 1
    prev = GENESIS
    checked = 0
    fields = ["prev_hash", "row_hash", *HASHED_FIELDS]
    rows = AuditEvent.objects.order_by("chain_position").values(*fields)
    for row in rows.iterator(chunk_size=chunk_size):
        position = row["chain_position"]
        if position != expected_position:
            where = expected_position if position > expected_position else position
            what = "欠落" if position > expected_position else "重複または順序の乱れ"
            return Verification(False, checked, expected_position - 1, prev, where, what)
        if row["prev_hash"] != prev:
            return Verification(
                False, checked, position - 1, prev, position, "直前のハッシュが一致しません"
            )
        if row_hash(prev, row) != row["row_hash"]:
            return Verification(
                False, checked, position - 1, prev, position, "行の内容がハッシュと一致しません"
            )
        if position in anchors and anchors.pop(position) != row["row_hash"]:
            return Verification(
                False, checked, position - 1, prev, position, "保管済みのハッシュと一致しません"
            )
        prev = row["row_hash"]
        checked += 1
        expected_position += 1
    if anchors:
        missing = min(anchors)
        return Verification(
            False, checked, expected_position - 1, prev, missing, "保管済みの位置が存在しません"
        )
    return Verification(True, checked, expected_position - 1, prev)
