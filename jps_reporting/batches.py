"""From verified entries to report lines: the pure parts of a 進達 batch.

An entry's report line (`ReportItem`) is the person's data plus what the entry's kind gives
through its `report_fields(entry)` hook (verification registry), so every registered kind —
qualifications, exemptions, 付加, later benefits — joins a batch without code here.
"""

import dataclasses
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from kokumin_nenkin.verification.models import Entry
from kokumin_nenkin.verification.registry import get_kind

from .codes import FORM_KINDS
from .formats.f1 import write_f1
from .items import ReportItem

MESSAGE_MAX = 30


def entry_report_item(entry: Entry, *, message: str = "") -> ReportItem:
    """The report line of one approved entry, as the record stands now."""
    person = entry.person
    fields = get_kind(entry.kind).report_fields(entry)
    return ReportItem(
        receipt_number=entry.receipt_number,
        form_code=entry.form_code,
        family_name=person.family_name,
        given_name=person.given_name,
        family_name_kana=person.family_name_kana,
        given_name_kana=person.given_name_kana,
        birth_date=person.birth_date,
        sex=person.sex,
        address=person.address,
        postal_code=person.postal_code,
        basic_pension_number=person.basic_pension_number,
        message=message,
        **fields,
    )


def _jsonable(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    return value


# Snapshots and fingerprints stored before 受付番号 had one name everywhere hold it under the
# old key. They are read as they are (BatchItem rows are never rewritten); new ones use the new.
_FORMER_KEYS = {"receipt_number": "reception_number"}


def item_snapshot(item: ReportItem) -> dict[str, Any]:
    data = {f.name: _jsonable(getattr(item, f.name)) for f in dataclasses.fields(item)}
    if not item.paper_fields:
        # Items without paper-only fields keep the snapshot (and fingerprint) they had before
        # the field existed, so batches confirmed then still match.
        data.pop("paper_fields")
    else:
        data["paper_fields"] = [list(pair) for pair in item.paper_fields]
    return data


def item_from_snapshot(data: Mapping[str, Any]) -> ReportItem:
    current = {former: name for name, former in _FORMER_KEYS.items()}
    values = {current.get(key, key): value for key, value in data.items()}
    for name in ("birth_date", "effective_date"):
        values[name] = date.fromisoformat(values[name])
    for name in ("period_start", "period_end"):
        if values.get(name) is not None:
            values[name] = tuple(values[name])
    if "paper_fields" in values:
        values["paper_fields"] = tuple(tuple(pair) for pair in values["paper_fields"])
    return ReportItem(**values)


def _digest(data: dict[str, Any]) -> str:
    data = dict(data)
    data.pop("message", None)
    return hashlib.sha256(
        json.dumps(data, sort_keys=True, ensure_ascii=False).encode("utf-8")
    ).hexdigest()


def fingerprint(item: ReportItem) -> str:
    """What identifies the reported data (not the 連絡欄): a change of the person or the entry
    after confirmation changes it."""
    return _digest(item_snapshot(item))


def fingerprint_matches(item: ReportItem, stored: str) -> bool:
    """Whether `item` still gives the data fingerprinted at confirmation (`stored`), whichever
    key names the snapshot had then."""
    data = item_snapshot(item)
    former = {_FORMER_KEYS.get(key, key): value for key, value in data.items()}
    return stored in (_digest(data), _digest(former))


@dataclass(frozen=True)
class PreviewRow:
    entry: Entry
    item: ReportItem
    paper_reasons: tuple[str, ...]
    my_number_like: tuple[str, ...]  # fields holding a 12-digit run: confirmation is refused

    @property
    def recorded(self) -> bool:
        return not self.paper_reasons


@dataclass(frozen=True)
class FormCount:
    form_code: str
    form_name: str
    total: int
    paper_only: int


@dataclass(frozen=True)
class Preview:
    rows: list[PreviewRow]
    counts: list[FormCount]

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def paper_only(self) -> int:
        return sum(not r.recorded for r in self.rows)

    @property
    def blocked(self) -> list[PreviewRow]:
        return [r for r in self.rows if r.my_number_like]


def preview(
    entries: Iterable[Entry], *, messages: Mapping[int, str], municipality_code: str
) -> Preview:
    """The report lines of the entries, which of them the F1 file cannot hold and why (the
    writer's own paper-only result), and the counts per 届書種類."""
    pairs = [(e, entry_report_item(e, message=messages.get(e.pk, ""))) for e in entries]
    blocked = {i.receipt_number: tuple(i.my_number_like_fields()) for _, i in pairs}
    writable = [i for _, i in pairs if not blocked[i.receipt_number]]
    f1 = write_f1(
        writable, municipality_code=municipality_code, batch_number=0, created_on=date.today()
    )
    paper = {p.item.receipt_number: p.reasons for p in f1.paper_only}
    rows = [
        PreviewRow(e, i, paper.get(i.receipt_number, ()), blocked[i.receipt_number])
        for e, i in pairs
    ]
    totals: dict[str, list[int]] = {}
    for r in rows:
        t = totals.setdefault(r.item.form_code, [0, 0])
        t[0] += 1
        t[1] += not r.recorded
    counts = [
        FormCount(code, FORM_KINDS[code], total, paper_only)
        for code, (total, paper_only) in sorted(totals.items())
    ]
    return Preview(rows=rows, counts=counts)
