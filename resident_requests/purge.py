"""The retention purge: delete the personal data of persons past their retention period, in one
transaction, leaving the audit log intact and verifiable (docs/retention.md).

What goes, for each person: the person row and every row that points at it, followed through
every foreign key of every installed model (found from the models, so a new record kind is
covered without a change here): history, memos, exemptions, incomes, claims, entries with their
payloads, report lines, requests and disclosure packages. A nullable reference from a row that
stays (a spouse link, an entry's 訂正元) is set to empty.

Stored outputs that name several persons (a 進達's outputs, an F5 file) go only when every
person in them goes in the same run (or already went): until then those persons are held back.

The audit log: `AuditEvent` rows stay untouched (they name the person by id only). Two kinds of
rows kept beside the chain hold the person's data: the django-auditlog diffs of the deleted rows
(names, addresses) and the words typed into searches that find the person (a name, a kana, a
宛名番号, a birth date — matched the way the search box reads them, `selectors.understand`; a
name is matched as the person's current name and as every earlier one the system holds: the
diffs of the person row and the names of their 氏名変更届 and other entries). Each
gets a tombstone (`audit.Tombstone`: its id and the SHA-256 the chain recorded for it) and is
deleted (`audit.bound.purge`) — the only DELETE the append-only triggers let through.
`verify_audit_chain` still passes: a missing row is accepted when its tombstone keeps the digest
bound in the chain. Then one `purge` event per person with the counts (the search words that find
them under `検索語件数`), naming the person by id.

The search words also have their own retention (`retention.SEARCH_WORDS_YEARS`, counted from the
search): `expire_search_words` deletes the older ones the same way.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.apps import apps
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from audit import bound, search_words
from audit.models import Action, AuditEvent, TombstoneCause
from audit.services import record
from kokumin_nenkin.bulk import id_list

_CHUNK = 5000  # persons per search-words count (the walk passes its ids as one parameter)

#: models that are never deleted by the walk (the audit log and its diffs)
_KEPT = {"audit.AuditEvent", "audit.Tombstone", "audit.SearchWords", "auditlog.LogEntry"}
_WORDS_PER_QUERY = 50  # search words tested in one query (one conditional column each)
SEARCH_WORDS_KEY = "検索語件数"  # the purge event's count of the search words that found them
_NAME_FIELDS = ("family_name", "given_name", "family_name_kana", "given_name_kana")


@dataclass
class PurgePlan:
    as_of: date
    person_ids: list[int]
    held_back: dict[int, str] = field(default_factory=dict)  # person id -> why not this run
    rows: dict[str, set[int]] = field(default_factory=dict)  # model label -> pks to delete
    set_null: list[tuple[str, str, set[int]]] = field(default_factory=list)
    log_entries: list[int] = field(default_factory=list)
    search_words: list[int] = field(default_factory=list)  # audit.SearchWords that find them
    # person id -> the audit.SearchWords that find them (a word finding two counts for both)
    search_words_of: dict[int, list[int]] = field(default_factory=dict)
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
        # one query per relation, the ids as one parameter (kokumin_nenkin.bulk.id_list)
        found = related._base_manager.filter(
            **{f"{rel.field.attname}__in": id_list(sorted(new))}
        ).values_list("pk", rel.field.attname)
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
            staying = related._base_manager.filter(
                **{f"{rel.field.attname}__in": id_list(pks)}
            ).exclude(pk__in=id_list(result.rows.get(related._meta.label, set())))
            ids = set(staying.values_list("pk", flat=True))
            if ids:
                result.set_null.append((related._meta.label, rel.field.attname, ids))
    # the diffs of every deleted row
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    log_ids: list[int] = []
    for label, pks in result.rows.items():
        ct = ContentType.objects.get_for_model(apps.get_model(label))
        log_ids += LogEntry.objects.filter(
            content_type=ct, object_pk__in=id_list(sorted(pks), text=True)
        ).values_list("pk", flat=True)
    result.log_entries = sorted(log_ids)
    finding = search_words_finding(going)
    result.search_words = sorted(finding)
    words_of: dict[int, list[int]] = defaultdict(list)
    for word_pk in result.search_words:
        for pid in sorted(finding[word_pk]):
            words_of[pid].append(word_pk)
    result.search_words_of = dict(words_of)
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
    bound.purge(bound.LOG_ENTRY.label, result.log_entries, cause=TombstoneCause.PURGE)
    # a tombstone names the person when its words find only one of those going
    finds: dict[int, set[int]] = defaultdict(set)
    for pid, word_pks in result.search_words_of.items():
        for word_pk in word_pks:
            finds[word_pk].add(pid)
    bound.purge(
        bound.SEARCH_WORDS.label,
        result.search_words,
        cause=TombstoneCause.PURGE,
        person_of={w: next(iter(p)) for w, p in finds.items() if len(p) == 1},
    )
    for label in _delete_order(list(result.rows)):
        model = apps.get_model(label)
        model._base_manager.filter(pk__in=result.rows[label])._raw_delete(model.objects.db)
    for pid in result.person_ids:
        counts = result.per_person.get(pid, {})
        record(  # names the person by id only (the person column has no constraint)
            Action.PURGE,
            person=Person(pk=pid),
            details={
                "件数": sum(counts.values()),
                "件数別": dict(sorted(counts.items())),
                SEARCH_WORDS_KEY: len(result.search_words_of.get(pid, [])),
            },
            actor=actor,
        )
    return result


def _finds(query) -> Q:
    """The persons a search finds: its condition, and its fallback (a town name) as well."""
    return query.condition | query.fallback if query.fallback is not None else query.condition


def search_words_finding(person_ids: list[int]) -> dict[int, set[int]]:
    """The search words (`audit.SearchWords`) that find any of the persons as the search box
    reads them (`selectors.understand`: any width, spacing, 和暦 or 西暦, zero-padded numbers),
    each with the persons it finds (words id -> person ids): their name or part of it, their
    kana, 宛名番号, 基礎年金番号, birth date or address — and every earlier name the system holds
    for them (`earlier_names`), matched the same way. Words that find others too (a common
    family name, a birth date) go as well: they name this person. One query per 50 distinct
    words and 2,000 persons (a conditional column per word, only the persons found returned)."""
    from django.db.models import Case, Value, When

    from qualifications.selectors import understand

    if not person_ids:
        return {}
    by_words: dict[str, list[int]] = defaultdict(list)
    for pk, words in search_words.rows():
        by_words[words].append(pk)
    queries = [(w, q) for w in by_words if (q := understand(w)) is not None]
    if not queries:
        return {}
    Person = _person_model()
    found: dict[str, set[int]] = defaultdict(set)
    for start in range(0, len(person_ids), _CHUNK // 2):
        chunk = person_ids[start : start + _CHUNK // 2]
        persons = Person._base_manager.filter(pk__in=chunk)
        for at in range(0, len(queries), _WORDS_PER_QUERY):
            part = queries[at : at + _WORDS_PER_QUERY]
            either = Q()
            for _w, q in part:
                either |= _finds(q)
            flags = {
                f"w{i}": Case(When(_finds(q), then=Value(True)), default=Value(False))
                for i, (_w, q) in enumerate(part)
            }
            rows = persons.filter(either).annotate(**flags).values("pk", *flags)
            for row in rows:
                for i, (w, _q) in enumerate(part):
                    if row[f"w{i}"]:
                        found[w].add(row["pk"])
        for pid, names in earlier_names(chunk).items():
            for w, q in queries:
                if any(_matches(_finds(q), name) is True for name in names):
                    found[w].add(pid)
    return {pk: persons for w, persons in found.items() for pk in by_words[w]}


def _name_values(name: dict[str, str]) -> dict[str, str]:
    """A name as the person row holds it for the search (`Person.normalise`)."""
    from qualifications.normalise import kana_key, name_key, to_katakana

    values = {f: str(name.get(f) or "") for f in _NAME_FIELDS}
    values["family_name_kana"] = to_katakana(values["family_name_kana"])
    values["given_name_kana"] = to_katakana(values["given_name_kana"])
    values["name_key"] = name_key(values["family_name"] + values["given_name"])
    values["kana_key"] = kana_key(values["family_name_kana"] + values["given_name_kana"])
    return values


def earlier_names(person_ids: list[int]) -> dict[int, list[dict[str, str]]]:
    """Every name the system holds for the persons other than their current one (kanji and
    kana, as the search reads them): the person rows' field diffs (django-auditlog: each diff's
    old values give the name before it) and the names in their entries' payloads (a 氏名変更届,
    a 訂正, a 資格取得届 of a new person). The register keeps no other name history."""
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    Person = _person_model()
    Entry = apps.get_model("verification", "Entry")
    current = {
        row["pk"]: {f: row[f] for f in _NAME_FIELDS}
        for row in Person._base_manager.filter(pk__in=person_ids).values("pk", *_NAME_FIELDS)
    }
    names: dict[int, list[dict[str, str]]] = defaultdict(list)
    ct = ContentType.objects.get_for_model(Person)
    state = {pid: dict(name) for pid, name in current.items()}
    diffs = LogEntry.objects.filter(
        content_type=ct, object_pk__in=[str(p) for p in person_ids]
    ).order_by("-pk")  # newest first: undo each to reach the name before it
    for object_pk, changes in diffs.values_list("object_pk", "changes").iterator(2000):
        pid = int(object_pk)
        if pid not in state or not isinstance(changes, dict):
            continue
        olds = {
            f: v[0]
            for f, v in changes.items()
            if f in _NAME_FIELDS
            and isinstance(v, list | tuple)
            and v
            and v[0] not in (None, "None")
        }
        if olds:
            state[pid] = {**state[pid], **olds}
            names[pid].append(dict(state[pid]))
    payloads = Entry._base_manager.filter(person_id__in=person_ids).values_list(
        "person_id", "payload"
    )
    for pid, payload in payloads.iterator(2000):
        if isinstance(payload, dict) and any(payload.get(f) for f in _NAME_FIELDS):
            names[pid].append(
                {**current[pid], **{f: payload[f] for f in _NAME_FIELDS if payload.get(f)}}
            )
    result: dict[int, list[dict[str, str]]] = {}
    for pid, held in names.items():
        now = _name_values(current[pid])
        distinct = {tuple(sorted(v.items())): v for v in map(_name_values, held) if v != now}
        if distinct:
            result[pid] = list(distinct.values())
    return result


def _matches(q: Q, values: dict[str, str]) -> bool | None:
    """A search condition tested against a name held outside the person row: True, False, or
    None when it asks about a column the name does not hold (a number, a date, the address:
    those are tested against the person row by the database)."""
    results: list[bool | None] = []
    for child in q.children:
        if isinstance(child, Q):
            results.append(_matches(child, values))
            continue
        if not isinstance(child, tuple):  # an expression: asked of the person row only
            results.append(None)
            continue
        lookup, wanted = child
        column, _, op = lookup.partition("__")
        value = values.get(column)
        if value is None:
            results.append(None)
        elif op in ("", "exact"):
            results.append(value == wanted)
        elif op == "contains":
            results.append(str(wanted) in value)
        elif op == "startswith":
            results.append(value.startswith(str(wanted)))
        else:
            results.append(None)
    if q.connector == Q.OR:
        result = True if True in results else (None if None in results else False)
    else:
        result = False if False in results else (None if None in results else True)
    if result is None or not q.negated:
        return result
    return not result


def expired_search_words(as_of: date) -> list[int]:
    """The search words past their own retention on `as_of` (counted from the search)."""
    from .retention import SEARCH_WORDS_YEARS, years_before

    cutoff = timezone.make_aware(datetime.combine(years_before(as_of, SEARCH_WORDS_YEARS), time()))
    return [pk for pk, _words in search_words.rows(before=cutoff)]


@transaction.atomic
def expire_search_words(as_of: date) -> int:
    """Delete the search words past their retention, each leaving its tombstone."""
    return bound.purge(
        bound.SEARCH_WORDS.label, expired_search_words(as_of), cause=TombstoneCause.EXPIRY
    )
