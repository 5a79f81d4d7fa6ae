"""The hash chain: each audit row is bound to the one before it.

    row_hash = sha256(prev_hash || canonical JSON of the row)

`chain_position` is gap-free (1, 2, 3, …) and assigned while holding a lock that lasts until the
writing transaction ends. On PostgreSQL that is a transaction-scoped advisory lock, taken in the
same call of `audit_chain_append()` (migration 0004) that reads the head, hashes and inserts; on
SQLite it is the database's single writer. The unique constraint on `chain_position` is the
backstop: two writers that somehow read the same head cannot both commit, so the chain never forks.
"""

import hashlib
import json
from dataclasses import dataclass, field
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


# PostgreSQL: one round trip per event. The function takes the chain lock, reads the head,
# hashes and inserts. Inside a VOLATILE plpgsql function each statement takes a fresh snapshot
# (READ COMMITTED), so the SELECT, running after the lock is granted, sees the row the previous
# holder committed. The canonical JSON is built in Python (`canonical_row`) and sent in two
# parts around the value of "chain_position", which only the function knows; the caller
# recomputes the hash in Python and refuses the write if the two differ.
PG_APPEND_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_chain_append(
    lock_key bigint,
    p_created_at timestamptz, p_actor_id bigint, p_office_id bigint, p_client_ip inet,
    p_request_id varchar, p_action varchar, p_person_id bigint,
    p_object_type varchar, p_object_id varchar, p_details jsonb,
    p_canonical_head text, p_canonical_tail text,
    OUT new_id bigint, OUT pos bigint, OUT prev text, OUT hash text)
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(lock_key);
    SELECT chain_position, row_hash INTO pos, prev
      FROM audit_auditevent ORDER BY chain_position DESC LIMIT 1;
    IF pos IS NULL THEN
        pos := 0;
        prev := repeat('0', 64);
    END IF;
    pos := pos + 1;
    hash := encode(sha256(convert_to(
        prev || p_canonical_head || pos::text || p_canonical_tail, 'UTF8')), 'hex');
    INSERT INTO audit_auditevent (
        created_at, actor_id, office_id, client_ip, request_id, action, person_id,
        object_type, object_id, details, chain_position, prev_hash, row_hash)
    VALUES (
        p_created_at, p_actor_id, p_office_id, p_client_ip, p_request_id, p_action,
        p_person_id, p_object_type, p_object_id, p_details, pos, prev, hash)
    RETURNING id INTO new_id;
