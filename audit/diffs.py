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
"""

from django.db.models import Model
from django.db.models.signals import pre_save

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


def connect() -> None:
    from auditlog import get_logentry_model

    pre_save.connect(
        _fill_from_context, sender=get_logentry_model(), dispatch_uid="audit_logentry_context"
    )
    _register_business_models()


def _register_business_models() -> None:
    """The models whose field changes are kept. Other apps call `register` for their own."""
    from django.apps import apps

    register(
        apps.get_model("qualifications", "Person"),
        exclude_fields=["created_at", "updated_at"],
    )
