"""Benefit claims (裁定請求) the city took in and forwarded to JPS, and JPS's decision on them.

Seed items 47–55 of 別添１ (see `docs/record-items.md`). A claim record is written only when the
verification `Entry` of the 請求書 is approved (the entry owns intake, checking and reporting)
and then holds what the claim is and what JPS decided: 審査中 → 承認 / 却下 / 返戻 → 取消.
Months are stored as the 1st of the month and shown in 和暦.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

# JPS's decision on a claim (審査中 → 承認 / 却下 / 返戻 → 取消): the platform's one vocabulary.
from kokumin_nenkin.decisions import DECISION_TRANSITIONS as DECISION_TRANSITIONS
from kokumin_nenkin.decisions import HELD_DECISIONS, DecisionRecord, DecisionStatus

from .rules import ClaimKind, SupportKind

#: Decisions under which a claim is live (asked for, or granted).
LIVE_DECISIONS = HELD_DECISIONS


class ProcessingResult(models.TextChoices):
    """処理結果 (FORMATS.md code table) as items 49 裁定結果 and 54 認定結果 keep it."""

    APPROVED = "1", "承認"
    REJECTED = "2", "却下"
    REVOKED = "4", "取消"
    RETURNED = "5", "返戻"


class BenefitClaim(DecisionRecord):
    """One claim (請求書, 届書種類 31–37) and JPS's decision on it: items 47–55.

    `person` is the insured person whose record the claim rests on (the deceased for 遺族基礎年金,
    寡婦年金 and 死亡一時金); `claimant` the person claiming when they are in the register and
    differ from `person` (a survivor), with their name in item 47 either way."""

    person = models.ForeignKey(
        "qualifications.Person",
        verbose_name="被保険者（記録の本人）",
        on_delete=models.PROTECT,
        related_name="benefit_claims",
    )
    claimant = models.ForeignKey(
        "qualifications.Person",
        verbose_name="請求者",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="benefit_claims_made",
    )
    claimant_name = models.CharField("請求者_氏名（給付）", max_length=80)
    relationship = models.CharField("請求者の続柄", max_length=10, blank=True)
    kind = models.CharField("請求の種類", max_length=2, choices=ClaimKind.choices)
    pension_code = models.CharField("年金コード", max_length=4, blank=True)
    claimed_on = models.DateField("請求年月日")
    death_on = models.DateField("死亡年月日", null=True, blank=True)
    adjudication_result = models.CharField(
        "裁定結果", max_length=1, choices=ProcessingResult.choices, blank=True
    )
    certificate_number = models.CharField("記号番号", max_length=20, blank=True)
    support_kind = models.CharField(
        "給付金種別", max_length=1, choices=SupportKind.choices, blank=True
    )
    support_start = models.DateField("支給開始年月（年金生活者支援給付金）", null=True, blank=True)
    support_end = models.DateField("支給終了年月（年金生活者支援給付金）", null=True, blank=True)
    recognition_result = models.CharField(
        "認定結果（年金生活者支援給付金）",
        max_length=1,
        choices=ProcessingResult.choices,
        blank=True,
    )
    claim_year = models.PositiveSmallIntegerField(
        "請求年度（年金生活者支援給付金）", null=True, blank=True
    )
    lump_sum_amount = models.PositiveIntegerField(
        "死亡一時金の額（事前確認）", null=True, blank=True
    )
    assessment = models.TextField("事前確認の結果", blank=True)
    # JPS's decision and the bookkeeping of every workflow record come from DecisionRecord.

    class Meta:
        verbose_name = "裁定請求"
        verbose_name_plural = "裁定請求"
        ordering = ["-claimed_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "kind"],
                condition=Q(is_latest=True),
                name="benefits_claim_one_latest_per_kind",
            ),
            models.CheckConstraint(
                condition=Q(support_start__isnull=True)
                | Q(support_end__isnull=True)
                | Q(support_start__lte=models.F("support_end")),
                name="benefits_claim_support_period_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.person}"

    @property
    def is_support(self) -> bool:
        return self.kind == ClaimKind.SUPPORT


class ClaimDecisionChange(models.Model):
    """One move of a claim through `DECISION_TRANSITIONS`: who, when, from, to and why."""

    claim = models.ForeignKey(
        BenefitClaim, verbose_name="裁定請求", on_delete=models.PROTECT, related_name="changes"
    )
    from_decision = models.CharField("変更前", max_length=10, choices=DecisionStatus.choices)
    to_decision = models.CharField("変更後", max_length=10, choices=DecisionStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作者", on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField("理由", max_length=200, blank=True)
    changed_at = models.DateTimeField("変更日時", auto_now_add=True)

    class Meta:
        verbose_name = "裁定請求の審査状況の履歴"
        verbose_name_plural = "裁定請求の審査状況の履歴"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.claim_id} {self.from_decision}→{self.to_decision}"


class LateAttachment(models.Model):
    """An attachment (添付書類) of a claim that came after the 請求書 was taken in. The entry's
    payload keeps what came with it; this row is what came later, who recorded it and when."""

    entry = models.ForeignKey(
        "verification.Entry",
        verbose_name="受付",
        on_delete=models.CASCADE,  # goes with the entry (a retention purge of the person)
        related_name="+",
    )
    code = models.CharField("添付書類", max_length=20)
    received_on = models.DateField("受領日")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="記録者", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("記録日時", auto_now_add=True)

    class Meta:
        verbose_name = "後日受領の添付書類"
        verbose_name_plural = "後日受領の添付書類"
        ordering = ["entry", "id"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "code"], name="benefits_late_attachment_once")
        ]

    def __str__(self) -> str:
        return f"{self.entry_id} {self.code}"
