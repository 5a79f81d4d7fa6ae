"""The entry kinds of the benefit claims (届書種類 31–37), registered with the one verification
mechanism.

A 請求書 taken in at the counter is a pending entry with its 受付番号; the entry's person is the
insured person whose record the claim rests on (the deceased for 遺族・寡婦・死亡一時金), the
claimant is chosen on the form (item 47). The city takes a claim only when that record is
第1号 only (`rules.taken_here`); the rules run once at intake and once at approval, and the
approval writes the claim record, which waits 審査中 for JPS. The report line comes from the
entry's own payload and the record it wrote; JPS's result (F2 v2: 05 裁定結果, 06 認定結果, 04
返戻) lands on that record through `jps_decision`.

| kind | 届書種類 | re-keyed blind |
|---|---|---|
| 年金請求書（老齢基礎年金） | 31 | 請求年月日, 受給開始年月 |
| 年金請求書（障害基礎年金） | 32 | 請求年月日, 初診日 |
| 年金請求書（遺族基礎年金） | 33 | 請求年月日, 死亡年月日 |
| 寡婦年金請求書 | 34 | 請求年月日, 夫の死亡年月日 |
| 死亡一時金請求書 | 35 | 請求年月日, 死亡年月日 |
| 特別障害給付金請求書 | 36 | 請求年月日, 初診日 |
| 年金生活者支援給付金請求書 | 37 | 請求年月日, 受けている年金 |

Longer than our usual 400 lines: seven kinds on one shared base; each kind is a short class.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
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
    get_kind,
    register,
)
from qualifications.models import Person
from qualifications.selectors import latest_record

from . import lump_sum_rules, pension_rules, rules, selectors, services, support_rules
from .attachments import attachments_due, payload_codes
from .forms import ATTACHMENTS, CHECKLISTS, FORMS, NOT_REGISTERED
from .models import BenefitClaim
from .rules import ABOVE_THE_FORM, Assessment, ClaimKind, RuleRefused

#: 届書種類 31–37 as FORMATS.md names them.
FORM_LABELS = {
    ClaimKind.OLD_AGE: "年金請求書（老齢基礎年金）",
    ClaimKind.DISABILITY: "年金請求書（障害基礎年金）",
    ClaimKind.SURVIVORS: "年金請求書（遺族基礎年金）",
    ClaimKind.WIDOW: "寡婦年金請求書",
    ClaimKind.DEATH_LUMP_SUM: "死亡一時金請求書",
    ClaimKind.SPECIAL_DISABILITY: "特別障害給付金請求書",
    ClaimKind.SUPPORT: "年金生活者支援給付金請求書",
}

NO_CORRECTION = (
    "裁定請求は承認後に訂正できません。日本年金機構の結果を待つか、新しい請求書として"
    "受け付けてください。"
)


@dataclass(frozen=True)
class Checked:
    """What the rules found for one claim: the claimant and the assessment."""

    claimant: Person | None
    claimant_name: str
    assessment: Assessment
    claim_year: int | None = None


class ClaimEntryKind(EntryKind):
    """What the seven claim kinds share."""

    claim: ClaimKind
    rule_field = "claimed_on"

    def __init__(self) -> None:
        self.code = f"benefits.{self.claim.name.lower()}"
        self.label = FORM_LABELS[self.claim]
        self.form_code = self.claim.value
        self.form_class = FORMS[self.claim]

    # --- the form ------------------------------------------------------------------------
    def make_form(self, person, data=None, initial=None, prefix=None):
        values = {"claimed_on": timezone.localdate(), **self.initial_for(person), **(initial or {})}
        form = self.form_class(data=data, initial=values, prefix=prefix)
        choices = selectors.claimant_choices(person)
        form.fields["claimant"].choices = [
            *choices,
            (NOT_REGISTERED, "登録のない方（氏名を入力）"),
        ]
        reason = rules.taken_here(selectors.categories_held(person))
        first = form.fields["claimed_on"]
        first.help_text = reason or "この方の記録は第1号被保険者期間のみです（市で受付できます）。"
        return form

    def initial_for(self, person) -> dict[str, Any]:
        if self.claim in rules.SURVIVOR_KINDS:
            return {"relationship": "配偶者"}
        return {"claimant": person.pk, "relationship": "本人"}

    def display(self, name: str, value: Any) -> str:
        if name == "claimant":
            if str(value) in ("", str(NOT_REGISTERED)):
                return "登録のない方"
            person = Person.objects.filter(pk=int(value)).first()
            return person.full_name if person else str(value)
        if name == "attachments":
            return "、".join(ATTACHMENTS.get(c, c) for c in str(value).split(",") if c) or "なし"
        if name == "start_month" and value:
            d = date.fromisoformat(value)
            return wareki.format_month(d.year, d.month)
        return super().display(name, value)

    def compare(self, person, payload):
        rows = [
            (self.field_label(n), "", self.display(n, payload.get(n)))
            for n in self.form_class.base_fields
        ]
        due = [ATTACHMENTS[c] for c in CHECKLISTS[self.claim] if c not in payload_codes(payload)]
        rows.append(("未着の添付書類", "", "、".join(due) or "なし"))
        try:
            checked = self.check(person, self.values(payload))
        except RuleRefused as exc:
            rows.append(("事前確認", "", f"受付できません: {exc}"))
        else:
            rows.append(("事前確認", "", checked.assessment.text))
        return rows

    # --- the hooks -------------------------------------------------------------------------
    def current_version(self, person) -> str:
        latest = latest_record(person)
        agg = BenefitClaim.objects.filter(person=person).aggregate(
            n=Count("id"), last=Max("updated_at")
        )
        last = agg["last"].isoformat() if agg["last"] else ""
        raw = f"q{latest.pk if latest else 0}|c{agg['n']}:{last}"
        return "benefits:" + hashlib.sha256(raw.encode()).hexdigest()[:40]

    def _checked(self, person, values, *, receipt_number: str = "") -> Checked:
        try:
            return self.check(person, values, receipt_number=receipt_number)
        except RuleRefused as exc:
            field = exc.field or self.rule_field
            if field == ABOVE_THE_FORM:
                field = NON_FIELD_ERRORS
            raise ValidationError({field: str(exc)}) from None

    def validate(self, person, payload, *, supersedes=None) -> None:
        if supersedes is not None:
            raise ValidationError({NON_FIELD_ERRORS: NO_CORRECTION})
        self._checked(person, self.values(payload))

    def approve(self, entry, person, *, actor):
        values = self.values(entry.payload)
        checked = self._checked(person, values, receipt_number=entry.receipt_number)
        a = checked.assessment
        return services.claim_create(
            person=person,
            kind=self.claim,
            claimant=checked.claimant,
            claimant_name=checked.claimant_name,
            relationship=values["relationship"],
            claimed_on=values["claimed_on"],
            pension_code=a.pension_code,
            death_on=values.get("death_on"),
            support_kind=a.support_kind,
            claim_year=checked.claim_year,
            lump_sum_amount=a.amount,
            assessment=a.text,
            receipt_number=entry.receipt_number,
            actor=actor,
            operator=entry.maker,
        )

    def check(self, person, values: dict[str, Any], *, receipt_number: str = "") -> Checked:
        """Every rule: the city takes it, the claimant, then the kind's own conditions."""
        reason = rules.taken_here(selectors.categories_held(person))
        if reason:
            raise RuleRefused(reason, field=ABOVE_THE_FORM)
        claimant, name = self.claimant_of(person, values)
        assessment = self.assess(person, claimant, values, receipt_number)
        return Checked(claimant, name, assessment, self.claim_year(values))

    def claimant_of(self, person, values) -> tuple[Person | None, str]:
        chosen = values.get("claimant")
        if chosen in (None, NOT_REGISTERED):
            return None, str(values.get("claimant_name") or "")
        allowed = {pk for pk, _ in selectors.claimant_choices(person)}
        if chosen not in allowed:
            raise RuleRefused(
                "請求者は本人・配偶者・世帯の方から選んでください。", field="claimant"
            )
        claimant = Person.objects.get(pk=chosen)
        if self.claim in rules.SURVIVOR_KINDS and claimant.pk == person.pk:
            raise RuleRefused(
                "亡くなった方の記録による請求です。請求者は遺族を選んでください。",
                field="claimant",
            )
        return claimant, claimant.full_name

    def claim_year(self, values) -> int | None:
        return None

    def assess(self, person, claimant, values, receipt_number: str) -> Assessment:
        raise NotImplementedError

    # --- reporting to JPS --------------------------------------------------------------------
    record_model = BenefitClaim

    def applied_record(self, entry) -> BenefitClaim:
        return BenefitClaim.objects.get(pk=entry.applied_object_id)

    def report_fields(self, entry) -> dict[str, Any]:
        """F1: 異動年月日 = 請求年月日, 被保険者種別 = the last one held. What F1 has no field for
        (年金コード, 請求者, 死亡年月日, 給付金種別, 請求年度, 未着の添付書類) goes on the report
        sheet (paper) with that reason."""
        values = self.values(entry.payload)
        claim = self.applied_record(entry)
        return {
            "effective_date": values["claimed_on"],
            "insured_category": selectors.last_category(entry.person),
            "paper_fields": paper_fields(claim, attachments_due(entry)),
        }

    def jps_decision(self, entry, record, decision: JpsDecision, *, actor=None) -> str:
        result = services.ClaimResult(
            process_kind=decision.process_kind,
            result=decision.result,
            pension_code=decision.pension_code,
            certificate_number=decision.certificate_number,
            support_kind=decision.support_kind,
            support_start=decision.support_start,
            support_end=decision.support_end,
            processed_on=decision.processed_on,
            note=decision.note,
        )
        try:
            if actor is None:
                return services.claim_result_check(claim=record, result=result)
            return services.claim_result_apply(claim=record, result=result, actor=actor)
        except RuleRefused as exc:
            raise DecisionRefused(str(exc)) from None


