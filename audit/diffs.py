"""Field diffs of business models, through django-auditlog, with our actor and client address.

    from audit import diffs
    diffs.register(Person, exclude_fields=["updated_at"])

What this adds to auditlog's own `register`:
- 個人番号 fields are excluded entirely — never `mask_fields`, which leaves half the digits
  visible. A field counts as one when its name or verbose_name says so (`SECRET_FIELD_HINTS`);
  `register` excludes it even if the caller forgot, and `secret_fields` names any others.
- the actor, client address and request id of a log entry come from our audit context
  (`audit.context`: the trusted client address, never a forged X-Forwarded-For). auditlog's own
  middleware, which believes the first X-Forwarded-For entry, is not installed.
- `.update()` and `bulk_update()` (which auditlog does not see) go through `logged_update` /
  `logged_bulk_update`, which write the same diff entries.
- each LogEntry is bound into the hash chain: in the same transaction an `AuditEvent`
  (`Action.FIELD_CHANGES`, target the LogEntry) records the SHA-256 of the entry's canonical
  content as read back from the database, and `verify_audit_chain` checks that every entry so
  referenced still exists and still matches, or was purged with its tombstone (`audit/bound.py`).
"""

from typing import Any

from django.db.models import Model, QuerySet
from django.db.models.signals import post_save, pre_save

from . import context

SECRET_FIELD_HINTS = ("my_number", "mynumber", "individual_number", "kojin_bango", "個人番号")


def secret_field_names(model: type[Model]) -> set[str]:
    names = set()
    for field in model._meta.get_fields():
        label = f"{field.name} {getattr(field, 'verbose_name', '')}".lower()
        if any(hint in label for hint in SECRET_FIELD_HINTS):
            names.add(field.name)
            attname = getattr(field, "attname", None)
            if attname:
                names.add(attname)
    return names


def excluded_fields(model: type[Model], exclude_fields=(), secret_fields=()) -> list[str]:
    return sorted({*exclude_fields, *secret_fields, *secret_field_names(model)})


def register(
    model: type[Model], *, exclude_fields=(), secret_fields=(), **auditlog_options
) -> type[Model]:
    """Record create / update / delete diffs of `model`, never its 個人番号 fields."""
    from auditlog.registry import auditlog

    if "mask_fields" in auditlog_options or "include_fields" in auditlog_options:
        raise ValueError(
            "mask_fields / include_fields は使いません: 個人番号は exclude_fields で除外します。"
        )
    auditlog.register(
        model,
        exclude_fields=excluded_fields(model, exclude_fields, secret_fields),
        **auditlog_options,
    )
    return model


def logged_update(queryset: QuerySet, **values: Any) -> int:
    """`queryset.update(**values)` keeping the field diff of every row it changes.

    auditlog listens to `save()` only: an `.update()` of a registered model would change the
    row and leave no diff. Every `.update()` of a person or a record goes through here."""
    from auditlog.registry import auditlog

    model = queryset.model
    if not auditlog.contains(model):
        return queryset.update(**values)
    before = list(queryset)
    count = model._base_manager.filter(pk__in=[o.pk for o in before]).update(**values)
    _log_changes(model, before, list(values))
    return count


def logged_bulk_update(model: type[Model], objs, fields: list[str]) -> int:
    """`model.objects.bulk_update(objs, fields)` keeping the field diff of every changed row."""
    from auditlog.registry import auditlog

    objs = list(objs)
    if not auditlog.contains(model):
        return model._base_manager.bulk_update(objs, fields)
    before = model._base_manager.in_bulk([o.pk for o in objs])
    count = model._base_manager.bulk_update(objs, fields)
    _log_changes(model, list(before.values()), fields)
    return count


def _log_changes(model: type[Model], before: list, fields: list[str]) -> None:
    """One auditlog UPDATE entry per row whose `fields` differ from `before` (chained like any
    other entry by `_chain_log_entry`)."""
    from auditlog import get_logentry_model
    from auditlog.diff import model_instance_diff
    from django.conf import settings

    after = model._base_manager.in_bulk([o.pk for o in before])
    log_entry = get_logentry_model()
    as_json = getattr(settings, "AUDITLOG_STORE_JSON_CHANGES", False)
    for old in before:
        new = after.get(old.pk)
        if new is None:
            continue
        changes = model_instance_diff(
            old, new, fields_to_check=fields, use_json_for_changes=as_json
        )
        if changes:
            log_entry.objects.log_create(new, action=log_entry.Action.UPDATE, changes=changes)


def _fill_from_context(sender, instance, **kwargs) -> None:
    """pre_save of auditlog's LogEntry: actor, address and request id from our context."""
    from .services import _normal_ip

    ctx = context.current()
    if instance.actor_id is None and ctx.actor_id is not None:
        instance.actor_id = ctx.actor_id
    instance.remote_addr = _normal_ip(ctx.client_ip)
    instance.remote_port = None
    if ctx.request_id:
        instance.cid = ctx.request_id


# The LogEntry columns the chained digest covers (django-auditlog 3.x). A fixed list: a column
# a later auditlog adds does not change the digest of entries written before it.
LOG_ENTRY_HASHED_FIELDS = (
    "id",
    "content_type_id",
    "object_pk",
    "object_id",
    "object_repr",
    "serialized_data",
    "action",
    "changes_text",
    "changes",
    "actor_id",
    "cid",
    "remote_addr",
    "remote_port",
    "timestamp",
    "additional_data",
    "actor_email",
)


def log_entry_values(ids) -> dict[int, dict[str, Any]]:
    """The hashed columns of the given LogEntries, as stored (read back from the database)."""
    from auditlog import get_logentry_model

    model = get_logentry_model()
    present = {f.attname for f in model._meta.concrete_fields}
    fields = [f for f in LOG_ENTRY_HASHED_FIELDS if f in present]
    return {row["id"]: row for row in model.objects.filter(pk__in=list(ids)).values(*fields)}


def log_entry_digest(values: dict[str, Any]) -> str:
    """SHA-256 of a LogEntry's canonical JSON, in the form audit details keep: the one digest of
    every row bound into the chain (`bound.canonical_digest`)."""
    from .bound import canonical_digest

    return canonical_digest(values)


def _chain_log_entry(sender, instance, created, raw=False, **kwargs) -> None:
    """post_save of LogEntry: in the same transaction, a chained event naming it and its digest.
    Read back first, so that what is hashed is what the database holds (JSON, addresses)."""
    from .models import Action
    from .services import record

    if not created or raw:
        return
    values = log_entry_values([instance.pk])[instance.pk]
    record(
        Action.FIELD_CHANGES,
        target=instance,
        details={"SHA-256": log_entry_digest(values), "対象": _model_label(instance)},
    )


def _model_label(entry) -> str:
    from django.contrib.contenttypes.models import ContentType

    if entry.content_type_id is None:
        return ""
    content_type = ContentType.objects.get_for_id(entry.content_type_id)  # cached
    return f"{content_type.app_label}.{content_type.model}"


def connect() -> None:
    from auditlog import get_logentry_model

    pre_save.connect(
        _fill_from_context, sender=get_logentry_model(), dispatch_uid="audit_logentry_context"
    )
    post_save.connect(
        _chain_log_entry, sender=get_logentry_model(), dispatch_uid="audit_logentry_chain"
    )
    # The models whose field changes are kept are registered by their own apps (`register`).
