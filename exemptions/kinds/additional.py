"""届書種類 21 / 22 (付加保険料の納付申出・辞退申出)."""

from datetime import date

from django.utils import timezone

from kokumin_nenkin import wareki

from .. import services
from ..forms import (
    AdditionalPremiumForm,
    AdditionalPremiumWithdrawalForm,
)
from ..models import (
    AdditionalPremium,
    ExemptionApplication,
    MaternityExemption,
    StatutoryExemption,
)
from ..periods import month_of
from ..reporting import NO_EXEMPTION_CLASS, ReportFields
from ..rules import RuleRefused
from ..selectors import (
    current_additional_premium,
)
from .base import ExemptionKind, category_in_month


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

    def precheck(self, person) -> str:
        """The 申出's own rules for a 申出 made today (the form's date): 種別, age, an
        exemption held, a 申出 already on file."""
        today = timezone.localdate()
        try:
            services.additional_premium_check(
                person=person, applied_on=today, category=category_in_month(person, today)
            )
        except RuleRefused as exc:
            return str(exc)
        return ""

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

    def precheck(self, person) -> str:
        try:  # the 辞退's own check, with a date no rule refuses
            services.additional_premium_withdraw_check(person=person, applied_on=date.max)
        except RuleRefused as exc:
            return str(exc)
        return ""

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