END
$$;
"""
PG_APPEND_SQL = (
    "SELECT new_id, pos, prev, hash FROM audit_chain_append(%s, %s::timestamptz, %s::bigint, "
    "%s::bigint, %s::inet, %s::varchar, %s::varchar, %s::bigint, %s::varchar, %s::varchar, "
    "%s::jsonb, %s::text, %s::text)"
)
_POSITION_MARK = '"chain_position":0,'


def split_canonical(values: dict[str, Any]) -> tuple[str, str]:
    """The canonical JSON of a row without its position: (text up to and including
    `"chain_position":`, text from the comma after it). Keys are sorted, and only "action" and
    "actor_id" come before "chain_position", so the first match is the top-level key."""
    text = canonical_row({**values, "chain_position": 0}).decode("utf-8")
    at = text.index(_POSITION_MARK)
    return text[: at + len('"chain_position":')], text[at + len(_POSITION_MARK) - 1 :]


# PostgreSQL, several events in one round trip (`services.record_many`): the same lock, one read
# of the head, then each row hashed onto the one before it and inserted, in array order.
PG_APPEND_MANY_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_chain_append_many(
    lock_key bigint,
    p_created_at timestamptz[], p_actor_id bigint[], p_office_id bigint[], p_client_ip inet[],
    p_request_id varchar[], p_action varchar[], p_person_id bigint[],
    p_object_type varchar[], p_object_id varchar[], p_details jsonb[],
    p_canonical_head text[], p_canonical_tail text[])
RETURNS TABLE (new_id bigint, pos bigint, prev text, hash text)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    i integer;
    last_hash text;
BEGIN
    PERFORM pg_advisory_xact_lock(lock_key);
    SELECT a.chain_position, a.row_hash INTO pos, last_hash
      FROM audit_auditevent a ORDER BY a.chain_position DESC LIMIT 1;
    IF pos IS NULL THEN
        pos := 0;
        last_hash := repeat('0', 64);
    END IF;
    FOR i IN 1 .. coalesce(array_length(p_created_at, 1), 0) LOOP
        pos := pos + 1;
        prev := last_hash;
        hash := encode(sha256(convert_to(
            prev || p_canonical_head[i] || pos::text || p_canonical_tail[i], 'UTF8')), 'hex');
        INSERT INTO audit_auditevent (
            created_at, actor_id, office_id, client_ip, request_id, action, person_id,
            object_type, object_id, details, chain_position, prev_hash, row_hash)
        VALUES (
            p_created_at[i], p_actor_id[i], p_office_id[i], p_client_ip[i], p_request_id[i],
            p_action[i], p_person_id[i], p_object_type[i], p_object_id[i], p_details[i],
            pos, prev, hash)
        RETURNING id INTO new_id;
        last_hash := hash;
        RETURN NEXT;
    END LOOP;
END
$$;
"""
PG_APPEND_MANY_SQL = (
    "SELECT new_id, pos, prev, hash FROM audit_chain_append_many(%s, %s::timestamptz[], "
    "%s::bigint[], %s::bigint[], %s::inet[], %s::varchar[], %s::varchar[], %s::bigint[], "
    "%s::varchar[], %s::varchar[], %s::jsonb[], %s::text[], %s::text[])"
)


# SQLite: the same in one statement. An INSERT takes the database's write lock before it reads,
# so the head it reads cannot change under it; `audit_sha256()` is registered on each of the
# application's connections (audit/triggers.py).
SQLITE_APPEND_SQL = """
INSERT INTO audit_auditevent (
    created_at, actor_id, office_id, client_ip, request_id, action, person_id,
    object_type, object_id, details, chain_position, prev_hash, row_hash)
SELECT %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, h.pos + 1, h.prev,
       audit_sha256(h.prev || %s || (h.pos + 1) || %s)
FROM (
    SELECT COALESCE(MAX(chain_position), 0) AS pos,
           COALESCE((SELECT row_hash FROM audit_auditevent
                     ORDER BY chain_position DESC LIMIT 1), %s) AS prev
    FROM audit_auditevent
) AS h
RETURNING id, chain_position, prev_hash, row_hash
"""


# SQLite, several events in one statement: a recursive CTE walks the input rows in order, each
# hashed onto the one before it, starting from the head read once (under the write lock).
_SQLITE_MANY_COLUMNS = (
    "created_at, actor_id, office_id, client_ip, request_id, action, person_id, "
    "object_type, object_id, details"
)


