"""Entries in the verification queues for the apps' demo parts."""

from kokumin_nenkin.verification.models import Entry, EntryHistory, Status
from kokumin_nenkin.verification.services import next_receipt_number


def demo_entry(kind, person, payload, maker) -> Entry:
    """An entry waiting for verification, saved as demo data: no audit event (demo data is not
    somebody's work). Every app's demo part uses this one."""
    entry = Entry.objects.create(
        receipt_number=next_receipt_number(),
        kind=kind.code,
        form_code=kind.form_code,
        person=person,
        payload=payload,
        base_version=kind.current_version(person),
        maker=maker,
        maker_office_id=maker.office_id,
    )
    EntryHistory.objects.create(entry=entry, from_status="", to_status=Status.PENDING, actor=maker)
    return entry
