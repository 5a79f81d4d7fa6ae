"""Synthetic persons and approved qualification histories for tests (no real person's data)."""

import itertools
from datetime import date

from qualifications.models import Household, Person
from qualifications.services import person_create

_numbers = itertools.count(1)


def make_person(**overrides) -> Person:
    n = next(_numbers)
    fields = {
        "addressee_number": f"9{n:09d}",
        "family_name": "試験",
        "given_name": f"太郎{n}",
        "family_name_kana": "シケン",
        "given_name_kana": "タロウ",
        "sex": "1",
        "birth_date": date(1990, 6, 15),
        "postal_code": "3600000",
        "address": "熊谷市試験町一丁目1番1号",
    }
    fields.update(overrides)
    if "household" not in fields:
        fields["household"] = Household.objects.create(number=f"T{n:07d}")
    return person_create(**fields)


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