def sqlite_append_many_sql(count: int) -> str:
    """The INSERT for `count` rows; parameters: per row (index, 10 columns, head, tail), then
    the genesis hash."""
    values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"] * count)
    # Only placeholders and constant column names are formatted in; the values are bound.
    return f"""
INSERT INTO audit_auditevent (
    {_SQLITE_MANY_COLUMNS}, chain_position, prev_hash, row_hash)
WITH RECURSIVE
    inp(i, {_SQLITE_MANY_COLUMNS}, head, tail) AS (VALUES {values}),
    h(pos, prev) AS (
        SELECT COALESCE(MAX(chain_position), 0),
               COALESCE((SELECT row_hash FROM audit_auditevent
                         ORDER BY chain_position DESC LIMIT 1), %s)
        FROM audit_auditevent),
    c(i, pos, prev, hash) AS (
        SELECT -1, h.pos, NULL, h.prev FROM h
        UNION ALL
        SELECT inp.i, c.pos + 1, c.hash, audit_sha256(c.hash || inp.head || (c.pos + 1) || inp.tail)
        FROM c JOIN inp ON inp.i = c.i + 1)
SELECT inp.created_at, inp.actor_id, inp.office_id, inp.client_ip, inp.request_id, inp.action,
       inp.person_id, inp.object_type, inp.object_id, inp.details, c.pos, c.prev, c.hash
FROM c JOIN inp ON inp.i = c.i
ORDER BY c.i
RETURNING id, chain_position, prev_hash, row_hash
"""  # noqa: S608


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
    # Rows kept beside the chain and bound into it by their digest (audit/bound.py), by model
    # label: checked against the digest, and deleted by a purge (their tombstone matched).
    bound_checked: dict[str, int] = field(default_factory=dict)
    bound_purged: dict[str, int] = field(default_factory=dict)
    # django-auditlog diffs older than the first bound one (written before the binding existed;
    # not checked)
    log_entries_unbound: int = 0

    @property
    def log_entries_checked(self) -> int:
        return self.bound_checked.get("auditlog.LogEntry", 0)

    @property
    def log_entries_purged(self) -> int:
        return self.bound_purged.get("auditlog.LogEntry", 0)

    @property
    def search_words_checked(self) -> int:
        return self.bound_checked.get("audit.SearchWords", 0)

    @property
    def search_words_purged(self) -> int:
        return self.bound_purged.get("audit.SearchWords", 0)


def verify(anchors: dict[int, str] | None = None, chunk_size: int = 2000) -> Verification:
    """Walk the chain from position 1; stop at the first row that does not fit.

    `anchors` maps positions to hashes kept outside the database (a printed head): a chain cut
    short, or rewritten from some point on with fresh hashes, no longer matches them.
    """
    from . import bound as bound_rows
    from .models import AuditEvent

    anchors = dict(anchors or {})
    last_matched = 0  # the last kept head that matched: a rewrite starts after it
    expected_position = 1
    prev = GENESIS
    checked = 0
    fields = ["prev_hash", "row_hash", *HASHED_FIELDS]
    rows = AuditEvent.objects.order_by("chain_position").values(*fields)
    # label → row id → (position of the event that binds it, digest)
    bound: dict[str, dict[int, tuple[int, str]]] = {}
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
        if position in anchors:
            if anchors.pop(position) != row["row_hash"]:
                where = (
                    "保管済みのハッシュと一致しません。"
                    f"位置 {last_matched + 1}〜{position} の間から書き換えられています"
                )
                return Verification(False, checked, position - 1, prev, position, where)
            last_matched = position
        if row["object_type"] and (found := bound_rows.binding(row)) is not None:
            label, row_id, digest = found
            bound.setdefault(label, {})[row_id] = (position, digest)
        prev = row["row_hash"]
        checked += 1
        expected_position += 1
    if anchors:
        missing = min(anchors)
        return Verification(
            False, checked, expected_position - 1, prev, missing, "保管済みの位置が存在しません"
        )
    result = Verification(True, checked, expected_position - 1, prev)
    return bound_rows.verify(result, bound, chunk_size)


def kept_heads(every: int = 100) -> list[tuple[int, str]]:
    """(position, row_hash) of every `every`-th row and of the last one: the heads to keep
    outside the database (`verify_audit_chain --write-anchors`). Checked against them later, a
    rewrite re-hashed to the end is named at the first kept head it changed, not at the last."""
    from django.db.models import F

    from .models import AuditEvent

    rows = (
        AuditEvent.objects.annotate(rest=F("chain_position") % every)
        .filter(rest=0)
        .order_by("chain_position")
        .values_list("chain_position", "row_hash")
    )
    heads = [(int(p), h) for p, h in rows]
    last = head()
    if last[0] and (not heads or heads[-1][0] != last[0]):
        heads.append(last)
    return heads
