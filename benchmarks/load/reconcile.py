"""Entries answered to the simulated staff against the entries stored, one by one.

Each entry submission the server answered with its redirect is noted by the locust user with
the entry's id (from the redirect target) and its 受付番号 (read from the page the redirect
leads to: 「受付番号 … で受け付けました」); at the end the load's stored entries are read back
from the database. Pure functions, no Django: `reconcile(answered, stored)`.

- every answered entry is stored, under the 受付番号 the page showed (none lost, none changed);
- no 受付番号 and no entry id was answered twice (none doubled);
- stored entries no user saw answered are listed: requests cut when locust stopped its users
  (the server finished them), or a page that did not come back in time. Not an error.

受付番号 are printed as 2026-00000042 (year, then sequence): twelve digits in a row are what the
project never prints (they read as a 個人番号).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Answered:
    """One 302 to an entry page: the entry id, and the 受付番号 if the page was read."""

    pk: int
    receipt: str | None = None


@dataclass
class Reconciliation:
    answered: int
    stored: int
    lost: list[Answered] = field(default_factory=list)  # answered, not stored
    changed: list[tuple[Answered, str]] = field(default_factory=list)  # stored under another number
    doubled: list[str] = field(default_factory=list)  # answered or stored twice
    unanswered: list[str] = field(default_factory=list)  # stored, no user saw the answer
    unread: int = 0  # answered with a redirect whose page was not read (id only)

    @property
    def ok(self) -> bool:
        return not (self.lost or self.changed or self.doubled)

    def lines(self) -> list[str]:
        verdict = "OK" if self.ok else "MISMATCH"
        out = [
            f"entries reconciled one by one: {verdict} — answered {self.answered} "
            f"({self.unread} without their page read), stored {self.stored}, "
            f"lost {len(self.lost)}, changed {len(self.changed)}, doubled {len(self.doubled)}, "
            f"stored but not answered {len(self.unanswered)}"
        ]
        out += [f"  lost: entry {a.pk} {shown(a.receipt)}" for a in self.lost]
        out += [
            f"  changed: entry {a.pk} answered {shown(a.receipt)}, stored {shown(s)}"
            for a, s in self.changed
        ]
        out += [f"  doubled: {shown(r)}" for r in self.doubled]
        out += [f"  stored but not answered: {shown(r)}" for r in self.unanswered]
        return out


def shown(receipt: str | None) -> str:
    if not receipt:
        return "(受付番号 not read)"
    return f"{receipt[:4]}-{receipt[4:]}" if len(receipt) == 12 else receipt


def _twice(values: Iterable) -> set:
    return {v for v, n in Counter(values).items() if v is not None and n > 1}


def reconcile(answered: Iterable[Answered], stored: Iterable[tuple[int, str]]) -> Reconciliation:
    """`answered`: what the users were told; `stored`: (entry id, 受付番号) of the load's entries
    created during the run."""
    answered = list(answered)
    stored = list(stored)
    by_pk = dict(stored)
    result = Reconciliation(
        answered=len(answered),
        stored=len(stored),
        unread=sum(1 for a in answered if a.receipt is None),
    )
    for a in answered:
        receipt = by_pk.get(a.pk)
        if receipt is None:
            result.lost.append(a)
        elif a.receipt is not None and a.receipt != receipt:
            result.changed.append((a, receipt))
    # one entry told to two submissions, one number on two pages, one number stored twice
    doubled = {by_pk.get(pk) or f"entry {pk}" for pk in _twice(a.pk for a in answered)}
    doubled |= _twice(a.receipt for a in answered)
    doubled |= _twice(receipt for _, receipt in stored)
    result.doubled = sorted(doubled)
    told = {a.pk for a in answered}
    result.unanswered = sorted(receipt for pk, receipt in stored if pk not in told)
    return result
