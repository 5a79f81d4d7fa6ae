"""Kinds of entry. Each workflow registers one kind per 届書: how its form looks, how the
proposal is checked against the rules, how an approval applies it, which fields the checker
re-keys blind, and the 届書種類 code (FORMATS.md, item 59).

    register(AcquisitionKind())      # in the workflow app's AppConfig.ready()
"""

import copy
from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ImproperlyConfigured, ValidationError

from kokumin_nenkin.identifiers.forms import FreeTextGuard
from kokumin_nenkin.wareki import format_date, format_month
from kokumin_nenkin.wareki.forms import WarekiDateField, WarekiMonthField

_KINDS: dict[str, "EntryKind"] = {}


@dataclass(frozen=True)
class JpsDecision:
    """One line of JPS's results file (format F2) as an entry kind reads it: what JPS decided
    about the 届書 this entry reported. Periods are (first month, last month) as dates."""

    process_kind: str  # 02 免除等審査結果, 03 付加保険料審査結果, 04 返戻, 05 裁定結果, 06 認定結果
    result: str  # 処理結果 1–5 ("" for 04)
    exemption_class: str = ""
    approved: tuple[date, date] | None = None
    rejected: tuple[date, date] | None = None
    result_type_code: str = ""
    processed_on: date | None = None
    note: str = ""
    # F2 version 2 (benefit claims): 年金コード, 記号番号, 給付金種別, 支給開始年月, 支給終了年月
    pension_code: str = ""
    certificate_number: str = ""
    support_kind: str = ""
    support_start: date | None = None
    support_end: date | None = None


class DecisionRefused(ValueError):
    """JPS's decision contradicts the record the entry wrote; the message is Japanese."""


