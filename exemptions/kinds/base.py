"""What every exemption kind shares: pre-filling, the record version, rules as field errors,
the side-by-side rows, one approval (check once, then write through the kind's service), the
report line from the entry and JPS's decision on the record it wrote.
"""

import hashlib
from collections.abc import Callable
from datetime import date
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Count, Max
from django.utils import timezone

from kokumin_nenkin import wareki
from kokumin_nenkin.verification.registry import (
    DecisionRefused,
    EntryKind,
    JpsDecision,
)
from kokumin_nenkin.wareki.forms import WarekiMonthField
from qualifications.selectors import categories_by_month, latest_record

from .. import periods, services
from ..periods import CATEGORY_LABELS, Period, month_of
from ..reporting import NO_EXEMPTION_CLASS, ReportFields
from ..rules import ABOVE_THE_FORM, ExemptionClass, RuleRefused
from ..selectors import (
    current_category,
)

NO_CORRECTION = (
    "免除・付加の届書は承認後に訂正できません。取消申請・消滅届・辞退申出、"
    "または新しい届書として受け付けてください。"
)


def category_in_month(person, day: date) -> str:
    """The person's 被保険者種別 in the month of `day`, from the qualification history."""
    month = month_of(day)
    return categories_by_month(person, month, month)[month]


