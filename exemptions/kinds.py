"""The entry kinds of the exemptions app, registered with the one verification mechanism.

A 届書 taken in at the counter becomes a pending entry with its 受付番号. Only when a second
person has re-keyed its key fields from the paper and approved it does the kind check its
rules once more against the record as it is then and write the record, which waits 審査中
for JPS's decision. The entry alone carries the office's steps (確認待ち → 承認済 → 進達済)
and its report line, computed from its own payload and the record it wrote.

| kind | 届書種類 | re-keyed blind | on approval |
|---|---|---|---|
| 保険料免除・納付猶予申請書 | 11 | 申請する区分, 始期 | `exemption_application_create` |
| 学生納付特例申請書 | 12 | 始期, 終期 | `exemption_application_create` (学特) |
| 継続申請 | 11 | 区分 | `exemption_application_create` with its 継続元 |
| 免除事由該当届（法定免除） | 13 | 免除理由, 該当年月日 | `statutory_exemption_create` |
| 免除事由消滅届（法定免除） | 14 | 消滅年月日 | `statutory_exemption_end` on the open 法定免除 |
| 産前産後期間の免除届 | 15 | 出産の予定日, 単胎・多胎 | `maternity_exemption_create` |
| 免除等取消申請書 | 16 | 取消期間 | `exemption_revoke` (承認 → 取消) |
| 付加保険料納付申出書 | 21 | 申出年月日 | `additional_premium_apply` |
| 付加保険料納付辞退申出書 | 22 | 辞退申出年月日 | `additional_premium_withdraw` |

The 被保険者種別 is never typed: it is read from the qualification history for the months
concerned. A kind's payload is its form: `values()` gives the services typed values.
"""

from __future__ import annotations

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
    register,
)
from kokumin_nenkin.wareki.forms import WarekiMonthField
from qualifications.selectors import categories_by_month, latest_record

