"""A resident's request (開示・訂正・利用停止請求) or inquiry, and the disclosure packages printed
for it. The request is the record of the law's dates; its decision is written by the approval
of a `resident_requests.decision` entry (the one two-person verification)."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q

from .deadlines import decision_deadline


class RequestKind(models.TextChoices):
    DISCLOSURE = "disclosure", "開示請求"
    CORRECTION = "correction", "訂正請求"
    SUSPENSION = "suspension", "利用停止請求"
    INQUIRY = "inquiry", "問合せ"


class Requester(models.TextChoices):
    SELF = "self", "本人"
    AGENT = "agent", "代理人"


class IdentityCheck(models.TextChoices):
    MY_NUMBER_CARD = "my_number_card", "個人番号カード"
    DRIVING_LICENCE = "driving_licence", "運転免許証"
    PASSPORT = "passport", "旅券"
    HEALTH_INSURANCE = "health_insurance", "健康保険の資格確認書等（2点）"
    OTHER = "other", "その他（内容を記入）"
    NONE = "none", "確認不要（問合せ）"


class Channel(models.TextChoices):
    COUNTER = "counter", "窓口"
    TELEPHONE = "telephone", "電話"
    MAIL = "mail", "郵送"


class Decision(models.TextChoices):
    DISCLOSE = "disclose", "開示"
    PARTIAL = "partial", "一部開示"
    REFUSE = "refuse", "不開示"
    CORRECT = "correct", "訂正する"
    NOT_CORRECT = "not_correct", "訂正しない"
    SUSPEND = "suspend", "利用停止する"
    NOT_SUSPEND = "not_suspend", "利用停止しない"


#: the decisions a request of each kind may receive
DECISIONS_FOR: dict[str, tuple[str, ...]] = {
    RequestKind.DISCLOSURE: (Decision.DISCLOSE, Decision.PARTIAL, Decision.REFUSE),
    RequestKind.CORRECTION: (Decision.CORRECT, Decision.NOT_CORRECT),
    RequestKind.SUSPENSION: (Decision.SUSPEND, Decision.NOT_SUSPEND),
    RequestKind.INQUIRY: (),
}
#: decisions that need a written reason (the requester is told why)
REASON_NEEDED = frozenset(
    {Decision.PARTIAL, Decision.REFUSE, Decision.NOT_CORRECT, Decision.NOT_SUSPEND}
)


class ResidentRequest(models.Model):
    """One 請求受付 (or 問合せ受付票) at the counter, by telephone or by mail."""

    kind = models.CharField("請求の種類", max_length=12, choices=RequestKind.choices)
    person = models.ForeignKey(
        "qualifications.Person",
        verbose_name="本人",
        on_delete=models.CASCADE,  # only a retention purge deletes a person
        null=True,  # an inquiry may name no one
        blank=True,
        related_name="+",
    )
    channel = models.CharField("受付方法", max_length=12, choices=Channel.choices)
    requester = models.CharField("請求者", max_length=8, choices=Requester.choices)
    agent_name = models.CharField("代理人の氏名", max_length=60, blank=True)
    agent_proof = models.CharField("代理権の確認書類", max_length=120, blank=True)
    identity_check = models.CharField(
        "本人確認の方法", max_length=20, choices=IdentityCheck.choices
    )
    identity_note = models.CharField("本人確認の補足", max_length=120, blank=True)
    subject = models.TextField("請求・問合せの内容")
    received_on = models.DateField("受付日")
    deadline = models.DateField("決定期限", null=True, blank=True)
    extended_deadline = models.DateField("延長後の決定期限", null=True, blank=True)
    extension_reason = models.TextField("延長の理由", blank=True)
    decision = models.CharField("決定", max_length=12, choices=Decision.choices, blank=True)
    decision_reason = models.TextField("決定の理由", blank=True)
    show_staff_names = models.BooleanField("開示文書に職員の氏名を記載する", default=False)
    decided_on = models.DateField("決定日", null=True, blank=True)
    notified_on = models.DateField("通知日", null=True, blank=True)
    answer = models.TextField("回答", blank=True)  # 問合せ
    follow_up_on = models.DateField("対応予定日", null=True, blank=True)  # 問合せ
    closed = models.BooleanField("完了", default=False)
    decision_entry = models.ForeignKey(
        "verification.Entry",
        verbose_name="決定の受付",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="受付者", on_delete=models.PROTECT, related_name="+"
    )
    office = models.ForeignKey(
        "accounts.Office", verbose_name="受付事務所", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("登録日時", auto_now_add=True)

    class Meta:
        verbose_name = "本人からの請求・問合せ"
        verbose_name_plural = "本人からの請求・問合せ"
        ordering = ["received_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(extended_deadline__isnull=True) | ~Q(extension_reason=""),
                name="resident_request_extension_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(kind="inquiry") | Q(person__isnull=False),
                name="resident_request_names_the_person",
            ),
        ]
        indexes = [models.Index(fields=["decided_on", "deadline"], name="resreq_open")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} 第{self.pk}号"

    def save(self, *args, **kwargs) -> None:
        if self.kind != RequestKind.INQUIRY and self.deadline is None:
            self.deadline = decision_deadline(self.received_on)
        super().save(*args, **kwargs)

    @property
    def effective_deadline(self) -> date | None:
        if self.kind == RequestKind.INQUIRY:
            return self.follow_up_on
        return self.extended_deadline or self.deadline

    @property
    def is_open(self) -> bool:
        if self.kind == RequestKind.INQUIRY:
            return not self.closed
        return not self.decision

    def overdue(self, today: date) -> bool:
        deadline = self.effective_deadline
        return self.is_open and deadline is not None and deadline < today


class DisclosurePackage(models.Model):
    """One printed 開示 package: the bytes as handed over, with their SHA-256."""

    request = models.ForeignKey(
        ResidentRequest,
        verbose_name="開示請求",
        on_delete=models.CASCADE,
        related_name="packages",
    )
    person = models.ForeignKey(
        "qualifications.Person", verbose_name="本人", on_delete=models.CASCADE, related_name="+"
    )
    pdf = models.BinaryField("開示文書（PDF）")
    sha256 = models.CharField("SHA-256", max_length=64)
    printed_at = models.DateTimeField("作成日時")
    printed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="作成者", on_delete=models.PROTECT, related_name="+"
    )
    access_rows = models.PositiveIntegerField("アクセス履歴の件数")

    class Meta:
        verbose_name = "開示文書"
        verbose_name_plural = "開示文書"
        ordering = ["-printed_at", "-id"]

    def __str__(self) -> str:
        return f"開示文書 {self.pk}"


class PurgeProposal(models.Model):
    """What one 確認担当 proposed to purge (the persons due on that day); a second one approves
    it through the verification entry `resident_requests.purge`, and the approval purges. The
    list holds ids only."""

    person_ids = models.JSONField("消去する被保険者のID")
    as_of = models.DateField("基準日")
    created_at = models.DateTimeField("作成日時", auto_now_add=True)

    class Meta:
        verbose_name = "保存期間満了による消去の提案"
        verbose_name_plural = "保存期間満了による消去の提案"

    def __str__(self) -> str:
        return f"消去の提案 {self.pk}"


class CorrectionEntry(models.Model):
    """A 届書 entered to carry out a decided 訂正: an ordinary entry of its kind (氏名, 住所, a
    qualification or exemption record), verified by two people like any other, linked to the
    request that asked for it."""

    request = models.ForeignKey(
        ResidentRequest,
        verbose_name="訂正請求",
        on_delete=models.CASCADE,
        related_name="corrections",
    )
    entry = models.OneToOneField(
        "verification.Entry",
        verbose_name="訂正の受付",
        on_delete=models.CASCADE,
        related_name="+",
    )

    class Meta:
        verbose_name = "訂正請求による受付"
        verbose_name_plural = "訂正請求による受付"
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.request} → {self.entry_id}"
