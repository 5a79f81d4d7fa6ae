"""How the audit screens find and name the persons that audit rows point at.

audit sits beside every layer and imports none of the business apps: the app that holds the
person register registers one `SubjectLookup` from its `AppConfig.ready()`. Until one is
registered, no subject is found and rows show only the id they keep.

    register_subject_lookup(SubjectLookup(get=..., by_number=..., labels=...))
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any


@dataclass(frozen=True)
class SubjectLabel:
    """What the auditor's screens show of a person: no 個人番号, ever."""

    number: str  # 宛名番号
    name: str
    name_kana: str = ""
    birth_date: date | None = None


@dataclass(frozen=True)
class SubjectLookup:
    get: Callable[[int], Any | None]  # id -> the person (for record() and the field diffs)
    by_number: Callable[[str], Any | None]  # 宛名番号 -> the person
    labels: Callable[[list[int]], dict[int, SubjectLabel]]  # ids -> labels, in one query


_lookup: SubjectLookup | None = None


def register_subject_lookup(lookup: SubjectLookup) -> SubjectLookup:
    global _lookup
    _lookup = lookup
    return lookup


def subject(pk: int) -> Any | None:
    return _lookup.get(pk) if _lookup is not None else None


def subject_by_number(number: str) -> Any | None:
    return _lookup.by_number(number) if _lookup is not None else None


def subject_labels(ids: Iterable[int | None]) -> dict[int, SubjectLabel]:
    """Labels of the persons still on file among `ids` (a purged person has none)."""
    wanted = sorted({i for i in ids if i is not None})
    if not wanted or _lookup is None:
        return {}
    return _lookup.labels(wanted)


def label_events(events: list) -> list:
    """Set `subject` (a SubjectLabel or None), `target` (the target by name) and `detail_rows`
    (the details as the auditor reads them, a search's words in place of their digest) on each
    event of a page, in one query for the persons and two for the words."""
    from .display import details_rows, person_model_label, target_text
    from .search_words import shown_words

    person_label = person_model_label()
    targets = (
        int(e.object_id)
        for e in events
        if e.object_type == person_label and str(e.object_id).isdigit()
    )
    labels = subject_labels([*(e.person_id for e in events), *targets])
    words = shown_words(events)
    for e in events:
        e.subject = labels.get(e.person_id)
        e.target = target_text(e.object_type, str(e.object_id), labels)
        e.detail_rows = details_rows(e.details, words.get(e.pk))
    return events
