"""The retention purge: delete the personal data of persons past their retention period, in one
transaction, leaving the audit log intact and verifiable (docs/retention.md).

What goes, for each person: the person row and every row that points at it, followed through
every foreign key of every installed model (found from the models, so a new record kind is
covered without a change here): history, memos, exemptions, incomes, claims, entries with their
payloads, report lines, requests and disclosure packages. A nullable reference from a row that
stays (a spouse link, an entry's 訂正元) is set to empty.

Stored outputs that name several persons (a 進達's outputs, an F5 file) go only when every
person in them goes in the same run (or already went): until then those persons are held back.

The audit log: `AuditEvent` rows stay untouched (they name the person by id only). The
django-auditlog diffs of the deleted rows hold names and addresses; each gets a tombstone
(`audit.PurgedLogEntry`: its id and the SHA-256 the chain recorded for it) and is deleted —
the only DELETE the append-only trigger lets through. `verify_audit_chain` still passes: a
missing diff is accepted when its tombstone keeps the digest bound in the chain. Then one
`purge` event per person with the counts, naming the person by id.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.apps import apps
from django.db import models, transaction
from django.utils import timezone

from audit.models import Action, AuditEvent, PurgedLogEntry
from audit.services import record

_CHUNK = 5000  # ids per IN (...) list: far below SQLite's limit on bound parameters

#: models that are never deleted by the walk (the audit log and its diffs)
_KEPT = {"audit.AuditEvent", "audit.PurgedLogEntry", "auditlog.LogEntry"}


@dataclass
class PurgePlan:
    as_of: date
    person_ids: list[int]
    held_back: dict[int, str] = field(default_factory=dict)  # person id -> why not this run
    rows: dict[str, set[int]] = field(default_factory=dict)  # model label -> pks to delete
    set_null: list[tuple[str, str, set[int]]] = field(default_factory=list)
    log_entries: list[int] = field(default_factory=list)
    per_person: dict[int, dict[str, int]] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        return {label: len(pks) for label, pks in sorted(self.rows.items()) if pks}


def _person_model():
    return AuditEvent._meta.get_field("person").related_model


def _reverse(model) -> list:
    """Every relation pointing at `model`, hidden ones (related_name "+") included."""
    return [
        f
        for f in model._meta.get_fields(include_hidden=True)
        if f.auto_created and not f.concrete and (f.one_to_many or f.one_to_one)
    ]


def _walk(model, pks: set[int], rows: dict[str, set[int]], person_of: dict) -> None:
    """Collect `pks` of `model` and everything that points at them, recursively."""
    label = model._meta.label
    new = pks - rows.setdefault(label, set())
    if not new or label in _KEPT:
        return
    rows[label] |= new
    for rel in _reverse(model):
        related = rel.related_model
        if related._meta.label in _KEPT or not rel.field.concrete:
            continue
        if rel.many_to_many:
            continue
        children: set[int] = set()
        ordered = sorted(new)
        found = (
            row
            for start in range(0, len(ordered), _CHUNK)
            for row in related._base_manager.filter(
                **{f"{rel.field.name}__in": ordered[start : start + _CHUNK]}
            ).values_list("pk", rel.field.attname)
        )
        for pk, parent in found:
            if rel.on_delete is models.SET_NULL:
                continue  # a link from a row that may stay: emptied after the walk
            children.add(pk)
            person_of.setdefault((related._meta.label, pk), person_of.get((label, parent)))
        if children:
            _walk(related, children, rows, person_of)


def collect(person_ids: list[int], person_of: dict | None = None) -> dict[str, set[int]]:
    """Every row that points at the persons, through every foreign key (label -> pks), the
    person rows included. Read only; the disclosure package reads the same."""
    Person = _person_model()
    rows: dict[str, set[int]] = {}
    if person_of is None:
        person_of = {}
    person_of.update({(Person._meta.label, pid): pid for pid in person_ids})
    _walk(Person, set(person_ids), rows, person_of)
    return {k: v for k, v in rows.items() if v}


def _shared_outputs(person_ids: set[int]) -> dict[int, str]:
    """Persons whose stored multi-person outputs name someone not going in this run."""
    held: dict[int, str] = {}
    Person = _person_model()
    BatchItem = apps.get_model("jps_reporting", "BatchItem")
    CityNotice = apps.get_model("qualifications", "CityNotice")
    items = BatchItem.objects.filter(entry__person_id__in=person_ids).values_list(
        "batch_id", flat=True
    )
    for batch_id in set(items):
        persons = set(
            BatchItem.objects.filter(batch_id=batch_id).values_list("entry__person_id", flat=True)
        )
        others = persons - person_ids - {None}
        if others and Person.objects.filter(pk__in=others).exists():
            for pid in persons & person_ids:
                held[pid] = f"進達 {batch_id} の出力にまだ保存期間内の方が含まれます"
    files = CityNotice.objects.filter(person_id__in=person_ids).values_list("file_id", flat=True)
    for file_id in set(files) - {None}:
        persons = set(
            CityNotice.objects.filter(file_id=file_id).values_list("person_id", flat=True)
        )
        if persons - person_ids:
            for pid in persons & person_ids:
                held[pid] = f"市民課への通知ファイル {file_id} にまだ保存期間内の方が含まれます"
    return held


def plan(person_ids: list[int], as_of: date) -> PurgePlan:
    """What a purge of `person_ids` would delete (reads only: the dry run)."""
    wanted = set(person_ids)
    held = _shared_outputs(wanted)
    going = sorted(wanted - set(held))
    result = PurgePlan(as_of=as_of, person_ids=going, held_back=held)
    if not going:
        return result
    Person = _person_model()
    person_of: dict = {}
    rows = collect(going, person_of)
    # the stored outputs whose every person goes now
    going_set = set(going)
    BatchItem = apps.get_model("jps_reporting", "BatchItem")
    BatchOutput = apps.get_model("jps_reporting", "BatchOutput")
    batches = set(
        BatchItem.objects.filter(pk__in=rows.get("jps_reporting.BatchItem", set())).values_list(
            "batch_id", flat=True
        )
    )
    outputs = set(BatchOutput.objects.filter(batch_id__in=batches).values_list("pk", flat=True))
    if outputs:
        rows.setdefault(BatchOutput._meta.label, set()).update(outputs)
    CityNotice = apps.get_model("qualifications", "CityNotice")
    CityNoticeFile = apps.get_model("qualifications", "CityNoticeFile")
    files = set(
        CityNotice.objects.filter(person_id__in=going_set).values_list("file_id", flat=True)
    )
    files.discard(None)
    if files:
        rows.setdefault(CityNoticeFile._meta.label, set()).update(files)
    Household = apps.get_model("qualifications", "Household")
    households = set(
        Person.objects.filter(pk__in=going_set, household__isnull=False).values_list(
            "household_id", flat=True
        )
    )
    emptied = households - set(
        Person.objects.filter(household_id__in=households)
        .exclude(pk__in=going_set)
        .values_list("household_id", flat=True)
    )
    if emptied:
        rows.setdefault(Household._meta.label, set()).update(emptied)
    result.rows = {k: v for k, v in rows.items() if v}
    # nullable references from rows that stay
    for label, pks in result.rows.items():
        model = apps.get_model(label)
        for rel in _reverse(model):
            if rel.on_delete is not models.SET_NULL or rel.many_to_many:
                continue
            related = rel.related_model
            staying = related._base_manager.filter(**{f"{rel.field.name}__in": pks}).exclude(
                pk__in=result.rows.get(related._meta.label, set())
            )
            ids = set(staying.values_list("pk", flat=True))
            if ids:
                result.set_null.append((related._meta.label, rel.field.attname, ids))
    # the diffs of every deleted row
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    log_ids: list[int] = []
    for label, pks in result.rows.items():
        ct = ContentType.objects.get_for_model(apps.get_model(label))
        for start in range(0, len(sorted(pks)), 5000):
            part = [str(p) for p in sorted(pks)[start : start + 5000]]
            log_ids += LogEntry.objects.filter(content_type=ct, object_pk__in=part).values_list(
                "pk", flat=True
            )
    result.log_entries = sorted(log_ids)
    per: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for (label, _pk), pid in person_of.items():
        if pid is not None:
            per[pid][label] += 1
    result.per_person = {pid: dict(c) for pid, c in per.items()}
    return result


def _delete_order(labels: list[str]) -> list[str]:
    """Models whose rows point at others first (non-null references decide the order)."""
    remaining = set(labels)
    ordered: list[str] = []
    while remaining:
        progress = False
        for label in sorted(remaining):
            model = apps.get_model(label)
            referenced_by_remaining = any(
                rel.related_model._meta.label in remaining
                and rel.related_model._meta.label != label
                for rel in _reverse(model)
            )
            if not referenced_by_remaining:
                ordered.append(label)
                remaining.discard(label)
                progress = True
        if not progress:  # a cycle: nullable links were emptied first, any order works now
            ordered += sorted(remaining)
            break
    return ordered


@transaction.atomic
def purge_persons(person_ids: list[int], *, as_of: date, actor) -> PurgePlan:
    """Delete the files of `person_ids` (those not held back), tombstone their diffs, and
    write one `purge` event per person with the counts. One transaction: all or nothing."""
    from auditlog.models import LogEntry

    from audit.diffs import log_entry_digest, log_entry_values

    result = plan(person_ids, as_of)
    if not result.person_ids:
        return result
    Person = _person_model()
    list(Person._base_manager.select_for_update().filter(pk__in=result.person_ids).values("pk"))
    for label, attname, ids in result.set_null:
        apps.get_model(label)._base_manager.filter(pk__in=ids).update(**{attname: None})
    # self and cross links among the rows that go: emptied first, so no order is needed
    for label, pks in result.rows.items():
        model = apps.get_model(label)
        nullable = [
            f.attname
            for f in model._meta.concrete_fields
            if f.is_relation and f.null and f.related_model._meta.label in result.rows
        ]
        if nullable:
            model._base_manager.filter(pk__in=pks).update(**{a: None for a in nullable})
    now = timezone.now()
    values = log_entry_values(result.log_entries)
    PurgedLogEntry.objects.bulk_create(
        [
            PurgedLogEntry(
                log_entry_id=i, digest=log_entry_digest(values[i]), person_id=None, purged_at=now
            )
            for i in result.log_entries
            if i in values
        ],
        batch_size=2000,
    )
    LogEntry.objects.filter(pk__in=result.log_entries)._raw_delete(LogEntry.objects.db)
    for label in _delete_order(list(result.rows)):
        model = apps.get_model(label)
        model._base_manager.filter(pk__in=result.rows[label])._raw_delete(model.objects.db)
    for pid in result.person_ids:
        counts = result.per_person.get(pid, {})
        record(  # names the person by id only (the person column has no constraint)
            Action.PURGE,
            person=Person(pk=pid),
            details={"件数": sum(counts.values()), "件数別": dict(sorted(counts.items()))},
            actor=actor,
        )
    return result