class EntryKind:
    """Base class of an entry kind. Subclasses set the attributes and override the hooks."""

    code: str = ""  # stable identifier stored on the entry, e.g. "qualifications.acquisition"
    label: str = ""  # 届書 name shown to staff
    form_code: str = ""  # 届書種類 (FORMATS.md)
    form_class: type[forms.Form]
    key_fields: tuple[str, ...] = ()  # re-keyed blind by the checker
    # What the checker re-keys the key fields from (the paper 届書, unless the kind says).
    rekey_source: str = "届書"
    enter_permission: str = "enter_entry"  # who may take this kind in
    verify_permission: str = "verify_entry"  # who, other than the maker, may approve or return
    # False: the kind has its own screens (account changes): the generic intake, queue and
    # verification screens do not show it.
    generic_screens: bool = True
    # The payload field holding the 異動年月日 reported to JPS (F1 field 11); see report_fields.
    effective_field: str = ""
    # What approving does, said on the confirmation step before the approval (issue 14, item 6).
    approve_note: str = "承認すると受付内容が記録に反映され、進達の対象になります。"

    # --- the form <-> JSON payload ---------------------------------------------------------
    def make_form(self, person, data=None, initial=None, prefix=None) -> forms.Form:
        return self.form_class(data=data, initial=initial, prefix=prefix)

    def encode(self, cleaned: dict[str, Any]) -> dict[str, Any]:
        """The cleaned form data as JSON: dates as ISO strings, a typed choice as its key,
        everything else as text."""
        out: dict[str, Any] = {}
        for name, field in self.form_class.base_fields.items():
            value = cleaned.get(name)
            if isinstance(value, date):
                out[name] = value.isoformat()
            elif value is None:
                out[name] = ""
            elif isinstance(field, forms.TypedChoiceField) and not isinstance(value, str):
                # django-stubs types .choices as any accepted input; Django returns the list.
                choices: list[tuple[Any, Any]] = list(field.choices)  # type: ignore[arg-type]
                keys = (str(k) for k, _ in choices if k != "" and field.coerce(k) == value)
                out[name] = next(keys, str(value))
            else:
                out[name] = str(value)
        return out

    def decode(self, payload: dict[str, Any]) -> dict[str, Any]:
        """The payload as form initial data (dates back to `date`)."""
        out: dict[str, Any] = {}
        for name, field in self.form_class.base_fields.items():
            value = payload.get(name, "")
            if isinstance(field, WarekiDateField) and value:
                out[name] = date.fromisoformat(value)
            else:
                out[name] = value
        return out

    def values(self, payload: dict[str, Any]) -> dict[str, Any]:
        """The payload as the typed values the services take: dates as `date`, a typed choice
        through its `coerce` (a yes/no as bool, a code as its enum), a whole number as int;
        an empty optional value as the field's empty value."""
        out = self.decode(payload)
        for name, field in self.form_class.base_fields.items():
            value = out.get(name, "")
            if isinstance(field, forms.TypedChoiceField):
                out[name] = field.coerce(value) if value != "" else field.empty_value
            elif isinstance(field, forms.IntegerField):
                out[name] = int(value) if str(value).strip() else None
        return out

    def rekey_form(self, data=None) -> forms.Form:
        """A form holding only the key fields, empty: the checker types them from the paper."""
        fields = {}
        for name in self.key_fields:
            field = copy.deepcopy(self.form_class.base_fields[name])
            field.required = True
            field.initial = None
            field.help_text = ""
            if isinstance(field, forms.ChoiceField):
                # django-stubs type the normalised choices as any input `choices=` accepts.
                choices = [(v, label) for v, label in field.choices if v != ""]  # type: ignore[misc, union-attr]
                field.choices = [("", "選択してください"), *choices]
            fields[name] = field
        form_cls = type("RekeyForm", (FreeTextGuard, forms.Form), fields)
        return form_cls(data=data, prefix="rekey")

    def display(self, name: str, value: Any) -> str:
        """A payload value as staff read it (和暦 dates, choice labels)."""
        field = self.form_class.base_fields.get(name)
        if value in (None, ""):
            return ""
        if isinstance(field, WarekiMonthField):
            month = date.fromisoformat(value)
            return format_month(month.year, month.month)
        if isinstance(field, WarekiDateField):
            return format_date(date.fromisoformat(value))
        if isinstance(field, forms.ChoiceField):
            # django-stubs type the normalised choices as any input `choices=` accepts.
            return str(dict(field.choices).get(value, value))  # type: ignore[arg-type]
        return str(value)

    def field_label(self, name: str) -> str:
        return str(self.form_class.base_fields[name].label or name)

    # --- hooks a kind implements ------------------------------------------------------------
    def validate(self, person, payload: dict[str, Any], *, supersedes=None) -> None:
        """Raise ValidationError({field: message}) when the proposal breaks a rule."""

    def precheck(self, person) -> str:
        """A refusal known from the person alone, before any form is filled ("" when the kind
        may apply): the person page does not offer the kind and the intake page says why
        instead of a form (issue 14, item 5). A kind says it through its own rule checks,
        never copied into a template; an open entry of the same kind is the mechanism's own
        refusal (`selectors.dead_end`)."""
        return ""

    def current_version(self, person) -> str:
        """A fingerprint of the record the entry changes; approval refuses if it moved."""
        raise NotImplementedError

    def apply(self, entry, *, actor) -> Any:
        """Write the change. Runs inside the approval's transaction, the person row locked."""
        raise NotImplementedError

    def approve(self, entry, person, *, actor) -> Any:
        """At approval, inside its transaction with the subject locked: check the proposal
        once more against the record as it is now (ValidationError when it no longer fits),
        then write it; returns what was written. A kind whose rules compute what its write
        needs overrides this to run them once."""
        self.validate(person, entry.payload, supersedes=entry.supersedes)
        return self.apply(entry, actor=actor)

    def compare(self, person, payload: dict[str, Any]) -> list[tuple[str, str, str]]:
        """Rows of (label, current record, proposal) for the side-by-side screen."""
        return [(self.field_label(n), "", self.display(n, payload.get(n))) for n in payload]

    # --- reporting to JPS (jps_reporting reads these; defaults suit a plain 届書) -----------
    reported: bool = True  # False: approved entries of this kind are never reported to JPS

    def report_fields(self, entry) -> dict[str, Any]:
        """The F1 fields of this entry beyond the person's own (ReportItem keyword arguments:
        effective_date, reason_code, insured_category, exemption_class, period_start,
        period_end). The default reads `effective_field`, `cause` and `category` from the
        payload; a kind whose record carries codes or periods (exemptions, 付加) overrides it."""
        payload = entry.payload
        value = payload.get(self.effective_field) if self.effective_field else None
        if value:
            effective = date.fromisoformat(value)
        else:
            decided = entry.decided_at or entry.created_at
            effective = decided.date()
        fields: dict[str, Any] = {"effective_date": effective}
        cause = str(payload.get("cause", ""))
        if len(cause) == 2 and cause.isdigit():
            fields["reason_code"] = cause
        if payload.get("category"):
            fields["insured_category"] = str(payload["category"])
        return fields

    # --- JPS's results (jps_reporting reads these) ------------------------------------------
    #: the model of the record an approval of this kind writes or changes, on which JPS's
    #: decision lands (None: JPS's answer to this kind changes no record here)
    record_model: type | None = None

    def jps_decision(self, entry, record, decision: JpsDecision, *, actor=None) -> str:
        """Check (no actor) or write (with the actor) JPS's decision on `record`, the one this
        entry's approval wrote; returns a word for the counts. DecisionRefused when the
        decision contradicts the record."""
        raise DecisionRefused("この届書に日本年金機構の審査結果を反映する記録はありません。")

    def links(self, payload: dict[str, Any]) -> list[tuple[str, str]]:
        """(label, URL) of the screens the checker reads before approving (none by default)."""
        return []

    def summary(self, payload: dict[str, Any]) -> str:
        """One line for the work queues."""
        return "、".join(
            f"{self.field_label(n)} {self.display(n, payload.get(n))}"
            for n in self.key_fields
            if payload.get(n)
        )


def register(kind: EntryKind) -> EntryKind:
    if not kind.code or not kind.form_code:
        raise ValueError("an entry kind needs a code and a 届書種類 code")
    if not issubclass(kind.form_class, FreeTextGuard):
        # Every free-text field of every intake form refuses a 個人番号 (issue 11, item 7).
        raise ImproperlyConfigured(
            f"{kind.code}: the form must use kokumin_nenkin.identifiers.forms.FreeTextGuard"
        )
    _KINDS[kind.code] = kind
    return kind


def get_kind(code: str) -> EntryKind:
    return _KINDS[code]


def all_kinds() -> dict[str, EntryKind]:
    return dict(_KINDS)


def validation_messages(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {k: [str(m) for e in v for m in e.messages] for k, v in exc.error_dict.items()}
    return {"__all__": list(exc.messages)}


# --- intake checks: "may this kind be entered for this person" -------------------------------
# A layer above registers a check (e.g. the register refuses entries for a person whose use is
# suspended, except the kinds the suspension allows). A check returns a Japanese message to
# refuse, or "" to let the entry in.
_INTAKE_CHECKS: list = []


def register_intake_check(check) -> None:
    """`check(kind: EntryKind, person) -> str`: a refusal message, or "" when allowed."""
    if check not in _INTAKE_CHECKS:
        _INTAKE_CHECKS.append(check)


def intake_refusal(kind: EntryKind, person) -> str:
    if person is None:
        return ""
    for check in _INTAKE_CHECKS:
        message = check(kind, person)
        if message:
            return message
    return ""