def paper_fields(claim: BenefitClaim, due: list[str]) -> tuple[tuple[str, str], ...]:
    rows = [("請求の種類", claim.get_kind_display())]
    if claim.pension_code:
        rows.append(("年金コード", claim.pension_code))
    rows.append(("請求者", f"{claim.claimant_name}（{claim.relationship}）"))
    if claim.death_on:
        rows.append(("死亡年月日", wareki.format_date(claim.death_on)))
    if claim.support_kind:
        rows.append(("給付金種別", claim.get_support_kind_display()))
    if claim.claim_year:
        rows.append(("請求年度", f"{wareki.format_year(claim.claim_year)}度"))
    rows.append(("未着の添付書類", "、".join(due) or "なし"))
    return tuple(rows)


# --- the seven kinds -----------------------------------------------------------------------------
def _deceased_category(person, death_on: date) -> str:
    return selectors.category_on(person, death_on)


class OldAgeKind(ClaimEntryKind):
    claim = ClaimKind.OLD_AGE
    key_fields = ("claimed_on", "start_month")
    rule_field = "start_month"

    def assess(self, person, claimant, values, receipt_number):
        held = selectors.held_months(person, values["claimed_on"])
        return pension_rules.old_age_assessment(
            birth=person.birth_date,
            claimed_on=values["claimed_on"],
            start_month=values["start_month"],
            paid_months=values["paid_months"],
            exempt_months=values["exempt_months"],
            kara_months=values["kara_months"],
            held_first_months=held.first_months,
            held_exempt_months=held.exempt_months,
        )


