"""The entry kinds of the exemptions app, registered with the one verification mechanism.

A 届書 taken in at the counter becomes a pending entry with its 受付番号; only when a second
person has re-keyed its key fields from the paper and approved it do the `*_create` /
`*_apply` services of `services.py` run (in the approval's transaction) and the record moves
受付 → 確認済 through `record_transition`.

| kind | 届書種類 | re-keyed blind | on approval |
|---|---|---|---|
| 保険料免除・納付猶予申請書 | 11 | 申請する区分, 始期 | `exemption_application_create` → 確認済 |
| 学生納付特例申請書 | 12 | 始期, 終期 | `exemption_application_create` (学特) → 確認済 |
| 免除事由該当届（法定免除） | 13 | 免除理由, 該当年月日 | `statutory_exemption_create` → 確認済 |
| 免除事由消滅届（法定免除） | 14 | 消滅年月日 | `statutory_exemption_end` on the open 法定免除 |
| 産前産後期間の免除届 | 15 | 出産の予定日, 単胎・多胎 | `maternity_exemption_create` → 確認済 |
| 免除等取消申請書 | 16 | 取消期間 | `exemption_revoke` (承認 → 取消) |
| 付加保険料納付申出書 | 21 | 申出年月日 | `additional_premium_apply` → 確認済 |
| 付加保険料納付辞退申出書 | 22 | 辞退申出年月日 | `additional_premium_withdraw` |

The 被保険者種別 is never typed: it is read from the person's current qualification
(`selectors.current_category`). Every rule is the service's `*_check`, run at intake (the
refusal is shown next to the field) and again at approval (a refusal then makes it stale).
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Count, Max
from django.utils import timezone

from kokumin_nenkin import wareki
from kokumin_nenkin.verification.registry import EntryKind, register
from kokumin_nenkin.verification.services import StaleEntry
from kokumin_nenkin.wareki.forms import WarekiMonthField

from . import periods, reporting, services
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
    Status,
    StatutoryExemption,
)
from .periods import CATEGORY_LABELS, Period
from .rules import ExemptionClass, RuleRefused
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
VERIFIED_REASON = "二重確認（受付内容を届書と照合）"


class ExemptionKind(EntryKind):
    """What the exemption kinds share: pre-filling, the record version, rules as
    field errors, the side-by-side rows, and applying through the services."""

    #: models whose rows for the person make the record version (a change makes it stale)
    watched: tuple[type, ...] = ()
    #: the model of the record `write` returns (what JPS reporting reads and moves to 進達済)
    record_model: type
    #: the 被保険者種別 matters for this kind (the qualification history is watched too)
    uses_category = True
    #: the form field next to which a rule's refusal is shown
    rule_field = "applied_on"
    #: form field → field of `current_record` for the 現在の記録 column
    row_fields: dict[str, str] = {}

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
            category = current_category(person)
            label = CATEGORY_LABELS.get(category, "資格なし")
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
            from qualifications.selectors import latest_record

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

    def validate(self, person, payload: dict[str, Any], *, supersedes=None) -> None:
        if supersedes is not None:
            raise ValidationError({NON_FIELD_ERRORS: NO_CORRECTION})
        data = self.decode(payload)
        try:
            self.check(person, data)
        except RuleRefused as exc:
            raise ValidationError({self.rule_field: str(exc)}) from None

    def apply(self, entry, *, actor):
        data = self.decode(entry.payload)
        try:
            return self.write(entry, data, actor=actor)
        except RuleRefused as exc:
            raise StaleEntry(f"現在の記録では受付内容が規則に合いません: {exc}") from None

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
        """The record the approval wrote or changed (`write` returned it)."""
        return self.record_model.objects.get(pk=entry.applied_object_id)

    def report_fields(self, entry) -> dict[str, Any]:
        f = reporting.report_fields(self.applied_record(entry))
        fields: dict[str, Any] = {
            "effective_date": f.effective_date,
            "period_start": f.period_start,
            "period_end": f.period_end,
        }
        if f.exemption_class != reporting.NO_EXEMPTION_CLASS:
            fields["exemption_class"] = f.exemption_class
        category = current_category(entry.person)
        if category:
            fields["insured_category"] = str(category)
        return fields

    def mark_reported(self, entry, *, actor) -> None:
        """確認済 → 進達済 for the record this entry wrote. A notice that changed a record
        already decided by JPS (消滅届, 取消申請, 辞退) leaves that record's state as it is."""
        record = self.applied_record(entry)
        if record.status == Status.VERIFIED:
            services.record_transition(
                record, Status.REPORTED, actor=actor, reason="日本年金機構へ進達"
            )

    # --- what each kind says -----------------------------------------------------------------
    def check(self, person, data: dict[str, Any]) -> None:
        raise NotImplementedError

    def write(self, entry, data: dict[str, Any], *, actor):
        raise NotImplementedError

    def current_record(self, person):
        return None

    # --- helpers -------------------------------------------------------------------------
    @staticmethod
    def category_for(person, exemption_class: ExemptionClass) -> str:
        """The person's 被保険者種別; a person-level refusal is shown above the form."""
        category = current_category(person)
        try:
            periods.check_exemption_category(category, exemption_class)
        except RuleRefused as exc:
            raise ValidationError({NON_FIELD_ERRORS: str(exc)}) from None
        return category

    @staticmethod
    def verified(record, actor):
        return services.record_transition(
            record, Status.VERIFIED, actor=actor, reason=VERIFIED_REASON
        )


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