from . import periods, services
from .forms import (
    AdditionalPremiumForm,
    AdditionalPremiumWithdrawalForm,
    ApplicationForm,
    MaternityForm,
    RenewalForm,
    RevocationForm,
    StatutoryEndForm,
    StatutoryForm,
    StudentForm,
)
from .models import (
    AdditionalPremium,
    ExemptionApplication,
    MaternityExemption,
    Pregnancy,
    StatutoryExemption,
)
from .periods import CATEGORY_LABELS, Period, month_of
from .reporting import NO_EXEMPTION_CLASS, ReportFields
from .rules import ABOVE_THE_FORM, ExemptionClass, RuleRefused
from .selectors import (
    current_additional_premium,
    current_category,
    open_statutory_exemption,
    revocable_applications,
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
                shown = _show(current, attr)
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


def _show(obj, attr: str) -> str:
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


# --- 11 / 12: 申請免除・納付猶予・学生納付特例 -------------------------------------------------
class ApplicationKind(ExemptionKind):
    code = "exemptions.application"
    label = "保険料免除・納付猶予申請書"
    form_code = "11"
    form_class = ApplicationForm
    key_fields = ("exemption_class", "start")
    watched = (ExemptionApplication,)
    record_model = ExemptionApplication
    rule_field = "start"
    service = staticmethod(services.exemption_application_create)
    row_fields = {
        "applied_on": "applied_on",
        "exemption_class": "exemption_class",
        "start": "start_month",
        "end": "end_month",
        "special_reason": "special_reason",
    }

    def exemption_class(self, values) -> ExemptionClass:
        return ExemptionClass(values["exemption_class"])

    def initial_for(self, person, today):
        year = periods.year_period(ExemptionClass.FULL, periods.exemption_year_of(today))
        return {"applied_on": today, "start": year.start, "end": year.end}

    def check(self, person, values):
        return services.exemption_application_check(
            person=person,
            exemption_class=self.exemption_class(values),
            start=values["start"],
            end=values["end"],
            applied_on=values["applied_on"],
            special_reason=values.get("special_reason") or "",
            school_name=values.get("school_name") or "",
        )

    def arguments(self, entry, values, checked):
        return {
            "person": entry.person,
            "exemption_class": checked.exemption_class,
            "start": values["start"],
            "end": values["end"],
            "applied_on": values["applied_on"],
            "accept_lower_class": bool(values.get("accept_lower_class")),
            "continuing": bool(values.get("continuing")),
            "special_reason": values.get("special_reason") or "",
            "school_name": values.get("school_name") or "",
            "receipt_number": entry.receipt_number,
            "check": checked,
        }

    def report(self, values, record):
        applied = self.exemption_class(values)
        form = "12" if applied == ExemptionClass.STUDENT else "11"
        return ReportFields(
            form, values["applied_on"], applied, record.start_month, record.end_month
        )

    def current_record(self, person):
        return (
            ExemptionApplication.objects.filter(person=person)
            .exclude(exemption_class=ExemptionClass.STUDENT)
            .order_by("-start_month", "-id")
            .first()
        )


class StudentKind(ApplicationKind):
    code = "exemptions.student"
    label = "学生納付特例申請書"
    form_code = "12"
    form_class = StudentForm
    key_fields = ("start", "end")
    row_fields = {
        "applied_on": "applied_on",
        "school_name": "school_name",
        "start": "start_month",
        "end": "end_month",
        "special_reason": "special_reason",
    }

    def exemption_class(self, values) -> ExemptionClass:
        return ExemptionClass.STUDENT

    def initial_for(self, person, today):
        year = periods.student_year_period(periods.student_year_of(today))
        last = self.current_record(person)
        return {
            "applied_on": today,
            "school_name": last.school_name if last else "",
            "start": year.start,
            "end": year.end,
        }

    def current_record(self, person):
        return (
            ExemptionApplication.objects.filter(
                person=person, exemption_class=ExemptionClass.STUDENT
            )
            .order_by("-start_month", "-id")
            .first()
        )


# --- 継続申請 (11, no new form) ------------------------------------------------------------------
class RenewalKind(ApplicationKind):
    """継続申請: made by a 確認担当 from the renewal work list, approved by another one."""

    code = "exemptions.renewal"
    label = "継続申請（全額免除・納付猶予）"
    form_code = "11"
    form_class = RenewalForm
    key_fields = ("exemption_class",)
    enter_permission = "verify_entry"
    row_fields = {
        "applied_on": "applied_on",
        "exemption_class": "exemption_class",
        "start": "start_month",
        "end": "end_month",
    }

    def previous(self, person, values) -> ExemptionApplication:
        found = ExemptionApplication.objects.filter(
            pk=values.get("renewal_of") or 0, person=person
        ).first()
        if found is None:
            raise RuleRefused("継続元の申請がありません。", field=ABOVE_THE_FORM)
        return found

    def check(self, person, values):
        previous = self.previous(person, values)
        if previous.exemption_class != values["exemption_class"]:
            raise RuleRefused("継続申請の区分が継続元の申請と違います。")
        period = services.renewal_check(
            previous=previous, year=periods.exemption_year_of(values["start"]), person=person
        )
        if (values["start"], values["end"]) != (period.start, period.end):
            raise RuleRefused(f"継続申請の期間は{period}です。")
        return super().check(person, values)

    def arguments(self, entry, values, checked):
        previous = self.previous(entry.person, values)
        return {
            **super().arguments(entry, values, checked),
            "accept_lower_class": previous.accept_lower_class,
            "continuing": True,
            "renewal_of": previous,
        }

    def display(self, name, value):
        if name == "renewal_of" and value:
            found = ExemptionApplication.objects.filter(pk=int(value)).first()
            if found is not None:
                return (
                    f"{found.get_exemption_class_display()} "
                    f"{periods.show(found.start_month)}〜{periods.show(found.end_month)}"
                    f"（{found.get_decision_display()}）"
                )
        return super().display(name, value)


# --- 13 / 14: 法定免除 --------------------------------------------------------------------------
class StatutoryKind(ExemptionKind):
    code = "exemptions.statutory"
    label = "免除事由該当届（法定免除）"
    form_code = "13"
    form_class = StatutoryForm
    key_fields = ("reason", "applies_on")
    watched = (StatutoryExemption,)
    record_model = StatutoryExemption
    rule_field = "applies_on"
    service = staticmethod(services.statutory_exemption_create)
    row_fields = {"notified_on": "notified_on", "reason": "reason", "applies_on": "applies_on"}

    def check(self, person, values):
        category = self.category_for(person, ExemptionClass.STATUTORY, values["applies_on"])
        return services.statutory_exemption_check(
            applies_on=values["applies_on"], category=category, person=person
        )

    def arguments(self, entry, values, checked):
        return {
            "person": entry.person,
            "reason": values["reason"],
            "applies_on": values["applies_on"],
            "notified_on": values["notified_on"],
            "receipt_number": entry.receipt_number,
            "check": checked,
        }

    def report(self, values, record):
        # The 該当届 reports an open period, whatever a later 消滅届 did to the record.
        return ReportFields(
            "13", values["applies_on"], ExemptionClass.STATUTORY, record.start_month, None
        )

    def current_record(self, person):
        return StatutoryExemption.objects.filter(person=person, is_latest=True).first()


class StatutoryEndKind(ExemptionKind):
    code = "exemptions.statutory_end"
    label = "免除事由消滅届（法定免除）"
    form_code = "14"
    form_class = StatutoryEndForm
    key_fields = ("ended_on",)
    watched = (StatutoryExemption,)
    record_model = StatutoryExemption
    uses_category = False
    rule_field = "ended_on"
    service = staticmethod(services.statutory_exemption_end)

    def check(self, person, values):
        return services.statutory_exemption_end_check(person=person, ended_on=values["ended_on"])

    def arguments(self, entry, values, checked):
        return {
            "exemption": checked,
            "ended_on": values["ended_on"],
            "end_reason": values["end_reason"],
            "notified_on": values["notified_on"],
        }

    def report(self, values, record):
        period = periods.statutory_period(record.applies_on, values["ended_on"])
        return ReportFields(
            "14", values["ended_on"], ExemptionClass.STATUTORY, period.start, period.end
        )

    def compare(self, person, payload):
        current = open_statutory_exemption(person)
        rows = super().compare(person, payload)
        if current is not None:
            rows.insert(
                0,
                (
                    "消滅させる法定免除",
                    f"{current.get_reason_display()}（{wareki.format_date(current.applies_on)}"
                    f" 該当、{periods.show(current.start_month)}から）",
                    "",
                ),
            )
        return rows


# --- 15: 産前産後 ------------------------------------------------------------------------------
class MaternityKind(ExemptionKind):
    code = "exemptions.maternity"
    label = "産前産後期間の免除届"
    form_code = "15"
    form_class = MaternityForm
    key_fields = ("due_date", "pregnancy")
    watched = (MaternityExemption,)
    record_model = MaternityExemption
    rule_field = "due_date"
    service = staticmethod(services.maternity_exemption_create)
    row_fields = {"notified_on": "notified_on", "due_date": "due_date", "pregnancy": "pregnancy"}

    def check(self, person, values):
        multiple = values["pregnancy"] == Pregnancy.MULTIPLE
        start = periods.maternity_period(values["due_date"], multiple).start
        category = self.category_for(person, ExemptionClass.MATERNITY, start)
        return services.maternity_exemption_check(
            person=person,
            due_date=values["due_date"],
            multiple=multiple,
            notified_on=values["notified_on"],
            category=category,
        )

    def arguments(self, entry, values, checked):
        return {
            "person": entry.person,
            "due_date": values["due_date"],
            "multiple": values["pregnancy"] == Pregnancy.MULTIPLE,
            "notified_on": values["notified_on"],
            "receipt_number": entry.receipt_number,
            "check": checked,
        }

    def report(self, values, record):
        # [GK] 異動年月日 = the expected (or actual) birth date the period is computed from.
        return ReportFields(
            "15", values["due_date"], ExemptionClass.MATERNITY, record.start_month, record.end_month
        )

    def current_record(self, person):
        return MaternityExemption.objects.filter(person=person, is_latest=True).first()


# --- 16: 免除等取消申請 --------------------------------------------------------------------------
def _application_label(application: ExemptionApplication) -> str:
    period = Period(application.approved_start, application.approved_end)
    return f"{application.get_exemption_class_display()} 承認期間 {period}"


class RevocationKind(ExemptionKind):
    code = "exemptions.revocation"
    label = "免除等取消申請書"
    form_code = "16"
    form_class = RevocationForm
    key_fields = ("start", "end")
    watched = (ExemptionApplication,)
    record_model = ExemptionApplication
    uses_category = False
    rule_field = "start"
    service = staticmethod(services.exemption_revoke)

    def prepare(self, form, person) -> None:
        super().prepare(form, person)
        choices = [(str(a.pk), _application_label(a)) for a in revocable_applications(person)]
        form.fields["application"].choices = [("", "選択してください"), *choices]
        if not choices:
            form.fields["application"].help_text = "承認済みの免除等がありません。"

    @staticmethod
    def _application(person, pk: int | None) -> ExemptionApplication:
        found = ExemptionApplication.objects.filter(person=person, pk=pk).first() if pk else None
        if found is None:
            raise RuleRefused("取り消す免除等を一覧から選択してください。", field="application")
        return found

    def check(self, person, values):
        application = self._application(person, values["application"])
        services.exemption_revoke_check(
            application=application, period=Period(values["start"], values["end"])
        )
        return application

    def arguments(self, entry, values, checked):
        return {
            "application": checked,
            "period": Period(values["start"], values["end"]),
            "reason": values["reason"],
            "applied_on": values["applied_on"],
            "receipt_number": entry.receipt_number,
        }

    def report(self, values, record):
        return ReportFields(
            "16",
            values["applied_on"],
            record.exemption_class,
            month_of(values["start"]),
            month_of(values["end"]),
        )

    def display(self, name, value):
        if name == "application" and value and str(value).isdigit():
            found = ExemptionApplication.objects.filter(pk=int(value)).first()
            if found is not None and found.approved_start is not None:
                return _application_label(found)
        return super().display(name, value)


# --- 21 / 22: 付加保険料 -----------------------------------------------------------------------
class AdditionalPremiumKind(ExemptionKind):
    code = "exemptions.additional"
    label = "付加保険料納付申出書"
    form_code = "21"
    form_class = AdditionalPremiumForm
    key_fields = ("applied_on",)
    # any exemption held or asked for refuses the 付加: all four are watched
    watched = (ExemptionApplication, StatutoryExemption, MaternityExemption, AdditionalPremium)
    record_model = AdditionalPremium
    rule_field = "applied_on"
    service = staticmethod(services.additional_premium_apply)
    row_fields = {"applied_on": "applied_on", "join_reason": "join_reason"}

    def check(self, person, values):
        if values["national_pension_fund"]:
            raise RuleRefused(
                "国民年金基金の加入員は付加保険料を納付できません。", field="national_pension_fund"
            )
        return services.additional_premium_check(
            person=person,
            applied_on=values["applied_on"],
            category=category_in_month(person, values["applied_on"]),
        )

    def arguments(self, entry, values, checked):
        return {
            "person": entry.person,
            "applied_on": values["applied_on"],
            "join_reason": values.get("join_reason") or "",
            "national_pension_fund": values["national_pension_fund"],
            "receipt_number": entry.receipt_number,
            "check": checked,
        }

    def report(self, values, record):
        return ReportFields(
            "21", values["applied_on"], NO_EXEMPTION_CLASS, month_of(values["applied_on"]), None
        )

    def current_record(self, person):
        return AdditionalPremium.objects.filter(person=person, is_latest=True).first()


class AdditionalPremiumWithdrawalKind(ExemptionKind):
    code = "exemptions.additional_withdrawal"
    label = "付加保険料納付辞退申出書"
    form_code = "22"
    form_class = AdditionalPremiumWithdrawalForm
    key_fields = ("applied_on",)
    watched = (AdditionalPremium,)
    record_model = AdditionalPremium
    uses_category = False
    rule_field = "applied_on"
    service = staticmethod(services.additional_premium_withdraw)

    def check(self, person, values):
        return services.additional_premium_withdraw_check(
            person=person, applied_on=values["applied_on"]
        )

    def arguments(self, entry, values, checked):
        return {"premium": checked, "applied_on": values["applied_on"], "reason": values["reason"]}

    def report(self, values, record):
        # [GK] 付加 ceases from the day of the 辞退 申出.
        return ReportFields("22", values["applied_on"], NO_EXEMPTION_CLASS, None, None)

    def compare(self, person, payload):
        current = current_additional_premium(person)
        rows = super().compare(person, payload)
        if current is not None:
            rows.insert(
                0,
                (
                    "辞退する付加保険料",
                    f"{wareki.format_date(current.applied_on)} 申出"
                    f"（{current.get_decision_display()}）",
                    "",
                ),
            )
        return rows


APPLICATION = ApplicationKind()
RENEWAL = RenewalKind()
STUDENT = StudentKind()
STATUTORY = StatutoryKind()
STATUTORY_END = StatutoryEndKind()
MATERNITY = MaternityKind()
REVOCATION = RevocationKind()
ADDITIONAL = AdditionalPremiumKind()
ADDITIONAL_WITHDRAWAL = AdditionalPremiumWithdrawalKind()

ALL = (
    APPLICATION,
    RENEWAL,
    STUDENT,
    STATUTORY,
    STATUTORY_END,
    MATERNITY,
    REVOCATION,
    ADDITIONAL,
    ADDITIONAL_WITHDRAWAL,
)


def register_all() -> None:
    for kind in ALL:
        register(kind)
