"""How the auditor reads an event: Japanese labels for the codes an event's details hold, the
target of the event by name (a person through the registered lookup), values as words.

Formatting only: the stored details stay as written (the hash chain covers them)."""

from __future__ import annotations

from typing import Any

from django.apps import apps

from kokumin_nenkin.verification.models import Status
from kokumin_nenkin.verification.registry import get_kind

from .abnormal import KIND_LABELS as ABNORMAL_KINDS
from .search_words import DIGEST_KEY, WORDS_KEY

#: detail key → stored code → what the auditor reads.
VALUE_LABELS: dict[str, dict[str, str]] = {
    "結果": {
        "created": "作成",
        "served": "表示・出力",
        "refused": "拒否",
        "requested": "依頼",
        "validated": "検証済み（未反映）",
        "applied": "反映",
    },
    "画面": {
        "audit_abnormal": "異常アクセスの報告",
        "audit_person": "アクセス履歴（被保険者）",
        "audit_search": "監査ログの検索",
        "audit_staff": "アクセス履歴（職員）",
        "intake": "受付の入力",
        "memo_form": "メモの入力",
        "person": "被保険者の記録",
    },
    "段階": {"password": "パスワード", "second_factor": "二要素"},
    "方式": {"totp": "認証アプリ（TOTP）", "webauthn": "パスキー", "passkey": "パスキー"},
    "種類": {
        "jps_results": "処理結果ファイル（F2）",
        "residents": "住民異動ファイル（F3）",
        "income": "所得ファイル（F4）",
    },
}


# A 受付's states, in the 変更前 / 変更後 of a state change.
VALUE_LABELS["変更前"] = {str(v): str(label) for v, label in Status.choices}
VALUE_LABELS["変更後"] = dict(VALUE_LABELS["変更前"])
#: codes used as keys inside a value (e.g. the abnormal-access counts by kind).
KEY_LABELS: dict[str, str] = {str(k): str(v) for k, v in ABNORMAL_KINDS.items()}


def register_value_labels(key: str, labels: dict[str, str]) -> None:
    """A higher app names the codes it writes under `key` (e.g. qualifications: 異動 →
    資格取得); audit imports no business app."""
    VALUE_LABELS.setdefault(key, {}).update({str(k): str(v) for k, v in labels.items()})


def value_text(key: str, value: Any) -> str:
    """One detail value as words."""
    if value is None:
        return "なし"
    if isinstance(value, bool):
        return "はい" if value else "いいえ"
    if isinstance(value, dict):
        return "、".join(f"{KEY_LABELS.get(k, k)}: {value_text(k, v)}" for k, v in value.items())
    if isinstance(value, list):
        return "、".join(value_text(key, v) for v in value)
    text = str(value)
    label = VALUE_LABELS.get(key, {}).get(text)
    if label is not None:
        return label
    if key == "種類" and "." in text:
        try:
            return get_kind(text).label
        except KeyError:
            return text
    if key == "対象" and "." in text:
        return model_label(text)
    return text


#: the details key of a search's words digest, and what the auditor reads in its place
#: (audit/search_words.py: the words themselves are kept beside the chain)


def details_rows(details: dict | None, words: str | None = None) -> list[tuple[str, str]]:
    """(key, value) pairs of an event's details, as the auditor reads them. `words`: the words
    of a search event (`search_words.shown_words`), shown in place of their digest."""
    rows = []
    for k, v in (details or {}).items():
        if k == DIGEST_KEY and words is not None:
            rows.append((WORDS_KEY, words))
        else:
            rows.append((k, value_text(k, v)))
    return sorted(rows)


def details_line(details: dict | None, words: str | None = None) -> str:
    """The details on one line (the CSV export)."""
    return "、".join(f"{k}: {v}" for k, v in details_rows(details, words))


def model_label(label: str) -> str:
    """'qualifications.Person' → its Japanese name (verbose_name), or the label if unknown."""
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        return label
    name = str(model._meta.verbose_name)
    return "差分" if model._meta.label == "auditlog.LogEntry" else name


def person_model_label() -> str:
    from .models import AuditEvent

    related = AuditEvent._meta.get_field("person").related_model
    return related._meta.label if related is not None and not isinstance(related, str) else ""


def target_text(object_type: str, object_id: str, subjects: dict) -> str:
    """The event's target by name: a person as 宛名番号 and name (the lookup), anything else as
    its Japanese model name and number."""
    if not object_type or object_type == "audit.SearchWords":  # the words: in the details
        return ""
    if object_type == person_model_label() and object_id.isdigit():
        label = subjects.get(int(object_id))
        if label is not None:
            return f"{label.number} {label.name}"
    return f"{model_label(object_type)}（番号 {object_id}）"


def change_rows(entry) -> list[tuple[str, str, str]]:
    """(項目, 変更前, 変更後) of a django-auditlog entry: the model's own fields only, in their
    Japanese names, with words for empty, yes / no and dates."""
    from datetime import date

    from kokumin_nenkin.wareki import format_date

    model = entry.content_type.model_class() if entry.content_type_id else None
    fields = {f.name: f for f in model._meta.concrete_fields} if model is not None else {}

    def shown(field, raw) -> str:
        if raw in (None, "None", ""):
            return "（なし）"
        if raw in ("True", "False"):
            return "はい" if raw == "True" else "いいえ"
        choices = dict(getattr(field, "choices", None) or ())
        if raw in choices:
            return str(choices[raw])
        try:
            return format_date(date.fromisoformat(str(raw)))
        except ValueError:
            return str(raw)

    rows = []
    for name, values in (entry.changes_dict or {}).items():
        field = fields.get(name)
        if field is None or field.primary_key:
            continue
        old, new = [*values, "", ""][:2]
        rows.append((str(field.verbose_name), shown(field, old), shown(field, new)))
    return rows
