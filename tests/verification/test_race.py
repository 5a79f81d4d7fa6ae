"""Two supervisors approve the same entry at the same moment: exactly one applies
(SECURITY.md attack 8). Needs real row locks, so PostgreSQL only."""

import threading
from datetime import date

import pytest
from django.db import connections

from kokumin_nenkin.verification import services
from kokumin_nenkin.verification.models import Entry, Status
from qualifications.models import QualificationRecord
from tests.qualifications.factories import acquisition_payload, make_person

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def test_two_approvals_racing_apply_exactly_once(cast):
    person = make_person(birth_date=date(1990, 6, 15))
    entry = services.entry_submit(
        kind="qualifications.acquisition",
        person=person,
        payload=acquisition_payload("2010-06-14"),
        actor=cast["madoguchi"],
    )
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def approve_as(name):
        try:
            barrier.wait()
            services.entry_approve(
                entry_id=entry.pk,
                rekeyed={"acquired_on": date(2010, 6, 14), "cause": "01", "category": "1"},
                actor=cast[name],
            )
            outcomes.append("approved")
        except services.VerificationError as exc:
            outcomes.append(type(exc).__name__)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve_as, args=(n,)) for n in ("kakunin", "kakunin2")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["IllegalTransition", "approved"]
    assert QualificationRecord.objects.filter(person=person).count() == 1
    assert Entry.objects.get(pk=entry.pk).status == Status.APPROVED
    assert Entry.objects.get(pk=entry.pk).history.filter(to_status=Status.APPROVED).count() == 1
