"""Approved entries to report, built through the real verification services and the real entry
kinds of the register and the exemptions app (synthetic data)."""

from datetime import date

from kokumin_nenkin.verification import services
from kokumin_nenkin.verification.models import Entry
from qualifications.codes import Event, Held
from qualifications.models import QualificationRecord
from tests.conftest import shown_version
from tests.qualifications.factories import acquisition_payload, approve, make_person

ACQ = "qualifications.acquisition"
APPLICATION = "exemptions.application"
ADDITIONAL = "exemptions.additional"

# A 全額免除 for the 免除年度 from 令和6年7月, applied for on 令和6年8月1日.
APPLICATION_PAYLOAD = {
    "applied_on": "2024-08-01",
    "exemption_class": "01",
    "accept_lower_class": "1",
    "start": "2024-07-01",
    "end": "2025-06-01",
    "continuing": "0",
    "special_reason": "",
}
# A 付加保険料納付申出 of 令和6年8月1日.
ADDITIONAL_PAYLOAD = {"applied_on": "2024-08-01", "join_reason": "", "national_pension_fund": "0"}


def approved_acquisition(maker, checker, **person_fields):
    """A person insured 第1号 since 平成22年6月14日 through an approved 資格取得届."""
    person = make_person(**person_fields)
    entry = services.entry_submit(
        kind=ACQ, person=person, payload=acquisition_payload("2010-06-14"), actor=maker
    )
    return approve(entry, checker)


def insured(operator, **person_fields):
    """A person whose qualification history holds 第1号 since 平成22年6月14日 (a history row
    only: no entry waits to be reported for it)."""
    person = make_person(**person_fields)
    QualificationRecord.objects.create(
        person=person,
        event=Event.ACQUISITION,
        held=Held.HELD,
        category="1",
        acquired_on=date(2010, 6, 14),
        acquisition_notified_on=date(2010, 6, 14),
        acquisition_cause="01",
        operator=operator,
    )
    return person


def _approved(kind: str, payload: dict, maker, checker, person_fields):
    person = insured(maker, **person_fields)
    entry = services.entry_submit(kind=kind, person=person, payload=payload, actor=maker)
    return approve(entry, checker)


def approved_exemption(maker, checker, **person_fields):
    """An approved 保険料免除申請書 (11) of a person insured 第1号; its record waits 審査中."""
    return _approved(APPLICATION, APPLICATION_PAYLOAD, maker, checker, person_fields)


def approved_additional(maker, checker, **person_fields):
    """An approved 付加保険料納付申出書 (21) of a person insured 第1号."""
    return _approved(ADDITIONAL, ADDITIONAL_PAYLOAD, maker, checker, person_fields)


def results_rekey(entry_id: int, **wrong) -> dict:
    """What the 確認担当 types from the printed reconciliation to approve a results apply, with
    the version of the entry the approval screen showed."""
    entry = Entry.objects.get(pk=entry_id)
    typed = {
        "line_count": entry.payload["line_count"],
        "first_receipt_number": entry.payload["first_receipt_number"],
        **wrong,
    }
    return {
        **{f"rekey-{name}": value for name, value in typed.items()},
        "version": shown_version(entry),
    }
