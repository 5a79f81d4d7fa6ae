"""Two clerks record JPS's result for the same application at once: exactly one wins."""

import threading
from datetime import date

import pytest
from django.db import connections

from exemptions.models import DecisionChange, DecisionStatus, ExemptionApplication
from exemptions.periods import Period
from exemptions.services import TransitionRefused, exemption_record_decision

from .conftest import make_person


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_decisions_on_one_application_leave_exactly_one(cast):
    app = ExemptionApplication.objects.create(
        person=make_person(),
        operator=cast["madoguchi"],
        decision=DecisionStatus.AWAITING,
        period_year=2024,
        exemption_class="01",
        applied_on=date(2024, 8, 1),
        start_month=date(2024, 7, 1),
        end_month=date(2025, 6, 1),
    )
    whole = Period(date(2024, 7, 1), date(2025, 6, 1))
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def decide(result: str, actor):
        try:
            barrier.wait()
            kwargs = {"approved": whole} if result == "1" else {"rejected": whole}
            exemption_record_decision(application=app, result=result, actor=actor, **kwargs)
            outcomes.append(result)
        except TransitionRefused:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=decide, args=("1", cast["shintatsu"])),
        threading.Thread(target=decide, args=("2", cast["kakunin"])),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) in (["1", "refused"], ["2", "refused"])
    app.refresh_from_db()
    assert app.decision in (DecisionStatus.APPROVED, DecisionStatus.REJECTED)
    assert DecisionChange.objects.filter(record_id=app.pk).count() == 1
