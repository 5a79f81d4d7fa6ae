"""進達 batches to JPS, their stored outputs, and JPS results files waiting to be applied.

Seed: 日本年金機構への報告書（住所変更・資格記録・氏名訂正等）や保険料免除に係る所得情報等の出力;
日本年金機構からの処理結果（資格・免除情報）の取込. Items 56–60 of 別添１ live on `BatchItem`.
"""

from django.conf import settings
from django.db import models

from kokumin_nenkin.jobs.models import Status as JobStatus


class Batch(models.Model):
    """One 進達: the verified entries sent to JPS together, numbered, with its outputs made
    once at confirmation (report sheets, 送付書, F1 file) and stored for reprint."""

    class OutputStatus(models.TextChoices):
        PENDING = "pending", "作成中"
        READY = "ready", "作成済"
        FAILED = "failed", "作成失敗"

    number = models.PositiveIntegerField("進達番号", unique=True)
    cutoff = models.DateField("締め日（この日までの承認分）")
    reported_on = models.DateField("日本年金機構への報告年月日")
    municipality_code = models.CharField("市区町村コード", max_length=6)
    output_status = models.CharField(
        "出力の状態",
        max_length=10,
        choices=OutputStatus.choices,
        default=OutputStatus.PENDING,
    )
    output_message = models.CharField("出力の状況", max_length=300, blank=True)
    job = models.ForeignKey(
        "jobs.Job",
        verbose_name="作成処理",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="進達者", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("進達日時", auto_now_add=True)

    class Meta:
        verbose_name = "進達"
        verbose_name_plural = "進達"
        ordering = ["-number"]

    def __str__(self) -> str:
        return f"進達 第{self.number}号"

    def _job_failed_unsaid(self) -> bool:
        """The job ended 失敗 without writing it to the batch (an unexpected error, or its
        worker stopped and the sweep marked it: kokumin_nenkin/jobs/sweep.py)."""
        return (
            self.output_status == self.OutputStatus.PENDING
            and self.job_id is not None
            and self.job.status == JobStatus.FAILED
        )

    @property
    def output_state_label(self) -> str:
        """What the batch screens show: never 作成中 for ever once its job has failed."""
        if self._job_failed_unsaid():
            return self.OutputStatus.FAILED.label
        return self.get_output_status_display()

    @property
    def output_note(self) -> str:
        if self.output_message:
            return self.output_message
        return self.job.message if self._job_failed_unsaid() else ""


class ReportTarget(models.TextChoices):
    YES = "1", "有"
    NO = "0", "無"


class BatchItem(models.Model):
    """One verified entry in a batch, with items 56–60 as reported, and the report line as it
    was at confirmation (`snapshot`, the ReportItem fields) and its fingerprint: the outputs are
    built from the snapshot, and a rebuild is refused if the entry's data moved since."""

    batch = models.ForeignKey(
        Batch, verbose_name="進達", on_delete=models.PROTECT, related_name="items"
    )
    entry = models.OneToOneField(
        "verification.Entry",
        verbose_name="受付",
        on_delete=models.PROTECT,
        related_name="batch_item",
    )
    recorded_on_media = models.BooleanField("電子媒体収録有無")  # item 56
    report_target = models.CharField(  # item 57
        "報告対象有無区分", max_length=1, choices=ReportTarget.choices, default=ReportTarget.YES
    )
    reported_on = models.DateField("日本年金機構への報告年月日")  # item 58
    form_code = models.CharField("届書種類", max_length=2)  # item 59
    message = models.CharField("連絡欄", max_length=30, blank=True)  # item 60
    paper_reasons = models.TextField("紙で送付する理由", blank=True)
    snapshot = models.JSONField("報告内容")
    fingerprint = models.CharField("報告内容の指紋", max_length=64)
    # 処理区分 04 (or 処理結果 5) of a JPS results file: the 届書 came back.
    jps_returned_on = models.DateField("日本年金機構からの返戻年月日", null=True, blank=True)
    jps_return_note = models.CharField("返戻の理由（備考）", max_length=200, blank=True)
    # The JPS results file whose line about this 届書 was applied (any 処理区分, a 返戻 too):
    # set once, by the first applied line. Null: 結果未着 (selectors.unanswered_items).
    jps_result_upload = models.ForeignKey(
        "ResultsUpload",
        verbose_name="処理結果を反映したファイル",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="answered_items",
    )
    jps_result_on = models.DateField("日本年金機構の処理年月日", null=True, blank=True)

    class Meta:
        verbose_name = "進達の明細"
        verbose_name_plural = "進達の明細"
        ordering = ["batch", "entry__receipt_number"]

    def __str__(self) -> str:
        return f"{self.batch} {self.form_code}"


class BatchOutput(models.Model):
    """A file made once for a batch; reprints and downloads serve these bytes."""

    class Kind(models.TextChoices):
        SHEETS = "sheets", "報告書"
        TRANSMITTAL = "transmittal", "送付書"
        F1 = "f1", "電子媒体（F1）"

    batch = models.ForeignKey(
        Batch, verbose_name="進達", on_delete=models.PROTECT, related_name="outputs"
    )
    kind = models.CharField("種類", max_length=12, choices=Kind.choices)
    part = models.PositiveSmallIntegerField("分冊", default=1)
    filename = models.CharField("ファイル名", max_length=100)
    content_type = models.CharField("形式", max_length=60)
    content = models.BinaryField("内容")
    sha256 = models.CharField("SHA-256", max_length=64)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)

    class Meta:
        verbose_name = "進達の出力"
        verbose_name_plural = "進達の出力"
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "kind", "part"], name="jps_output_once_per_kind_part"
            )
        ]

    def __str__(self) -> str:
        return f"{self.batch} {self.get_kind_display()} {self.part}"


class ResultsUpload(models.Model):
    """A JPS results file (F2) that passed validation, kept until a 確認担当 approves applying
    it (the request is a verification Entry of kind `jps_reporting.results`)."""

    filename = models.CharField("ファイル名", max_length=255)
    encoding = models.CharField("文字コード", max_length=20)
    sha256 = models.CharField("SHA-256", max_length=64)
    content = models.BinaryField("内容")
    line_count = models.PositiveIntegerField("データ行数")
    matched = models.PositiveIntegerField("一致", default=0)
    unmatched = models.PositiveIntegerField("該当なし", default=0)
    conflicts = models.PositiveIntegerField("不一致", default=0)
    outcome_digest = models.CharField("反映を依頼した時の突合結果の指紋", max_length=64, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="取込者", on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField("取込日時", auto_now_add=True)
    entry = models.OneToOneField(
        "verification.Entry",
        verbose_name="反映の受付",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="results_upload",
    )
    applied_at = models.DateTimeField("反映日時", null=True, blank=True)

    class Meta:
        verbose_name = "処理結果ファイル"
        verbose_name_plural = "処理結果ファイル"
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return self.filename
