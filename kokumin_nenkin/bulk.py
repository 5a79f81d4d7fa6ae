"""Loading many rows fast: `bulk_copy` (PostgreSQL COPY; `bulk_create` elsewhere).

For seeding and large loads (seed_demo's million persons, the F3 resident-registry import and
the initial load, through `qualifications.residents.add_persons` and the `LoadPart`s): the
ids are taken from the table's sequence first, so the objects get their primary keys as with
`bulk_create` and can be pointed at by the rows loaded next (or by each other: Django's foreign
keys on PostgreSQL are DEFERRABLE INITIALLY DEFERRED, so two rows may name each other in the
same COPY). No model signals are sent, as with `bulk_create`; `pre_save` runs (auto_now).
"""

import copy
import json
from collections.abc import Sequence

from django.db import connections, models
from django.db.models import Field, Model, Value
from django.db.models.expressions import RawSQL


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


# Field classes whose get_db_prep_save hands a value of their own Python type back unchanged on
# PostgreSQL (psycopg writes it as it is). Exact classes only: a subclass may convert.
_AS_IS_FIELDS = frozenset(
    {
        models.AutoField,
        models.BigAutoField,
        models.SmallAutoField,
        models.BigIntegerField,
        models.BooleanField,
        models.CharField,
        models.DateField,
        models.IntegerField,
        models.PositiveBigIntegerField,
        models.PositiveIntegerField,
        models.PositiveSmallIntegerField,
        models.SmallIntegerField,
        models.TextField,
    }
)


def _as_is(field: Field) -> bool:
    if isinstance(field, models.ForeignKey) and type(field) in (
        models.ForeignKey,
        models.OneToOneField,
    ):
        return type(field.target_field) in _AS_IS_FIELDS  # the id of the row it points at
    return type(field) in _AS_IS_FIELDS


def _plain_getter(field: Field):
    """`field.pre_save(obj, add)` where the field does nothing on save: the attribute itself."""
    attname = field.attname
    return lambda obj, add: getattr(obj, attname)


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
    getters = [
        f.pre_save if type(f).pre_save is not Field.pre_save else _plain_getter(f) for f in fields
    ]
    rows = [[get(obj, True) for get in getters] for obj in objs]
    # A column left to its database default (db_default) in every row is left out of the COPY.
    # One left to it in some rows only (a 個人番号 column where half the persons have none) gets
    # the default's constant in those rows, on the object too; a default that is an expression
    # cannot be copied that way: bulk_create does those.
    left_out = set()
    for i, field in enumerate(fields):
        if not field.has_db_default():
            continue
        defaulted = [isinstance(row[i], DatabaseDefault) for row in rows]
        if all(defaulted):
            left_out.add(i)
        elif any(defaulted):
            constant = field.db_default
            if isinstance(constant, Value):
                constant = constant.value
            elif hasattr(constant, "resolve_expression"):
                model._default_manager.using(using).bulk_create(objs, batch_size=2000)
                return
            for obj, row, is_default in zip(objs, rows, defaulted, strict=True):
                if is_default:
                    row[i] = copy.copy(constant)  # a mutable default ([]) not shared
                    setattr(obj, field.attname, row[i])
    keep = [i for i in range(len(fields)) if i not in left_out]
    # What each column's value goes through on its way out: nothing where psycopg writes the
    # Python value as Django would (`_as_is`), else the field's own get_db_prep_save.
    plan = [(i, None if _as_is(fields[i]) else fields[i].get_db_prep_save) for i in keep]
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(meta.db_table),
        sql.SQL(", ").join(sql.Identifier(str(fields[i].column)) for i in keep),
    )
    conn.ensure_connection()
    with conn.cursor() as cursor, cursor.cursor.copy(statement) as stream:
        for row in rows:
            stream.write_row([row[i] if prep is None else prep(row[i], conn) for i, prep in plan])
    for obj in objs:
        obj._state.adding = False
        obj._state.db = using


def id_list(values, *, text: bool = False, using: str = "default") -> RawSQL:
    """Many ids as ONE query parameter, for `filter(field__in=id_list(ids))`.

    A plain `__in=[…]` makes Django prepare every value and bind one parameter each: for the
    purge's walk (every relation of 50,000 persons) that preparation alone took most of its
    time. Here the list travels as one array (PostgreSQL) or one JSON text (SQLite's json_each).
    `text=True` for text columns (django-auditlog's object_pk)."""
    items = [str(v) if text else int(v) for v in values]
    if connections[using].vendor == "postgresql":
        sql = "SELECT unnest(%s::text[])" if text else "SELECT unnest(%s::bigint[])"
        return RawSQL(sql, [items])  # noqa: S611 - constant SQL, the values a parameter
    return RawSQL("SELECT value FROM json_each(%s)", [json.dumps(items)])
