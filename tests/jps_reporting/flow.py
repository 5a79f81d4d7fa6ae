"""Approved entries to report, built through the real verification services (synthetic data),
and a stand-in exemption kind that uses the registry's reporting hooks the way the exemption
kinds do: `report_fields` from `exemptions.reporting`, `mark_reported` through the record's
own 確認済 → 進達済 transition."""

from datetime import date

from django import forms

from exemptions.models import AdditionalPremium, ExemptionApplication, Status
from exemptions.reporting import report_fields
from exemptions.services import record_transition
from kokumin_nenkin.verification import services
from kokumin_nenkin.verification.registry import _KINDS, EntryKind, register
from kokumin_nenkin.wareki.forms import WarekiDateField
from tests.qualifications.factories import acquisition_payload, approve, make_person

ACQ = "qualifications.acquisition"
EXEMPTION_KIND = "tests.exemption_application"
ADDITIONAL_KIND = "tests.additional_premium"


def approved_acquisition(maker, checker, **person_fields):
    person = make_person(**person_fields)
    entry = services.entry_submit(
        kind=ACQ, person=person, payload=acquisition_payload("2010-06-14"), actor=maker
    )
    return approve(entry, checker)


class _Form(forms.Form):
    applied_on = WarekiDateField(label="申請年月日")


class StandInExemptionKind(EntryKind):
    code = EXEMPTION_KIND
    label = "保険料免除・納付猶予申請書"
    form_code = "11"
    form_class = _Form
    key_fields = ("applied_on",)

    def current_version(self, person) -> str:
        return "exemption"

    def apply(self, entry, *, actor):
        return ExemptionApplication.objects.create(
            person=entry.person,
            operator=entry.maker,
            status=Status.VERIFIED,
            receipt_number=entry.receipt_number,
            period_year=2024,
            exemption_class="01",
            applied_on=date(2024, 8, 1),
            start_month=date(2024, 7, 1),
            end_month=date(2025, 6, 1),
        )

    model = record_model = ExemptionApplication

    def _record(self, entry):
        return self.model.objects.get(receipt_number=entry.receipt_number)

    def report_fields(self, entry):
        f = report_fields(self._record(entry))
        return {
            "effective_date": f.effective_date,
            "exemption_class": f.exemption_class,
            "period_start": f.period_start,
            "period_end": f.period_end,
        }

    def mark_reported(self, entry, *, actor):
        record_transition(self._record(entry), Status.REPORTED, actor=actor, reason="進達")


class StandInAdditionalKind(StandInExemptionKind):
    code = ADDITIONAL_KIND
    label = "付加保険料納付申出書"
    form_code = "21"
    model = record_model = AdditionalPremium

    def apply(self, entry, *, actor):
        return AdditionalPremium.objects.create(
            person=entry.person,
            operator=entry.maker,
            status=Status.VERIFIED,
            receipt_number=entry.receipt_number,
            applied_on=date(2024, 8, 1),
            applies_on=date(2024, 8, 1),
        )


def register_stand_in():
    register(StandInExemptionKind())
    register(StandInAdditionalKind())


def unregister_stand_in():
    _KINDS.pop(EXEMPTION_KIND, None)
    _KINDS.pop(ADDITIONAL_KIND, None)


def approved_exemption(maker, checker, kind=EXEMPTION_KIND, **person_fields):
    person = make_person(**person_fields)
    entry = services.entry_submit(
        kind=kind, person=person, payload={"applied_on": "2024-08-01"}, actor=maker
    )
    return approve(entry, checker)


def approved_additional(maker, checker, **person_fields):
    return approved_exemption(maker, checker, kind=ADDITIONAL_KIND, **person_fields)
