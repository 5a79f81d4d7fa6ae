"""Requests as records: the law's deadlines, extension with a reason, the open list overdue
first, and the decision through two-person verification."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kokumin_nenkin.verification import services
from kokumin_nenkin.verification.services import SelfApprovalRefused, StaleEntry
from resident_requests import services as rr
from resident_requests.deadlines import decision_deadline
from resident_requests.kinds import DECISION_KIND
from resident_requests.selectors import open_requests
from tests.factories import make_person
from tests.qualifications.factories import approve

from .helpers import decide, receive

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("received", "deadline"),
    [
        (date(2026, 4, 1), date(2026, 5, 1)),  # 30 days, the day of receipt not counted
        (date(2026, 1, 31), date(2026, 3, 2)),
        (date(2024, 2, 1), date(2024, 3, 2)),  # a leap year
    ],
)
def test_the_decision_deadline_is_thirty_days_after_receipt(cast, received, deadline):
    assert decision_deadline(received) == deadline
    request = receive(cast, make_person(), received_on=received)
    assert request.deadline == deadline
    assert request.effective_deadline == deadline


def test_an_extension_needs_a_reason_and_at_most_thirty_more_days(cast):
    received = timezone.localdate() - timedelta(days=5)
    request = receive(cast, make_person(), received_on=received)
    base = request.deadline
    with pytest.raises(ValidationError, match="理由"):
        rr.request_extend(
            request_id=request.pk,
            new_deadline=base + timedelta(days=10),
            reason=" ",
            actor=cast["kakunin"],
        )
    with pytest.raises(ValidationError, match="30日以内"):
        rr.request_extend(
            request_id=request.pk,
            new_deadline=base + timedelta(days=31),
            reason="記録が大量のため",
            actor=cast["kakunin"],
        )
    rr.request_extend(
        request_id=request.pk,
        new_deadline=base + timedelta(days=30),
        reason="記録が大量のため",
        actor=cast["kakunin"],
    )
    request.refresh_from_db()
    assert request.effective_deadline == base + timedelta(days=30)
    assert request.extension_reason == "記録が大量のため"


def test_the_open_list_puts_overdue_requests_first_then_the_nearest_deadline(cast):
    today = timezone.localdate()
    soon = receive(cast, make_person(), received_on=today - timedelta(days=25))
    later = receive(cast, make_person(), received_on=today - timedelta(days=2))
    overdue = receive(cast, make_person(), received_on=today - timedelta(days=40))
    very_overdue = receive(cast, make_person(), received_on=today - timedelta(days=50))
    decided = decide(cast, receive(cast, make_person(), received_on=today - timedelta(days=60)))
    listed = list(open_requests(today))
    assert [r.pk for r in listed] == [very_overdue.pk, overdue.pk, soon.pk, later.pk]
    assert [r.overdue(today) for r in listed] == [True, True, False, False]
    assert decided.pk not in [r.pk for r in listed]


def test_a_decision_is_an_entry_approved_by_a_second_person_and_written_on_the_request(cast):
    request = receive(cast, make_person())
    entry = services.entry_submit(
        kind=DECISION_KIND,
        person=request.person,
        payload={
            "request": str(request.pk),
            "decision": "partial",
            "decision_reason": "第三者の情報を含むため一部",
            "decided_on": timezone.localdate().isoformat(),
            "show_staff_names": "0",
        },
        actor=cast["kakunin"],
    )
    request.refresh_from_db()
    assert request.decision == ""  # nothing until a second person approves
    with pytest.raises(SelfApprovalRefused):
        approve(entry, cast["kakunin"])
    approve(entry, cast["kakunin2"])
    request.refresh_from_db()
    assert request.get_decision_display() == "一部開示"
    assert request.decided_on == timezone.localdate()
    assert request.decision_entry_id == entry.pk
    assert not request.is_open


@pytest.mark.parametrize(
    ("kind", "decision", "reason", "error"),
    [
        ("disclosure", "correct", "", "開示請求への決定は"),
        ("disclosure", "refuse", "", "理由が必要"),
        ("correction", "not_correct", "", "理由が必要"),
        ("suspension", "disclose", "", "利用停止請求への決定は"),
    ],
)
def test_a_decision_that_does_not_fit_the_request_is_refused_next_to_its_field(
    cast, kind, decision, reason, error
):
    request = receive(cast, make_person(), kind=kind)
    with pytest.raises(ValidationError) as caught:
        services.entry_submit(
            kind=DECISION_KIND,
            person=request.person,
            payload={
                "request": str(request.pk),
                "decision": decision,
                "decision_reason": reason,
                "decided_on": timezone.localdate().isoformat(),
                "show_staff_names": "0",
            },
            actor=cast["madoguchi"],
        )
    assert error in " ".join(m for ms in caught.value.message_dict.values() for m in ms)


def test_a_request_decided_meanwhile_makes_a_second_decision_stale(cast):
    request = receive(cast, make_person())
    payload = {
        "request": str(request.pk),
        "decision": "disclose",
        "decision_reason": "",
        "decided_on": timezone.localdate().isoformat(),
        "show_staff_names": "0",
    }
    first = services.entry_submit(
        kind=DECISION_KIND, person=request.person, payload=payload, actor=cast["madoguchi"]
    )
    approve(first, cast["kakunin"])
    with pytest.raises(ValidationError):
        services.entry_submit(
            kind=DECISION_KIND, person=request.person, payload=payload, actor=cast["madoguchi"]
        )
    assert StaleEntry  # the approval path re-checks the same rule