class ExemptionKind(EntryKind):
    """What the exemption kinds share: pre-filling, the record version, rules as field
    errors, the side-by-side rows, one approval (check once, then write through the kind's
    service) and the report line from the entry."""

    #: models whose rows for the person make the record version (a change makes it stale)
    watched: tuple[type, ...] = ()
    #: the 被保険者種別 matters for this kind (the qualification history is watched too)
    uses_category = True
    #: the form field next to which a rule's refusal is shown when the rule names none
    rule_field = "applied_on"
    #: form field → field of `current_record` for the 現在の記録 column
    row_fields: dict[str, str] = {}
    #: the service that writes the approved entry; `arguments` gives its keyword arguments
    service: Callable[..., Any]

    #: the class whose 被保険者種別 rule decides from the person alone whether this kind can
    #: apply (None: no such check), and how the refusal names what is refused
    precheck_class: ExemptionClass | None = None
    precheck_name = ""

    # --- the form ------------------------------------------------------------------------
    def make_form(self, person, data=None, initial=None, prefix=None):
        values = {**self.initial_for(person, timezone.localdate()), **(initial or {})}
        form = self.form_class(data=data, initial=values, prefix=prefix)
        self.prepare(form, person)
        return form

    def initial_for(self, person, today: date) -> dict[str, Any]:
        first = next(iter(self.form_class.base_fields))
        return {first: today}

    def prepare(self, form, person) -> None:
        if self.uses_category:
            label = CATEGORY_LABELS.get(current_category(person), "資格なし")
            first = next(iter(form.fields.values()))
            first.help_text = f"被保険者種別（資格の記録から）: {label}。{first.help_text}"

    def display(self, name: str, value: Any) -> str:
        field = self.form_class.base_fields.get(name)
        if isinstance(field, WarekiMonthField) and value:
            return periods.show(date.fromisoformat(value))
        return super().display(name, value)

    # --- the hooks -------------------------------------------------------------------------
    def precheck(self, person) -> str:
        """Refused from the person alone when no month an application made today could cover
        (back to 2 years and 1 month) is a 第1号 month: the category rule of the exemptions
        (`periods.check_exemption_category`) on the person's current 種別. A kind whose
        form needs a record to act on (消滅届, 辞退, 取消) says so through its own check."""
        if self.precheck_class is None:
            return ""
        today = timezone.localdate()
        months = categories_by_month(person, periods.earliest_month(today), month_of(today))
        if periods.FIRST in months.values():
            return ""
        try:
            periods.check_exemption_category(
                current_category(person), self.precheck_class, self.precheck_name
            )
        except RuleRefused as exc:
            return str(exc)
        return ""

    def current_version(self, person) -> str:
        parts = []
        if self.uses_category:
            latest = latest_record(person)
            parts.append(f"q{latest.pk if latest else 0}")
        for model in self.watched:
            agg = model.objects.filter(person=person).aggregate(
                n=Count("id"), last=Max("updated_at")
            )
            last = agg["last"].isoformat() if agg["last"] else ""
            parts.append(f"{model._meta.model_name}:{agg['n']}:{last}")
        digest = hashlib.sha256("|".join(parts).encode()).hexdigest()[:40]
        return f"exemptions:{digest}"

    def _checked(self, person, values: dict[str, Any]) -> Any:
        """The kind's rules, once; a refusal as a field error of the form."""
        try:
            return self.check(person, values)
        except RuleRefused as exc:
            raise ValidationError({exc.field or self.rule_field: str(exc)}) from None

    def validate(self, person, payload: dict[str, Any], *, supersedes=None) -> None:
        if supersedes is not None:
            raise ValidationError({NON_FIELD_ERRORS: NO_CORRECTION})
        self._checked(person, self.values(payload))

    def approve(self, entry, person, *, actor):
        values = self.values(entry.payload)
        checked = self._checked(person, values)
        return self.service(
            actor=actor, operator=entry.maker, **self.arguments(entry, values, checked)
        )

    def compare(self, person, payload):
        current = self.current_record(person)
        rows = []
        for name in self.form_class.base_fields:
            shown = ""
            attr = self.row_fields.get(name)
            if current is not None and attr:
                shown = show_field(current, attr)
            rows.append((self.field_label(name), shown, self.display(name, payload.get(name))))
        return rows

    # --- reporting to JPS (read by jps_reporting through the registry) -------------------------
    def applied_record(self, entry):
        """The record the approval of this entry wrote or changed."""
        return self.record_model.objects.get(pk=entry.applied_object_id)

    def report_fields(self, entry) -> dict[str, Any]:
        """F1 fields from the entry's own payload and the record it wrote: two entries on one
        record (該当届 and 消滅届, 申出 and 辞退) each keep their own date and period."""
        f = self.report(self.values(entry.payload), self.applied_record(entry))
        fields: dict[str, Any] = {
            "effective_date": f.effective_date,
            "period_start": f.period_start,
            "period_end": f.period_end,
        }
        if f.exemption_class != NO_EXEMPTION_CLASS:
            fields["exemption_class"] = f.exemption_class
        category = category_in_month(entry.person, f.effective_date)
        if category:
            fields["insured_category"] = category
        return fields

    def jps_decision(self, entry, record, decision: JpsDecision, *, actor=None) -> str:
        """JPS's decision on the record this entry wrote (or, for 14 / 16 / 22, changed)."""
        created = record.receipt_number == entry.receipt_number
        result = services.JpsResult(
            process_kind=decision.process_kind,
            result=decision.result,
            exemption_class=decision.exemption_class,
            approved=Period(*decision.approved) if decision.approved else None,
            rejected=Period(*decision.rejected) if decision.rejected else None,
            result_type_code=decision.result_type_code,
            processed_on=decision.processed_on,
            note=decision.note,
        )
        try:
            if actor is None:
                return services.jps_result_check(record_=record, created=created, result=result)
            return services.jps_result_apply(
                record_=record, created=created, result=result, actor=actor
            )
        except RuleRefused as exc:
            raise DecisionRefused(str(exc)) from None

    # --- what each kind says -----------------------------------------------------------------
    def check(self, person, values: dict[str, Any]) -> Any:
        """Every rule of the proposal (RuleRefused); returns what the write needs."""
        raise NotImplementedError

    def arguments(self, entry, values: dict[str, Any], checked: Any) -> dict[str, Any]:
        """The keyword arguments of `service` besides actor and operator."""
        raise NotImplementedError

    def report(self, values: dict[str, Any], record) -> ReportFields:
        raise NotImplementedError

    def current_record(self, person):
        return None

    # --- helpers -------------------------------------------------------------------------
    @staticmethod
    def category_for(person, exemption_class: ExemptionClass, day: date) -> str:
        """The person's 被保険者種別 on `day`; a refusal is shown above the form."""
        category = category_in_month(person, day)
        try:
            periods.check_exemption_category(category, exemption_class)
        except RuleRefused as exc:
            raise RuleRefused(str(exc), field=ABOVE_THE_FORM) from None
        return category


def show_field(obj, attr: str) -> str:
    value = getattr(obj, attr)
    if value in (None, ""):
        return ""
    field = obj._meta.get_field(attr)
    if field.choices:
        return str(getattr(obj, f"get_{attr}_display")())
    if isinstance(value, date):
        if attr.endswith("_month"):
            return periods.show(value)
        return wareki.format_date(value)
    return str(value)
