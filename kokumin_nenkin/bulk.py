"""Loading many rows fast: `bulk_copy` (PostgreSQL COPY; `bulk_create` elsewhere).

For seeding and large loads (seed_demo's million persons, a resident-registry import): the
ids are taken from the table's sequence first, so the objects get their primary keys as with
`bulk_create` and can be pointed at by the rows loaded next (or by each other: Django's foreign
keys on PostgreSQL are DEFERRABLE INITIALLY DEFERRED, so two rows may name each other in the
same COPY). No model signals are sent, as with `bulk_create`; `pre_save` runs (auto_now).
"""

from collections.abc import Sequence

from django.db import connections
from django.db.models import Model


def allocate_ids(model: type[Model], objs: Sequence[Model], *, using: str = "default") -> None:
    """Give every object without a primary key one from the table's sequence (PostgreSQL)."""
    meta = model._meta
    assert meta.pk is not None
    missing = [o for o in objs if o.pk is None]
    if not missing:
        return
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(missing)],
        )
        for obj, (value,) in zip(missing, cursor.fetchall(), strict=True):
            obj.pk = value


def bulk_copy(model: type[Model], objs: Sequence[Model], *, using: str = "default") -> None:
    if not objs:
        return
    conn = connections[using]
    if conn.vendor != "postgresql":
        model._default_manager.using(using).bulk_create(objs, batch_size=2000)
        return
    from django.db.models.expressions import DatabaseDefault
    from psycopg import sql

    meta = model._meta
    allocate_ids(model, objs, using=using)
    fields = list(meta.concrete_fields)
    rows = [[f.pre_save(obj, add=True) for f in fields] for obj in objs]
    # A column left to its database default (db_default) in every row is left out of the COPY;
    # one left to it in some rows only cannot be copied: bulk_create does those.
    defaulted = [[isinstance(row[i], DatabaseDefault) for row in rows] for i in range(len(fields))]
    if any(any(d) and not all(d) for d in defaulted):
        model._default_manager.using(using).bulk_create(objs, batch_size=2000)
        return
    keep = [i for i, d in enumerate(defaulted) if not all(d)]
    fields = [fields[i] for i in keep]
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(meta.db_table),
        sql.SQL(", ").join(sql.Identifier(str(f.column)) for f in fields),
    )
    conn.ensure_connection()
    with conn.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(
                [f.get_db_prep_save(row[i], conn) for i, f in zip(keep, fields, strict=True)]
            )
    for obj in objs:
        obj._state.adding = False
        obj._state.db = using
