"""Loading many rows fast: `bulk_copy` (PostgreSQL COPY; `bulk_create` elsewhere).

For seeding and large loads (seed_demo's million persons, the F3 resident-registry import and
the initial load, through `qualifications.residents.add_persons` and the `LoadPart`s): the
ids are taken from the table's sequence first, so the objects get their primary keys as with
`bulk_create` and can be pointed at by the rows loaded next (or by each other: Django's foreign
keys on PostgreSQL are DEFERRABLE INITIALLY DEFERRED, so two rows may name each other in the
same COPY). No model signals are sent, as with `bulk_create`; `pre_save` runs (auto_now).
"""

import copy
from collections.abc import Sequence

from django.db import connections
from django.db.models import Model, Value


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


def copies(using: str = "default") -> bool:
    """Whether `bulk_copy` loads through COPY on this database (PostgreSQL) or `bulk_create`."""
    return connections[using].vendor == "postgresql"


def bulk_copy(model: type[Model], objs: Sequence[Model], *, using: str = "default") -> None:
    """Insert `objs` in one load; afterwards each has its primary key, as after `bulk_create`."""
    if not objs:
        return
    conn = connections[using]
    if not copies(using):
        model._default_manager.using(using).bulk_create(objs, batch_size=2000)
        return
    from django.db.models.expressions import DatabaseDefault
    from psycopg import sql

    meta = model._meta
    allocate_ids(model, objs, using=using)
    fields = list(meta.concrete_fields)
    rows = [[f.pre_save(obj, add=True) for f in fields] for obj in objs]
    # A column left to its database default (db_default) in every row is left out of the COPY.
    # One left to it in some rows only (a 個人番号 column where half the persons have none) gets
    # the default's constant in those rows, on the object too; a default that is an expression
    # cannot be copied that way: bulk_create does those.
    defaulted = [[isinstance(row[i], DatabaseDefault) for row in rows] for i in range(len(fields))]
    for i, d in enumerate(defaulted):
        if not any(d) or all(d):
            continue
        constant = fields[i].db_default
        if not isinstance(constant, Value):
            model._default_manager.using(using).bulk_create(objs, batch_size=2000)
            return
        for obj, row, is_default in zip(objs, rows, d, strict=True):
            if is_default:
                row[i] = copy.copy(constant.value)  # a mutable default ([]) not shared
                setattr(obj, fields[i].attname, row[i])
    keep = [i for i, d in enumerate(defaulted) if not all(d)]
    fields = [fields[i] for i in keep]
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(meta.db_table),
        sql.SQL(", ").join(sql.Identifier(str(f.column)) for f in fields),
    )
    conn.ensure_connection()
    with conn.cursor() as cursor, cursor.cursor.copy(statement) as stream:
        for row in rows:
            stream.write_row(
                [f.get_db_prep_save(row[i], conn) for i, f in zip(keep, fields, strict=True)]
            )
    for obj in objs:
        obj._state.adding = False
        obj._state.db = using
