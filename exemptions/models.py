"""Premium exemptions (免除・学特), statutory and pre/post-natal exemptions, the additional
premium (付加), and the income data (地方税関係情報) the pre-screening reads.

Seed items 16–46 of 別添１ (see `docs/record-items.md`); rules in `exemptions/rules.py` and
`exemptions/periods.py`. Months are stored as the 1st of the month and shown in 和暦.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from kokumin_nenkin import decisions

# JPS's decision on a record (審査中 → 承認 / 却下 / 返戻 → 取消): the platform's one vocabulary.
from kokumin_nenkin.decisions import DECISION_TRANSITIONS as DECISION_TRANSITIONS
from kokumin_nenkin.decisions import HELD_DECISIONS as HELD_DECISIONS
from kokumin_nenkin.decisions import DecisionStatus

from .rules import APPLICATION_CLASSES, ExemptionClass


class ProcessingResult(models.TextChoices):
    """処理結果 (FORMATS.md code table; items 17 and 46)."""

    APPROVED = "1", "承認"
    REJECTED = "2", "却下"
    PARTLY_APPROVED = "3", "一部承認"
    REVOKED = "4", "取消"
    RETURNED = "5", "返戻"


class WidowSingleParent(models.TextChoices):
    NONE = "0", "なし"
    WIDOW = "1", "寡婦"
    SINGLE_PARENT = "2", "ひとり親"


class PublicAssistance(models.TextChoices):
    NONE = "0", "なし"
    LIVELIHOOD = "1", "生活扶助"
    OTHER = "2", "生活扶助以外"


class IncomeValues(models.Model):
    """What 市民税課 reports for a person and year (format F4): the current values (`Income`)
    and every earlier set an import replaced (`IncomeRevision`) hold the same fields."""

    year = models.PositiveSmallIntegerField("所得年")
    total_income = models.PositiveBigIntegerField("前年所得（合計所得金額）")
    dependents = models.PositiveSmallIntegerField("扶養親族等の数")
    dependent_deduction = models.PositiveBigIntegerField("扶養親族等控除額")
    social_insurance_deduction = models.PositiveBigIntegerField("社会保険料控除額等")
    disabled = models.BooleanField("障害者", default=False)
    widow_single_parent = models.CharField(
        "寡婦・ひとり親",
        max_length=1,
        choices=WidowSingleParent.choices,
        default=WidowSingleParent.NONE,
    )
    public_assistance = models.CharField(
        "生活保護", max_length=1, choices=PublicAssistance.choices, default=PublicAssistance.NONE
    )
    source_file = models.ForeignKey(
        "imports.ImportedFile",
        verbose_name="取込ファイル",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    #: the fields an F4 line sets, in the file's order (the import compares these).
    VALUE_FIELDS = (
        "total_income",
        "dependents",
        "dependent_deduction",
        "social_insurance_deduction",
        "disabled",
        "widow_single_parent",
        "public_assistance",
    )

    class Meta:
        abstract = True

    @property
    def special_status(self) -> str:
        """障害者・寡婦・ひとり親 for the 135万円 route, or ''."""
        if self.disabled:
            return "障害者"
        if self.widow_single_parent != WidowSingleParent.NONE:
            return self.get_widow_single_parent_display()  # type: ignore[attr-defined]
        return ""


class Income(IncomeValues):
    """A person's income for one calendar year from 市民税課 (地方税関係情報, format F4): the
    current values, one row per person and year (what every screening reads).

    The exemption year July Y – June Y+1 is judged on the income of year Y (前年所得). A later
    F4 file with other values for the same person and year replaces these, and the values it
    replaced are kept as an `IncomeRevision`."""

    person = models.ForeignKey(
        "qualifications.Person",
        verbose_name="被保険者",
        on_delete=models.CASCADE,  # a copy of 市民税課 data: goes with the person's file
        related_name="incomes",
    )
    updated_at = models.DateTimeField("更新日時", auto_now=True)

    class Meta:
        verbose_name = "所得情報"
        verbose_name_plural = "所得情報"
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["person", "year"], name="exemptions_income_once"),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.year}年所得"


class IncomeRevision(IncomeValues):
    """Values of a person and year that a later F4 import replaced (所得情報の履歴): never
    changed, so the person's income as it stood before each correction can be shown."""

    person = models.ForeignKey(
        "qualifications.Person",
        verbose_name="被保険者",
        on_delete=models.CASCADE,  # goes with the person's file, like the current income
        related_name="income_revisions",
    )
    recorded_at = models.DateTimeField("当時の更新日時", null=True, blank=True)
    superseded_at = models.DateTimeField("置き換えた日時")
    superseded_by = models.ForeignKey(
        "imports.ImportedFile",
        verbose_name="置き換えた取込ファイル",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = "所得情報の履歴"
        verbose_name_plural = "所得情報の履歴"
        indexes = [
            models.Index(
                fields=["person", "year", "-superseded_at"], name="exemptions_increv_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.year}年所得（置換前）"


class DecisionRecord(decisions.DecisionRecord):
    """What every exemption and 付加 record shares: its person, and the bookkeeping of every
    workflow record (`kokumin_nenkin.decisions.DecisionRecord`)."""

    person = models.ForeignKey(
        "qualifications.Person", verbose_name="被保険者", on_delete=models.PROTECT
    )

    class Meta:
        abstract = True


class ExemptionApplication(DecisionRecord):
    """An application for 申請免除 (全額 / 4分の3 / 半額 / 4分の1), 納付猶予 or 学生納付特例
    and JPS's decision on it: items 16–28."""

    period_year = models.PositiveSmallIntegerField(
        "申請期間（免除・学特）",
        help_text="免除年度（7月〜翌6月）または学生納付特例の年度（4月〜翌3月）の始まる年",
    )
    result = models.CharField(
        "処理結果（免除・学特）", max_length=1, choices=ProcessingResult.choices, blank=True
    )
    exemption_class = models.CharField(
        "免除区分",
        max_length=2,
        choices=[
            (c.value, c.label)
            for c in (*APPLICATION_CLASSES, ExemptionClass.POSTPONEMENT, ExemptionClass.STUDENT)
        ],
    )
    applied_on = models.DateField("申請年月日（免除・学特）")
    result_type_code = models.CharField("免除結果種別区分コード", max_length=2, blank=True)
    start_month = models.DateField("免除始期")
    end_month = models.DateField("免除終期")
    approved_start = models.DateField("承認期間（開始）", null=True, blank=True)
    approved_end = models.DateField("承認期間（終了）", null=True, blank=True)
    rejected_start = models.DateField("却下期間（開始）", null=True, blank=True)
    rejected_end = models.DateField("却下期間（終了）", null=True, blank=True)
    revoked_start = models.DateField("免除取消期間（開始）", null=True, blank=True)
    revoked_end = models.DateField("免除取消期間（終了）", null=True, blank=True)
    revocation_applied_on = models.DateField("免除等取消申請年月日", null=True, blank=True)
    revocation_receipt_number = models.CharField("取消申請の受付番号", max_length=12, blank=True)
    # What the form asks besides the items.
    accept_lower_class = models.BooleanField(
        "全額免除が認められない場合は他の区分を希望する", default=True
    )
    continuing = models.BooleanField("継続申請を希望する", default=False)
    special_reason = models.CharField(
        "特例（失業・天災）",
        max_length=4,
        choices=[("失業", "失業等による特例"), ("天災", "天災等による特例")],
        blank=True,
    )
    school_name = models.CharField("学校名", max_length=80, blank=True)
    renewal_of = models.ForeignKey(
        "self",
        verbose_name="継続元の申請",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="renewals",
    )
    screening_summary = models.TextField("事前審査の結果", blank=True)

    class Meta:
        verbose_name = "保険料免除・納付猶予・学生納付特例"
        verbose_name_plural = "保険料免除・納付猶予・学生納付特例"
        ordering = ["-start_month", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(is_latest=True),
                name="exemptions_application_one_latest",
            ),
            models.CheckConstraint(
                condition=Q(start_month__lte=models.F("end_month")),
                name="exemptions_application_period_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_exemption_class_display()} {self.person}"


class StatutoryReason(models.TextChoices):
    DISABILITY_PENSION = "disability", "障害基礎年金等の受給（1・2級）"
    LIVELIHOOD = "livelihood", "生活保護（生活扶助）"
    SANATORIUM = "sanatorium", "ハンセン病療養所等への入所"


class StatutoryExemption(DecisionRecord):
    """法定免除 notified on 免除事由（該当・消滅）届: items 29–35."""

    reason = models.CharField(
        "免除理由（法定免除）", max_length=12, choices=StatutoryReason.choices
    )
    end_reason = models.CharField("免除消滅理由", max_length=80, blank=True)
    applies_on = models.DateField("該当年月日（法定免除）")
    ended_on = models.DateField("消滅_不該当年月日", null=True, blank=True)
    revoked_on = models.DateField("取消_不該当年月日", null=True, blank=True)
    start_month = models.DateField("免除始期（法定免除）")
    end_month = models.DateField("免除終期（法定免除）", null=True, blank=True)
    notified_on = models.DateField("届出年月日")
    end_notified_on = models.DateField("消滅届の届出年月日", null=True, blank=True)

    class Meta:
        verbose_name = "法定免除"
        verbose_name_plural = "法定免除"
        ordering = ["-start_month", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(is_latest=True),
                name="exemptions_statutory_one_latest",
            ),
        ]

    def __str__(self) -> str:
        return f"法定免除 {self.person}"


class Pregnancy(models.TextChoices):
    SINGLE = "1", "単胎妊娠"
    MULTIPLE = "2", "多胎妊娠"


class MaternityExemption(DecisionRecord):
    """産前産後期間の免除: items 36–39 (4 months, or 6 for a multiple pregnancy)."""

    due_date = models.DateField("出産の予定日（出産日）")
    pregnancy = models.CharField(
        "単胎妊娠又は多胎妊娠の別", max_length=1, choices=Pregnancy.choices
    )
    start_month = models.DateField("免除始期（産前産後免除）")
    end_month = models.DateField("免除終期（産前産後免除）")
    notified_on = models.DateField("届出年月日")

    class Meta:
        verbose_name = "産前産後免除"
        verbose_name_plural = "産前産後免除"
        ordering = ["-start_month", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(is_latest=True),
                name="exemptions_maternity_one_latest",
            ),
        ]

    def __str__(self) -> str:
        return f"産前産後免除 {self.person}"


class AdditionalPremium(DecisionRecord):
    """付加保険料の納付申出 and its 辞退: items 40–46. Applies from the month of the 申出."""

    applied_on = models.DateField("付加納付申出年月日")
    join_reason = models.CharField("付加加入理由", max_length=80, blank=True)
    applies_on = models.DateField("付加該当年月日")
    withdrawal_applied_on = models.DateField("付加納付辞退申出年月日", null=True, blank=True)
    withdrawal_reason = models.CharField("付加辞退（非該当）理由", max_length=80, blank=True)
    ceased_on = models.DateField("付加非該当年月日", null=True, blank=True)
    result = models.CharField(
        "処理結果（付加）", max_length=1, choices=ProcessingResult.choices, blank=True
    )

    class Meta:
        verbose_name = "付加保険料"
        verbose_name_plural = "付加保険料"
        ordering = ["-applies_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(is_latest=True),
                name="exemptions_additional_one_latest",
            ),
        ]

    def __str__(self) -> str:
        return f"付加保険料 {self.person}"


class DecisionChange(models.Model):
    """One move of a record through `DECISION_TRANSITIONS`: who, when, from, to and why."""

    record_type = models.CharField("記録の種類", max_length=60)
    record_id = models.PositiveBigIntegerField("記録のID")
    person = models.ForeignKey(
        "qualifications.Person", verbose_name="被保険者", on_delete=models.PROTECT, related_name="+"
    )
    from_decision = models.CharField("変更前", max_length=10, choices=DecisionStatus.choices)
    to_decision = models.CharField("変更後", max_length=10, choices=DecisionStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作者", on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField("理由", max_length=200, blank=True)
    changed_at = models.DateTimeField("変更日時", auto_now_add=True)

    class Meta:
        verbose_name = "審査状況の履歴"
        verbose_name_plural = "審査状況の履歴"
        ordering = ["id"]
        indexes = [models.Index(fields=["record_type", "record_id"], name="exemptions_change_rec")]

    def __str__(self) -> str:
        return f"{self.record_type}#{self.record_id} {self.from_decision}→{self.to_decision}"