class DisabilityKind(ClaimEntryKind):
    claim = ClaimKind.DISABILITY
    key_fields = ("claimed_on", "first_visit_on")
    rule_field = "first_visit_on"

    def assess(self, person, claimant, values, receipt_number):
        year = values["claimed_on"].year - 1
        income = selectors.household_of(person, year).members[0].income
        return pension_rules.disability_assessment(
            birth=person.birth_date,
            first_visit_on=values["first_visit_on"],
            category_on_first_visit=selectors.category_on(person, values["first_visit_on"]),
            lived_in_japan=values["lived_in_japan"],
            insured_months=values["insured_months"],
            paid_exempt_months=values["paid_exempt_months"],
            unpaid_recent=values["unpaid_recent"],
            income=income.total_income if income else None,
            dependents=income.dependents if income else 0,
        )


class SurvivorsKind(ClaimEntryKind):
    claim = ClaimKind.SURVIVORS
    key_fields = ("claimed_on", "death_on")
    rule_field = "death_on"

    def assess(self, person, claimant, values, receipt_number):
        return pension_rules.survivors_assessment(
            deceased_birth=person.birth_date,
            death_on=values["death_on"],
            category_at_death=_deceased_category(person, values["death_on"]),
            lived_in_japan=values["lived_in_japan"],
            insured_months=values["insured_months"],
            paid_exempt_months=values["paid_exempt_months"],
            unpaid_recent=values["unpaid_recent"],
            qualifying_months=values["qualifying_months"],
            relationship=values["relationship"],
            children=values["children"],
        )


