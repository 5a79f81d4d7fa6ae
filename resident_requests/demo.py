"""Demo part: a few synthetic resident requests (seed_demo)."""

from __future__ import annotations

from datetime import timedelta

from kokumin_nenkin.demo.parts import DemoPart, DemoRun, register_demo_part


def seed_requests(run: DemoRun) -> None:
    from qualifications.models import Person

    from .models import Channel, IdentityCheck, Requester, RequestKind, ResidentRequest

    staff = run.staff.get("madoguchi") or next(iter(run.staff.values()), None)
    if staff is None:
        return
    persons = list(Person.objects.order_by("pk")[:3])
    plans = [
        (RequestKind.DISCLOSURE, 35, "保有個人情報の全部（アクセス履歴を含む）"),
        (RequestKind.CORRECTION, 10, "住所の表記の訂正"),
        (RequestKind.SUSPENSION, 3, "目的外利用を理由とする利用停止"),
    ]
    for person, (kind, days_ago, subject) in zip(persons, plans, strict=False):
        ResidentRequest.objects.create(
            kind=kind,
            person=person,
            channel=Channel.COUNTER,
            requester=Requester.SELF,
            identity_check=IdentityCheck.MY_NUMBER_CARD,
            subject=subject,
            received_on=run.today - timedelta(days=days_ago),
            taken_by=staff,
            office_id=staff.office_id,
        )
    ResidentRequest.objects.create(
        kind=RequestKind.INQUIRY,
        channel=Channel.TELEPHONE,
        requester=Requester.SELF,
        identity_check=IdentityCheck.NONE,
        subject="開示請求の手続と必要な書類",
        answer="本人確認書類を持参のうえ窓口で請求できる旨を案内",
        received_on=run.today,
        follow_up_on=run.today + timedelta(days=7),
        taken_by=staff,
        office_id=staff.office_id,
    )


def has_data() -> bool:
    from .models import ResidentRequest

    return ResidentRequest.objects.exists()


def register_demo_parts() -> None:
    register_demo_part(DemoPart("resident_requests.requests", 400, seed_requests, has_data))
