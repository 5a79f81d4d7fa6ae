"""JPS's decision on a workflow record, and the one error type of the workflow rules.

Every workflow (exemptions, 付加, benefit claims) writes its record when the verification
`Entry` of the 届書 is approved; from then on the record holds only what JPS decided. The
office's own steps (確認待ち → 承認済 → 進達済) are the entry's, never the record's. One
vocabulary serves every workflow, so that no word means two things:

    審査中 ──JPS result──▶ 承認 ──▶ 取消
       ├────────────────▶ 却下
       └────────────────▶ 返戻

A 一部承認 is 承認 with both periods (its 処理結果 says 一部承認). A 返戻 is final for the
record: the corrected 届書 is a new entry.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class DecisionStatus(models.TextChoices):
    AWAITING = "awaiting", "審査中"
    APPROVED = "approved", "承認"
    REJECTED = "rejected", "却下"
    RETURNED = "returned", "返戻"
    REVOKED = "revoked", "取消"


#: The allowed next decisions.
DECISION_TRANSITIONS: dict[str, frozenset[str]] = {
    DecisionStatus.AWAITING: frozenset(
        {DecisionStatus.APPROVED, DecisionStatus.REJECTED, DecisionStatus.RETURNED}
    ),
    DecisionStatus.APPROVED: frozenset({DecisionStatus.REVOKED}),
    DecisionStatus.REJECTED: frozenset(),
    DecisionStatus.REVOKED: frozenset(),
    DecisionStatus.RETURNED: frozenset(),
}

#: Decisions under which a record counts as held or asked for (awaiting JPS, or granted).
HELD_DECISIONS = (DecisionStatus.AWAITING, DecisionStatus.APPROVED)

#: The `field` of a refusal about the person or the case as a whole, shown above the form.
ABOVE_THE_FORM = "__all__"


class RuleRefused(ValueError):
    """The one error of the workflow rules: a rule refuses the request. The message is Japanese
    and shown to the counter staff; `field` names the form field it belongs next to (None: the
    entry kind's own choice; `ABOVE_THE_FORM`: above the form)."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class TransitionRefused(RuleRefused):
    """A decision the record's current one does not allow."""


def checked_move(current: str, to: str) -> tuple[DecisionStatus, DecisionStatus]:
    """The move `current` → `to` as decisions, or TransitionRefused naming the allowed ones."""
    here, there = DecisionStatus(current), DecisionStatus(to)
    if there not in DECISION_TRANSITIONS[here]:
        allowed = "・".join(DecisionStatus(s).label for s in sorted(DECISION_TRANSITIONS[here]))
        raise TransitionRefused(
            f"「{here.label}」から「{there.label}」には変更できません"
            f"（変更できる状態: {allowed or 'なし'}）。"
        )
    return here, there


class DecisionRecord(models.Model):
    """What every workflow record keeps besides its own items: JPS's decision, 最新フラグ
    (item 3), 操作者ID (item 5, the maker of the entry that wrote it), that entry's 受付番号,
    and JPS's 処理年月日 and 返戻 reason."""

    decision = models.CharField(
        "審査状況", max_length=10, choices=DecisionStatus.choices, default=DecisionStatus.AWAITING
    )
    is_latest = models.BooleanField("最新フラグ", default=True)
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作者ID",
        on_delete=models.PROTECT,
        related_name="+",
    )
    receipt_number = models.CharField("受付番号", max_length=12, blank=True)
    jps_processed_on = models.DateField("日本年金機構の処理年月日", null=True, blank=True)
    return_reason = models.CharField("返戻理由（日本年金機構の備考）", max_length=200, blank=True)
    created_at = models.DateTimeField("登録日時", auto_now_add=True)
    updated_at = models.DateTimeField("更新日時", auto_now=True)

    class Meta:
        abstract = True
