"""The words typed into a search, kept beside the chain (docs/audit.md, "Search words").

What staff type into the search box is often a name. A chained event's details can never be
changed, so the words are not put in them: `record_search` writes the words in their own row
(`SearchWords`, with a random salt) and the `search` event names that row as its target and keeps
its SHA-256 under `検索語SHA-256` (`audit/bound.py`, the mechanism of the diffs). A retention purge
can then delete the words of a purged person, leaving a tombstone, and the chain still verifies.
The auditor's screens and the CSV export show the words in place of the digest, or
「（消去済み）」 with the date and cause once they are gone (`shown_words`).

The salt is hashed with the words: the digest left in the chain after a purge cannot be matched
against a guessed name.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from kokumin_nenkin.identifiers import contains_my_number_like
from kokumin_nenkin.wareki import format_date

from .bound import SEARCH_WORDS, canonical_digest, tombstones
from .models import Action, AuditEvent, SearchWords
from .services import AuditWriteRefused, record

DIGEST_KEY = "検索語SHA-256"
WORDS_KEY = "検索語"  # the label the screens show the words under
HASHED_FIELDS = ("id", "words", "salt", "created_at")


def words_values(ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """The hashed columns of the given rows, as stored (read back from the database)."""
    rows = SearchWords.objects.filter(pk__in=list(ids)).values(*HASHED_FIELDS)
    return {row["id"]: row for row in rows}


def record_search(
    words: str | None = None, *, words_id: int | None = None, details: dict[str, Any]
) -> AuditEvent:
    """The audit event of a search: the typed `words` in their own row, the event (chained)
    naming the row and keeping its digest. One transaction: both or neither.

    `words_id`: the row of the same search's first event (its next pages), named again with its
    digest, so the caller need not keep the words themselves (the session keeps the id)."""
    with transaction.atomic():
        if words_id is None:
            if contains_my_number_like(words or ""):
                raise AuditWriteRefused("検索語に個人番号らしき数字列は記録できません。")
            words_id = SearchWords.objects.create(
                words=words or "", salt=secrets.token_hex(16), created_at=timezone.now()
            ).pk
        values = words_values([words_id]).get(words_id)
        if values is None:  # purged since the first page: its tombstone keeps the digest
            stone = tombstones(SEARCH_WORDS.label, [words_id]).get(words_id)
            if stone is None:
                raise AuditWriteRefused("検索語の記録が見つかりません。")
            digest = stone.digest
        else:
            digest = canonical_digest(values)
        target = SearchWords(pk=words_id)
        return record(Action.SEARCH, target=target, details={**details, DIGEST_KEY: digest})


def is_bound(event: Any) -> bool:
    return event.object_type == SEARCH_WORDS.label and str(event.object_id).isdigit()


def shown_words(events: Iterable[Any]) -> dict[int, str]:
    """event id → the words of its search as the auditor reads them: the words, or
    「（消去済み：<date>、<cause>）」 when a purge deleted them. Two queries for a page."""
    # row id → its events: every page of one search names the same row
    wanted: dict[int, list[int]] = {}
    for e in events:
        if is_bound(e):
            wanted.setdefault(int(e.object_id), []).append(e.pk)
    if not wanted:
        return {}
    words = dict(SearchWords.objects.filter(pk__in=list(wanted)).values_list("pk", "words"))
    gone = tombstones(SEARCH_WORDS.label, [i for i in wanted if i not in words])
    shown: dict[int, str] = {}
    for row_id, event_ids in wanted.items():
        if row_id in words:
            text = words[row_id]
        elif row_id in gone:
            stone = gone[row_id]
            day = timezone.localtime(stone.purged_at).date()
            text = f"（消去済み：{format_date(day)}、{stone.get_cause_display()}）"
        else:
            text = "（記録がありません）"
        shown.update(dict.fromkeys(event_ids, text))
    return shown


def rows(*, before: datetime | None = None, chunk_size: int = 2000) -> Iterator[tuple[int, str]]:
    """(id, words) of the rows still held, oldest first; only those written before `before`."""
    qs = SearchWords.objects.order_by("pk")
    if before is not None:
        qs = qs.filter(created_at__lt=before)
    yield from qs.values_list("pk", "words").iterator(chunk_size=chunk_size)
