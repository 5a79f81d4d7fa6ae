"""The disclosure package (開示): one A4 PDF of everything the system holds about a person and
who looked at it.

Everything: the records are found the way the purge finds them (`purge.collect`: every row
that points at the person, through every foreign key of every model), so a new record kind
is disclosed without a change here. Each row is printed as its fields' Japanese names and
values; keys, search keys, hashes and the encrypted 個人番号 are left out, staff references
become 「職員」. The 個人番号 itself is never printed: 「保有あり（番号は本人確認書類で確認）」.

The access history: every audit event about the person (its person column, or the person as
its target), oldest first — date and time, office, role, action, screen — staff names only
when the decision says so (`ResidentRequest.show_staff_names`).

Deterministic: rows in id order, nothing random; the same data and the same print time give
the same bytes (the print time is the only moving part).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models import Q

from audit.display import value_text
from audit.models import AuditEvent
from kokumin_nenkin.accounts.models import Office, Role, Staff
from kokumin_nenkin.pdf import render_pdf
from kokumin_nenkin.verification.registry import get_kind
from kokumin_nenkin.wareki import format_date, format_datetime

TEMPLATE = "resident_requests/pdf/disclosure.html"
MY_NUMBER_HELD = "保有あり（番号は本人確認書類で確認）"
#: fields never printed: keys and internals, and anything holding the 個人番号
_SKIPPED = {"id", "name_key", "kana_key", "my_number_hash", "my_number_encrypted", "fingerprint"}
_SKIPPED_PAYLOAD = {"my_number", "my_number_encrypted"}
#: sections in print order (anything else found follows, by its model label)
_ORDER = [
    "qualifications.QualificationRecord",
    "exemptions.ExemptionApplication",
    "exemptions.StatutoryExemption",
    "exemptions.MaternityExemption",
    "exemptions.AdditionalPremium",
    "exemptions.DecisionChange",
    "exemptions.Income",
    "benefits.BenefitClaim",
    "qualifications.Memo",
    "qualifications.PensionNumberNoticeReissue",
    "verification.Entry",
    "verification.EntryHistory",
    "jps_reporting.BatchItem",
]
_NOT_PRINTED = {
    "qualifications.Person",  # printed as the identity block
    "resident_requests.DisclosurePackage",  # the packages themselves (bytes)
}


@dataclass
class Section:
    title: str
    rows: list[list[tuple[str, str]]] = field(default_factory=list)


@dataclass
class AccessRow:
    at: str
    office: str
    role: str
    staff: str
    action: str
    screen: str


def _value(obj, f: models.Field) -> str:
    raw = getattr(obj, f.attname)
    if raw in (None, ""):
        return ""
    if f.is_relation:
        related = f.related_model
        if related is Staff or (
            getattr(related, "_meta", None) and related._meta.label == (settings.AUTH_USER_MODEL)
        ):
            return "職員"
        return f"{related._meta.verbose_name} {raw}"
    if f.choices:
        return str(dict(f.flatchoices).get(raw, raw))
    if isinstance(raw, bool):
        return "はい" if raw else "いいえ"
    if isinstance(raw, datetime):
        return format_datetime(raw)
    if isinstance(raw, date):
        return format_date(raw)
    if isinstance(raw, (dict, list)):
        if isinstance(raw, dict):
            raw = {k: v for k, v in raw.items() if k not in _SKIPPED_PAYLOAD}
        return json.dumps(raw, ensure_ascii=False, sort_keys=True)
    if isinstance(raw, (bytes, memoryview)):
        return "（ファイル）"
    return str(raw)


def _rows(model, pks: set[int]) -> list[list[tuple[str, str]]]:
    fields = [
        f
        for f in model._meta.concrete_fields
        if f.name not in _SKIPPED
        and f.attname not in _SKIPPED
        and not (
            f.is_relation
            and f.related_model is not None
            and f.related_model._meta.label == "qualifications.Person"
        )
    ]
    out = []
    for obj in model._base_manager.filter(pk__in=pks).order_by("pk"):
        row = []
        if model._meta.label == "verification.Entry":
            try:
                row.append(("受付の種類", get_kind(obj.kind).label))
            except KeyError:
                row.append(("受付の種類", obj.kind))
        for f in fields:
            if model._meta.label == "verification.Entry" and f.name == "kind":
                continue
            text = _value(obj, f)
            if text:
                row.append((str(f.verbose_name), text))
        out.append(row)
    return out


def identity(person) -> list[tuple[str, str]]:
    household = person.household.number if person.household_id else ""
    return [
        ("団体内統合宛名番号", person.addressee_number),
        ("氏名", person.full_name),
        ("フリガナ", person.full_name_kana),
        ("性別", person.get_sex_display()),
        ("生年月日", format_date(person.birth_date)),
        ("郵便番号", person.postal_code),
        ("住所", person.address),
        ("電話番号", person.phone),
        ("個人番号", MY_NUMBER_HELD if person.my_number_encrypted else "保有なし"),
        ("基礎年金番号", person.basic_pension_number),
        ("世帯番号", household),
        ("続柄", person.relationship),
        ("世帯主", "はい" if person.is_householder else "いいえ"),
        ("住民区分", person.get_residence_status_display()),
        ("住民異動", person.get_residence_event_display()),
        ("住民異動年月日", format_date(person.residence_event_on)),
    ]


def sections_for(person) -> list[Section]:
    from .purge import collect

    rows = collect([person.pk])
    labels = [lb for lb in _ORDER if lb in rows]
    labels += sorted(lb for lb in rows if lb not in _ORDER and lb not in _NOT_PRINTED)
    out = []
    for label in labels:
        model = apps.get_model(label)
        out.append(Section(str(model._meta.verbose_name_plural), _rows(model, rows[label])))
    return out


def access_history(person, *, show_staff_names: bool) -> list[AccessRow]:
    events = (
        AuditEvent.objects.filter(
            Q(person_id=person.pk) | Q(object_type=person._meta.label, object_id=str(person.pk))
        )
        .order_by("chain_position")
        .values_list("created_at", "actor_id", "office_id", "action", "details")
    )
    events = list(events)
    staff = {
        s.pk: s
        for s in Staff.objects.filter(pk__in={e[1] for e in events if e[1]}).only(
            "pk", "role", "full_name", "username"
        )
    }
    offices = dict(Office.objects.values_list("pk", "name"))
    labels = dict(AuditEvent._meta.get_field("action").flatchoices)
    out = []
    for created, actor_id, office_id, action, details in events:
        member = staff.get(actor_id)
        details = details or {}
        screen = details.get("画面") or details.get("帳票") or details.get("種類") or ""
        out.append(
            AccessRow(
                at=format_datetime(created, seconds=True),
                office=offices.get(office_id, "") if office_id else "",
                role=Role(member.role).label
                if member and member.role
                else ("システム" if not member else ""),
                staff=(member.full_name or member.username)
                if (member and show_staff_names)
                else "",
                action=str(labels.get(action, action)),
                screen=value_text("画面" if "画面" in details else "種類", screen)
                if screen
                else "",
            )
        )
    return out


#: access-history lines per preformatted block (docs/performance.md)
HISTORY_LINES_PER_BLOCK = 50


def history_blocks(rows: list[AccessRow], *, show_staff_names: bool) -> list[str]:
    """The access history as preformatted lines, one per event, in blocks of
    HISTORY_LINES_PER_BLOCK lines (the heading line first). Text blocks lay out far faster than
    a table of thousands of cells, and small ones faster than one big one: WeasyPrint re-reads
    the rest of a text from the start of each line it breaks (docs/performance.md)."""
    head = ["日時", "所属", "役割", *(["職員"] if show_staff_names else []), "操作", "画面・帳票"]
    lines = ["　".join(head)]
    for r in rows:
        cells = [r.at, r.office or "－", r.role or "－"]
        if show_staff_names:
            cells.append(r.staff or "－")
        cells += [r.action, r.screen or "－"]
        lines.append("　".join(cells))
    size = HISTORY_LINES_PER_BLOCK
    return ["\n".join(lines[i : i + size]) for i in range(0, len(lines), size)]


@dataclass
class Package:
    pdf: bytes
    sha256: str
    access_rows: int


def render(request, *, printed_at: datetime) -> Package:
    """The package for a decided 開示 request, printed at `printed_at`."""
    person = request.person
    history = access_history(person, show_staff_names=request.show_staff_names)
    context: dict[str, Any] = {
        "title": "保有個人情報の開示",
        "city_name": getattr(settings, "CITY_NAME", ""),
        "request": request,
        "received_on": format_date(request.received_on),
        "decided_on": format_date(request.decided_on),
        "printed_at": format_datetime(printed_at),
        "identity": identity(person),
        "sections": sections_for(person),
        "history": history,
        "history_blocks": history_blocks(history, show_staff_names=request.show_staff_names),
        "show_staff_names": request.show_staff_names,
    }
    pdf = render_pdf(TEMPLATE, context)
    return Package(pdf, hashlib.sha256(pdf).hexdigest(), len(history))
