"""届書種類 13 / 14 (法定免除の該当・消滅) and 15 (産前産後期間の免除)."""

from datetime import date

from kokumin_nenkin import wareki

from .. import periods, services
from ..forms import (
    MaternityForm,
    StatutoryEndForm,
    StatutoryForm,
)
from ..models import (
    MaternityExemption,
    Pregnancy,
    StatutoryExemption,
)
from ..reporting import ReportFields
from ..rules import ExemptionClass, RuleRefused
from ..selectors import (
    open_statutory_exemption,
)
from .base import ExemptionKind


# --- 13 / 14: 法定免除 --------------------------------------------------------------------------
class StatutoryKind(ExemptionKind):
    code = "exemptions.statutory"
    precheck_class = ExemptionClass.STATUTORY
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

    def precheck(self, person) -> str:
        try:  # the 消滅届's own check, with an end date no rule refuses
            services.statutory_exemption_end_check(person=person, ended_on=date.max)
        except RuleRefused as exc:
            return str(exc)
        return ""

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
    precheck_class = ExemptionClass.MATERNITY
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
