"""Racing approvals of exemption entries (SECURITY.md attack 8): exactly one applies. Needs
real row locks, so PostgreSQL only."""

import threading
from datetime import date

import pytest
from django.db import connections

from exemptions.models import AdditionalPremium, ExemptionApplication
from kokumin_nenkin.verification import services

from .conftest import give_income, make_person
from .test_intake import qualify

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


APPLICATION = {
    "applied_on": "2025-08-01",
    "exemption_class": "01",
    "accept_lower_class": "1",
    "start": "2025-07-01",
    "end": "2026-06-01",
    "continuing": "0",
    "special_reason": "",
}
ADDITIONAL = {"applied_on": "2025-08-05", "join_reason": "", "national_pension_fund": "0"}


def _race(calls):
    barrier = threading.Barrier(len(calls))
    outcomes: list[str] = []

    def run(call):
        try:
            barrier.wait()
            call()
            outcomes.append("approved")
        except services.VerificationError as exc:
            outcomes.append(type(exc).__name__)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sorted(outcomes)


def _person(cast):
    person = make_person(given="競合", birth=date(1991, 2, 3))
    give_income(person, 2024, 100_000)
    qualify(person, cast["madoguchi"])
    return person


def test_two_checkers_approving_one_application_write_one_record(cast):
    person = _person(cast)
    entry = services.entry_submit(
        kind="exemptions.application", person=person, payload=APPLICATION, actor=cast["madoguchi"]
    )
    rekey = {"exemption_class": "01", "start": date(2025, 7, 1)}
    outcomes = _race(
        [
            lambda name=name: services.entry_approve(
                entry_id=entry.pk, rekeyed=rekey, actor=cast[name]
            )
            for name in ("kakunin", "kakunin2")
        ]
    )
    assert outcomes == ["IllegalTransition", "approved"]
    assert ExemptionApplication.objects.filter(person=person).count() == 1


def test_an_exemption_and_a_conflicting_additional_premium_approved_at_once(cast):
    """The person row is locked during approval, so the two are judged one after the other:
    a 付加 is never written over an exemption approved before it. (The other order is allowed:
    an exemption may be applied for while paying 付加.)"""
    person = _person(cast)
    application = services.entry_submit(
        kind="exemptions.application", person=person, payload=APPLICATION, actor=cast["madoguchi"]
    )
    additional = services.entry_submit(
        kind="exemptions.additional", person=person, payload=ADDITIONAL, actor=cast["madoguchi"]
    )
    outcomes = _race(
        [
            lambda: services.entry_approve(
                entry_id=application.pk,
                rekeyed={"exemption_class": "01", "start": date(2025, 7, 1)},
                actor=cast["kakunin"],
            ),
            lambda: services.entry_approve(
                entry_id=additional.pk,
                rekeyed={"applied_on": date(2025, 8, 5)},
                actor=cast["kakunin2"],
            ),
        ]
    )
    exemption = ExemptionApplication.objects.get(person=person)
    premium = AdditionalPremium.objects.filter(person=person).first()
    if outcomes == ["StaleEntry", "approved"]:
        assert premium is None
    else:
        assert outcomes == ["approved", "approved"]
        assert premium is not None and premium.created_at < exemption.created_at
