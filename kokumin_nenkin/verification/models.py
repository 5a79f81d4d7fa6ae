"""Pending entries, their status history and the 受付番号 counter.

Seed Ⅲ 3: 入力者以外の者が再度チェックをする二重確認体制. An entry counts only after someone
other than its maker has checked it against the paper form (PRODUCT.md §3).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class Status(models.TextChoices):
    PENDING = "pending", "確認待ち"
    RETURNED = "returned", "差戻し"
    APPROVED = "approved", "承認済"
    WITHDRAWN = "withdrawn", "取下げ"
    REPORTED = "reported", "進達済"


# The only moves an entry can make. PENDING → PENDING is not a move: a returned entry goes
# back to PENDING when its maker re-enters it. APPROVED → REPORTED when a 進達 batch that
# holds the entry is confirmed (jps_reporting).
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.PENDING: frozenset({Status.APPROVED, Status.RETURNED, Status.WITHDRAWN}),
    Status.RETURNED: frozenset({Status.PENDING, Status.WITHDRAWN}),
    Status.APPROVED: frozenset({Status.REPORTED}),
    Status.WITHDRAWN: frozenset(),
    Status.REPORTED: frozenset(),
}

OPEN_STATUSES = (Status.PENDING, Status.RETURNED)


class ReceiptCounter(models.Model):
    """The last 受付番号 sequence used in a 西暦 year (FORMATS.md). Locked FOR UPDATE at intake."""

    year = models.PositiveSmallIntegerField("年", primary_key=True)
    last = models.PositiveIntegerField("最終番号", default=0)

    class Meta:
        verbose_name = "受付番号の採番"
        verbose_name_plural = "受付番号の採番"

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class Entry(models.Model):
    """One form taken in at the counter: the proposed change, waiting for a second person.

    Holds the 受付番号 and, through its kind, the 届書種類 (item 59) of FORMATS.md. The maker
    is the 操作者 (item 5) of whatever the approval writes.
    """

    receipt_number = models.CharField("受付番号", max_length=12, unique=True)
    kind = models.CharField("受付の種類", max_length=60)
    form_code = models.CharField("届書種類", max_length=2)
    person = models.ForeignKey(
        "qualifications.Person",
        verbose_name="対象者",
        on_delete=models.CASCADE,  # only a retention purge deletes a person, with its file
        related_name="entries",
        null=True,  # an entry about no one person (a JPS results file to apply)
        blank=True,
    )
    payload = models.JSONField("入力内容", default=dict)
    base_version = models.CharField("受付時の記録の版", max_length=64)
    status = models.CharField("状態", max_length=12, choices=Status.choices, default=Status.PENDING)
    maker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="入力者",
        on_delete=models.PROTECT,
        related_name="+",
    )
    maker_office = models.ForeignKey(
        "accounts.Office",
        verbose_name="受付事務所",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    checker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="確認者",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField("確認日時", null=True, blank=True)
    return_reason = models.TextField("差戻し理由", blank=True)
    supersedes = models.ForeignKey(
        "self",
        verbose_name="訂正元の受付",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="amendments",
    )
    applied_object_id = models.CharField("反映先のID", max_length=40, blank=True)
    created_at = models.DateTimeField("受付日時", auto_now_add=True)
    updated_at = models.DateTimeField("更新日時", auto_now=True)

    class Meta:
        verbose_name = "受付（二重確認）"
        verbose_name_plural = "受付（二重確認）"
        ordering = ["created_at", "id"]
        constraints = [
            # SECURITY.md attack 8: no one approves their own entry, not even through the ORM.
            models.CheckConstraint(
                condition=Q(checker__isnull=True) | ~Q(checker=F("maker")),
                name="verification_entry_checker_is_not_maker",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in Status]),
                name="verification_entry_status_valid",
            ),
            models.UniqueConstraint(
                fields=["person", "kind"],
                condition=Q(status__in=[s.value for s in OPEN_STATUSES]),
                name="verification_one_open_entry_per_person_kind",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "created_at"], name="verif_entry_queue"),
            models.Index(fields=["maker", "status"], name="verif_entry_maker"),
        ]

    def __str__(self) -> str:
        return f"{self.receipt_number} {self.kind_label}"

    @property
    def kind_label(self) -> str:
        from .registry import get_kind

        try:
            return get_kind(self.kind).label
        except KeyError:
            return self.kind

    def version(self) -> str:
        """What the checker was shown, as one value: every field of the proposal, the record
        version it was made against, its status and last change. The approval form carries it;
        an entry changed since (returned and re-entered, amended) no longer matches."""
        import hashlib
        import json

        state = [
            self.payload,
            self.base_version,
            self.status,
            self.person_id,
            self.supersedes_id,
            self.updated_at.isoformat() if self.updated_at else "",
        ]
        text = json.dumps(state, sort_keys=True, ensure_ascii=False, default=str)
        digest = hashlib.sha256(text.encode()).digest()[:16]
        # letters only: a run of digits in a page could look like a 個人番号
        return "".join("abcdefghijklmnop"[b >> 4] + "abcdefghijklmnop"[b & 15] for b in digest)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class EntryHistory(models.Model):
    """One status change of an entry: who moved it, when, from what to what, and why."""

    entry = models.ForeignKey(
        Entry, verbose_name="受付", on_delete=models.CASCADE, related_name="history"
    )
    from_status = models.CharField("変更前", max_length=12, choices=Status.choices, blank=True)
    to_status = models.CharField("変更後", max_length=12, choices=Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作者", on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField("日時", auto_now_add=True)
    reason = models.TextField("理由", blank=True)

    class Meta:
        verbose_name = "受付の状態履歴"
        verbose_name_plural = "受付の状態履歴"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.entry_id}: {self.from_status} → {self.to_status}"
