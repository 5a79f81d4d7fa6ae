"""Approved qualification histories for tests (synthetic data); persons from tests.factories."""

from tests.factories import make_person

__all__ = ["acquisition_payload", "approve", "make_person"]


def approve(entry, checker, **rekey):
    """Approve an entry as `checker`, re-keying its key fields from the payload unless given."""
    from kokumin_nenkin.verification.registry import get_kind
    from kokumin_nenkin.verification.services import entry_approve

    kind = get_kind(entry.kind)
    values = kind.decode(entry.payload)
    typed = {name: rekey.get(name, values[name]) for name in kind.key_fields}
    return entry_approve(entry_id=entry.pk, rekeyed=typed, actor=checker)


def acquisition_payload(acquired_on="2015-06-14", **over) -> dict:
    payload = {
        "notified_on": acquired_on,
        "category": "1",
        "cause": "01",
        "event_on": "",
        "acquired_on": acquired_on,
        "reason": "",
    }
    payload.update(over)
    return payload
