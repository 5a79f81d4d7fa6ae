"""The dates the law cares about for a 開示・訂正・利用停止請求 (個人情報の保護に関する法律).

- 決定期限: 30 days from the day the request was received (第83条・第94条・第102条 — the day of
  receipt itself is not counted, 民法第140条, so the deadline is 受付日 + 30 days).
- Extension: by at most 30 more days, only with a reason written down (第83条第2項 …); the
  requester is told the extension and its reason.
- 問合せ have no legal deadline: the follow-up date the counter set (対応予定日) is used instead.
"""

from __future__ import annotations

from datetime import date, timedelta

DECISION_DAYS = 30
MAX_EXTENSION_DAYS = 30


class ExtensionRefused(ValueError):
    """Japanese message: why this extension is not allowed."""


def decision_deadline(received_on: date) -> date:
    return received_on + timedelta(days=DECISION_DAYS)


def check_extension(received_on: date, new_deadline: date, reason: str) -> None:
    """An extension needs a reason and may not go past 30 more days."""
    base = decision_deadline(received_on)
    if not reason.strip():
        raise ExtensionRefused("延長の理由を入力してください。")
    if new_deadline <= base:
        raise ExtensionRefused("延長後の決定期限は当初の期限より後の日にしてください。")
    if new_deadline > base + timedelta(days=MAX_EXTENSION_DAYS):
        raise ExtensionRefused("延長できるのは当初の期限から30日以内です。")


def days_left(deadline: date | None, today: date) -> int | None:
    return None if deadline is None else (deadline - today).days