class WidowKind(ClaimEntryKind):
    claim = ClaimKind.WIDOW
    key_fields = ("claimed_on", "death_on")
    rule_field = "death_on"

    def assess(self, person, claimant, values, receipt_number):
        if claimant is None:
            raise RuleRefused(
                "寡婦年金は妻の生年月日で支給期間が決まります。請求者（妻）を住民記録から"
                "選んでください。",
                field="claimant",
            )
        if values["relationship"] != "配偶者":
            raise RuleRefused(
                "寡婦年金を請求できるのは妻です（寡婦年金の請求者）。", field="relationship"
            )
        return pension_rules.widow_assessment(
            widow_birth=claimant.birth_date,
            death_on=values["death_on"],
            husband_first_months=values["husband_first_months"],
            husband_received_pension=values["husband_received_pension"],
            married_years=values["married_years"],
            maintained=values["maintained"],
        )


class DeathLumpSumKind(ClaimEntryKind):
    claim = ClaimKind.DEATH_LUMP_SUM
    key_fields = ("claimed_on", "death_on")
    rule_field = "death_on"

    def assess(self, person, claimant, values, receipt_number):
        assessment = lump_sum_rules.death_lump_sum_assessment(
            paid_months=values["paid_months"],
            quarter_exempt_months=values["quarter_exempt_months"],
            half_exempt_months=values["half_exempt_months"],
            three_quarter_exempt_months=values["three_quarter_exempt_months"],
            additional_months=values["additional_months"],
            on=values["death_on"],
        )
        return lump_sum_rules.death_lump_sum_check(
            assessment=assessment,
            deceased_received_pension=values["deceased_received_pension"],
            survivors_pension_payable=values["survivors_pension_payable"],
            other_claims=selectors.other_claims_for_death(person, exclude_receipt=receipt_number),
        )


class SpecialDisabilityKind(ClaimEntryKind):
    claim = ClaimKind.SPECIAL_DISABILITY
    key_fields = ("claimed_on", "first_visit_on")
    rule_field = "first_visit_on"

    def assess(self, person, claimant, values, receipt_number):
        return pension_rules.special_disability_assessment(
            birth=person.birth_date,
            first_visit_on=values["first_visit_on"],
            reason=values["reason"],
            grade=values["grade"],
            claimed_on=values["claimed_on"],
        )


class SupportKind(ClaimEntryKind):
    claim = ClaimKind.SUPPORT
    key_fields = ("claimed_on", "pension_received")
    rule_field = "pension_received"

    def assess(self, person, claimant, values, receipt_number):
        year = support_rules.support_income_year(values["claimed_on"])
        household = selectors.household_of(person, year)
        return support_rules.support_assessment(
            birth=person.birth_date,
            claimed_on=values["claimed_on"],
            pension_received=values["pension_received"],
            pension_receipts=values["pension_receipts"],
            pension_misc_income=values["pension_misc_income"],
            household=household.incomes,
        )

    def claim_year(self, values) -> int | None:
        return support_rules.support_claim_year(values["claimed_on"])


ALL: tuple[ClaimEntryKind, ...] = (
    OldAgeKind(),
    DisabilityKind(),
    SurvivorsKind(),
    WidowKind(),
    DeathLumpSumKind(),
    SpecialDisabilityKind(),
    SupportKind(),
)
BY_CLAIM = {k.claim: k for k in ALL}


def kind_for(claim: str) -> ClaimEntryKind:
    kind = get_kind(BY_CLAIM[ClaimKind(claim)].code)
    assert isinstance(kind, ClaimEntryKind)
    return kind


def register_all() -> None:
    for kind in ALL:
        register(kind)
