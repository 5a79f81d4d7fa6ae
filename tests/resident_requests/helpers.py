"""A person with every kind of record, built through the real services (synthetic data)."""

from datetime import date

from django.utils import timezone

from audit.models import Action
from audit.services import record
from exemptions.models import Income
from jps_reporting.services import batch_confirm
from kokumin_nenkin.verification import services
from qualifications.models import Memo
from resident_requests import services as rr
from resident_requests.kinds import DECISION_KIND
from resident_requests.models import Channel, IdentityCheck, Requester, RequestKind
from tests.jps_reporting.flow import APPLICATION, APPLICATION_PAYLOAD, approved_acquisition
from tests.qualifications.factories import approve

FAMILY, GIVEN = "開示", "試子"


def person_with_everything(cast, *, batch=True, **fields):
    m, k = cast["madoguchi"], cast["kakunin"]
    fields = {"family_name": FAMILY, "given_name": GIVEN, **fields}
    acquisition = approved_acquisition(m, k, **fields)
    person = acquisition.person
    exemption = services.entry_submit(
        kind=APPLICATION, person=person, payload=APPLICATION_PAYLOAD, actor=m
    )
    approve(exemption, k)
    Memo.objects.create(
        person=person, registered_on=date(2024, 4, 1), consultation="開示テストの相談", operator=m
    )
    Income.objects.create(
        person=person,
        year=2023,
        total_income=1200000,
        dependents=0,
        dependent_deduction=0,
        social_insurance_deduction=0,
    )
    if batch:
        batch_confirm(
            cutoff=timezone.localdate(),
            entry_ids=[acquisition.pk, exemption.pk],
            messages={},
            actor=cast["shintatsu"],
        )
    record(Action.VIEW, person=person, details={"画面": "person"}, actor=k)
    return person


def receive(cast, person, kind=RequestKind.DISCLOSURE, received_on=None, **extra):
    return rr.request_receive(
        person=person,
        data={
            "kind": kind,
            "channel": Channel.COUNTER,
            "requester": Requester.SELF,
            "identity_check": IdentityCheck.MY_NUMBER_CARD,
            "subject": "保有個人情報の全部",
            "received_on": received_on or timezone.localdate(),
            **extra,
        },
        actor=cast["madoguchi"],
    )


def decide(cast, request, decision="disclose", reason="", show_staff_names="0"):
    entry = services.entry_submit(
        kind=DECISION_KIND,
        person=request.person,
        payload={
            "request": str(request.pk),
            "decision": decision,
            "decision_reason": reason,
            "decided_on": timezone.localdate().isoformat(),
            "show_staff_names": show_staff_names,
        },
        actor=cast["madoguchi"],
    )
    approve(entry, cast["kakunin"])
    request.refresh_from_db()
    return request


__all__ = ["date", "decide", "person_with_everything", "receive"]