def _yes(value: str) -> bool:
    return value == "1"


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
    row_fields = {
        "applied_on": "applied_on",
        "exemption_class": "exemption_class",
        "start": "start_month",
        "end": "end_month",
        "special_reason": "special_reason",
    }

    def exemption_class(self, data) -> ExemptionClass:
        return ExemptionClass(data["exemption_class"])

    def initial_for(self, person, today):
        year = periods.year_period(ExemptionClass.FULL, periods.exemption_year_of(today))
        return {"applied_on": today, "start": year.start, "end": year.end}

    def _school(self, data) -> str:
        return ""

    def check(self, person, data):
        exemption_class = self.exemption_class(data)
        category = self.category_for(person, exemption_class)
        services.exemption_application_check(
            person=person,
            exemption_class=exemption_class,
            start=data["start"],
            end=data["end"],
            applied_on=data["applied_on"],
            category=category,
            special_reason=data.get("special_reason", ""),
            school_name=self._school(data),
        )

    def write(self, entry, data, *, actor):
        record = services.exemption_application_create(
            person=entry.person,
            exemption_class=self.exemption_class(data),
            start=data["start"],
            end=data["end"],
            applied_on=data["applied_on"],
            category=current_category(entry.person),
            actor=actor,
            operator=entry.maker,
            accept_lower_class=_yes(data.get("accept_lower_class", "")),
            continuing=_yes(data.get("continuing", "")),
            special_reason=data.get("special_reason", ""),
            school_name=self._school(data),
            receipt_number=entry.receipt_number,
        )
        return self.verified(record, actor)

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

    def exemption_class(self, data) -> ExemptionClass:
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

    def _school(self, data) -> str:
        return data.get("school_name", "")

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

    def previous(self, person, data) -> ExemptionApplication:
        found = ExemptionApplication.objects.filter(
            pk=int(data.get("renewal_of") or 0), person=person
        ).first()
        if found is None:
            raise ValidationError({NON_FIELD_ERRORS: "継続元の申請がありません。"})
        return found

    def check(self, person, data):
        previous = self.previous(person, data)
        if previous.exemption_class != data["exemption_class"]:
            raise RuleRefused("継続申請の区分が継続元の申請と違います。")
        period = services.renewal_check(
            previous=previous, year=periods.exemption_year_of(data["start"]), person=person
        )
        if (data["start"], data["end"]) != (period.start, period.end):
            raise RuleRefused(f"継続申請の期間は{period}です。")
        super().check(person, data)

    def write(self, entry, data, *, actor):
        previous = self.previous(entry.person, data)
        record = services.exemption_application_create(
            person=entry.person,
            exemption_class=data["exemption_class"],
            start=data["start"],
            end=data["end"],
            applied_on=data["applied_on"],
            category=current_category(entry.person),
            actor=actor,
            operator=entry.maker,
            accept_lower_class=previous.accept_lower_class,
            continuing=True,
            receipt_number=entry.receipt_number,
            renewal_of=previous,
        )
        return self.verified(record, actor)

    def display(self, name, value):
        if name == "renewal_of" and value:
            found = ExemptionApplication.objects.filter(pk=int(value)).first()
            if found is not None:
                return (
                    f"{found.get_exemption_class_display()} "
                    f"{periods.show(found.start_month)}〜{periods.show(found.end_month)}"
                    f"（{found.get_status_display()}）"
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
    row_fields = {"notified_on": "notified_on", "reason": "reason", "applies_on": "applies_on"}

    def check(self, person, data):
        category = self.category_for(person, ExemptionClass.STATUTORY)
        services.statutory_exemption_check(
            applies_on=data["applies_on"], category=category, person=person
        )

    def write(self, entry, data, *, actor):
        record = services.statutory_exemption_create(
            person=entry.person,
            reason=data["reason"],
            applies_on=data["applies_on"],
            notified_on=data["notified_on"],
            category=current_category(entry.person),
            actor=actor,
            operator=entry.maker,
            receipt_number=entry.receipt_number,
        )
        return self.verified(record, actor)

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

    def check(self, person, data):
        services.statutory_exemption_end_check(person=person, ended_on=data["ended_on"])

    def write(self, entry, data, *, actor):
        current = services.statutory_exemption_end_check(
            person=entry.person, ended_on=data["ended_on"]
        )
        return services.statutory_exemption_end(
            exemption=current,
            ended_on=data["ended_on"],
            end_reason=data["end_reason"],
            notified_on=data["notified_on"],
            actor=actor,
            operator=entry.maker,
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
    row_fields = {"notified_on": "notified_on", "due_date": "due_date", "pregnancy": "pregnancy"}

    def check(self, person, data):
        category = self.category_for(person, ExemptionClass.MATERNITY)
        services.maternity_exemption_check(
            person=person,
            due_date=data["due_date"],
            multiple=data["pregnancy"] == "2",
            notified_on=data["notified_on"],
            category=category,
        )

    def write(self, entry, data, *, actor):
        record = services.maternity_exemption_create(
            person=entry.person,
            due_date=data["due_date"],
            multiple=data["pregnancy"] == "2",
            notified_on=data["notified_on"],
            category=current_category(entry.person),
            actor=actor,
            operator=entry.maker,
            receipt_number=entry.receipt_number,
        )
        return self.verified(record, actor)

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

    def prepare(self, form, person) -> None:
        super().prepare(form, person)
        choices = [(str(a.pk), _application_label(a)) for a in revocable_applications(person)]
        form.fields["application"].choices = [("", "選択してください"), *choices]
        if not choices:
            form.fields["application"].help_text = "承認済みの免除等がありません。"

    @staticmethod
    def _application(person, value: str) -> ExemptionApplication:
        found = (
            ExemptionApplication.objects.filter(person=person, pk=int(value)).first()
            if str(value).isdigit()
            else None
        )
        if found is None:
            raise ValidationError({"application": "取り消す免除等を一覧から選択してください。"})
        return found

    def check(self, person, data):
        application = self._application(person, data["application"])
        services.exemption_revoke_check(
            application=application, period=Period(data["start"], data["end"])
        )

    def write(self, entry, data, *, actor):
        application = self._application(entry.person, data["application"])
        services.exemption_revoke_check(
            application=application, period=Period(data["start"], data["end"])
        )
        return services.exemption_revoke(
            application=application,
            period=Period(data["start"], data["end"]),
            actor=actor,
            operator=entry.maker,
            reason=data["reason"],
            applied_on=data["applied_on"],
            receipt_number=entry.receipt_number,
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
    row_fields = {"applied_on": "applied_on", "join_reason": "join_reason"}

    def check(self, person, data):
        category = current_category(person)
        services.additional_premium_check(
            person=person, applied_on=data["applied_on"], category=category
        )
        if _yes(data.get("national_pension_fund", "")):
            raise ValidationError(
                {"national_pension_fund": "国民年金基金の加入員は付加保険料を納付できません。"}
            )

    def write(self, entry, data, *, actor):
        record = services.additional_premium_apply(
            person=entry.person,
            applied_on=data["applied_on"],
            category=current_category(entry.person),
            actor=actor,
            operator=entry.maker,
            join_reason=data.get("join_reason", ""),
            national_pension_fund=_yes(data.get("national_pension_fund", "")),
            receipt_number=entry.receipt_number,
        )
        return self.verified(record, actor)

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

    def check(self, person, data):
        services.additional_premium_withdraw_check(person=person, applied_on=data["applied_on"])

    def write(self, entry, data, *, actor):
        current = services.additional_premium_withdraw_check(
            person=entry.person, applied_on=data["applied_on"]
        )
        return services.additional_premium_withdraw(
            premium=current,
            applied_on=data["applied_on"],
            reason=data["reason"],
            actor=actor,
            operator=entry.maker,
        )

    def compare(self, person, payload):
        current = current_additional_premium(person)
        rows = super().compare(person, payload)
        if current is not None:
            rows.insert(
                0,
                (
                    "辞退する付加保険料",
                    f"{wareki.format_date(current.applied_on)} 申出"
                    f"（{current.get_status_display()}）",
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
