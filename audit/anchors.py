"""The audit chain's head kept where the database cannot change it (issue 16, item 10).

The head of the hash chain (position and row hash) is appended, one JSON line per head, to an
append-only file named by the setting `AUDIT_ANCHOR_FILE` — meant to be on another volume (or a
mount the database server cannot write), e.g. a WORM share or a disk only the application user
appends to. Each line is written with `O_APPEND`, flushed and `fsync`-ed before the call returns:

    {"position": 1234, "hash": "ab12…", "at": "2026-12-02T08:00:00+09:00", "reason": "定時"}

Heads are appended
- on a schedule: `python manage.py anchor_audit_head` (cron or a systemd timer, e.g. hourly);
- at every confirmed 進達 batch: `jps_reporting` calls `anchor_after_commit("進達 第N号")`, which
  appends once the batch's transaction has committed (a rolled-back batch leaves no line);
- when the 監査担当 prints the daily audit sheet (the printed head and the file agree).

`verify_audit_chain --anchors FILE` reads the same file (`read_anchors`; the older
`位置:ハッシュ` lines written by `--write-anchors` are read too) and checks every recorded
head: a rewrite of the tail, re-hashed to the end, is named at the first recorded head it
changed (one mechanism: `chain.verify(anchors=…)`).

This module imports no business app: the batch hook is a plain function `jps_reporting` calls.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import chain

logger = logging.getLogger(__name__)

SCHEDULED = "定時"
DAILY_SHEET = "日次監査票"


class AnchorFileError(ValueError):
    """The anchor file cannot be read as heads; the message is Japanese."""


@dataclass(frozen=True)
class Head:
    position: int
    hash: str
    at: datetime | None = None
    reason: str = ""

    def line(self) -> str:
        return json.dumps(
            {
                "position": self.position,
                "hash": self.hash,
                "at": self.at.isoformat() if self.at else None,
                "reason": self.reason,
            },
            ensure_ascii=False,
            sort_keys=True,
        )

    @property
    def grouped_hash(self) -> str:
        """The hash as printed: 8 groups of 8 hex digits joined by ":" (easy to read back and
        compare; never a 12-digit run a 個人番号 detector would stop)."""
        from .services import digest_for_details

        return digest_for_details(self.hash)


def anchor_file() -> Path | None:
    value = getattr(settings, "AUDIT_ANCHOR_FILE", "") or ""
    return Path(value) if value else None


def append_head(reason: str = SCHEDULED, path: Path | str | None = None) -> Head | None:
    """Append the chain's current head to the anchor file (flushed and fsync-ed); None when no
    file is set or the chain is empty."""
    target = Path(path) if path else anchor_file()
    if target is None:
        return None
    position, digest = chain.head()
    if position == 0:
        return None
    head = Head(position, digest, timezone.localtime(), reason)
    data = (head.line() + "\n").encode("utf-8")
    new = not target.exists()
    fd = os.open(target, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    if new:  # the file's own directory entry must survive a crash too
        dir_fd = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    return head


def anchor_after_commit(reason: str) -> None:
    """Append the head once the current transaction commits (the batch hook). A failure to
    write is logged as an error, never silently skipped; it does not undo the committed work."""

    def write() -> None:
        try:
            append_head(reason)
        except OSError:
            logger.exception(
                "監査ログの先頭ハッシュを保管ファイルに追記できませんでした（%s）", reason
            )

    transaction.on_commit(write)


def parse_line(line: str, number: int) -> Head:
    """One line of an anchor file: JSON (this module) or `位置:ハッシュ` (--write-anchors)."""
    text = line.strip()
    try:
        if text.startswith("{"):
            value = json.loads(text)
            at = datetime.fromisoformat(value["at"]) if value.get("at") else None
            return Head(
                int(value["position"]), str(value["hash"]).lower(), at, value.get("reason", "")
            )
        position, digest = text.split(":", 1)
        return Head(int(position), digest.strip().lower())
    except (ValueError, KeyError, TypeError) as exc:
        raise AnchorFileError(f"保管ファイルの{number}行目を読めません。") from exc


def read_heads(path: Path | str) -> list[Head]:
    with open(path, encoding="utf-8") as kept:
        return [parse_line(line, n) for n, line in enumerate(kept, 1) if line.strip()]


def read_anchors(path: Path | str) -> dict[int, str]:
    """Position → hash of every head in the file. Two lines that give one position different
    hashes are themselves a sign of tampering: refused."""
    anchors: dict[int, str] = {}
    for head in read_heads(path):
        if anchors.setdefault(head.position, head.hash) != head.hash:
            raise AnchorFileError(f"保管ファイルに位置 {head.position} のハッシュが2通りあります。")
    return anchors


def heads_on(day: date, path: Path | str | None = None) -> list[Head]:
    """The heads the anchor file recorded on `day` (local time), oldest first."""
    target = Path(path) if path else anchor_file()
    if target is None or not target.exists():
        return []
    return [
        h for h in read_heads(target) if h.at is not None and timezone.localtime(h.at).date() == day
    ]
