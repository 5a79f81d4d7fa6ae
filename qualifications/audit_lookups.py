"""What this app registers with audit (from `QualificationsConfig.ready()`): how the auditor's
screens find and name a person, and the person fields whose changes are kept as diffs."""

from audit import diffs
from audit.display import register_value_labels
from audit.lookups import SubjectLabel, SubjectLookup, register_subject_lookup

from .codes import Event
from .models import Person, QualificationRecord


def _get(pk: int) -> Person | None:
    return Person.objects.filter(pk=pk).first()


def _by_number(number: str) -> Person | None:
    return Person.objects.filter(addressee_number=number).first()


def _labels(ids: list[int]) -> dict[int, SubjectLabel]:
    rows = Person.objects.filter(pk__in=ids).only(
        "id",
        "addressee_number",
        "family_name",
        "given_name",
        "family_name_kana",
        "given_name_kana",
        "birth_date",
    )
    return {
        p.pk: SubjectLabel(p.addressee_number, p.full_name, p.full_name_kana, p.birth_date)
        for p in rows
    }


def register() -> None:
    register_subject_lookup(SubjectLookup(get=_get, by_number=_by_number, labels=_labels))
    register_value_labels("異動", dict(Event.choices))
    diffs.register(Person, exclude_fields=["created_at", "updated_at"])
    # The qualification history: every change to a record leaves a field diff too.
    diffs.register(QualificationRecord, exclude_fields=["created_at"])
