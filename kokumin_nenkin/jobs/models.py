"""The state of a background job, in the database so every app process sees the same."""

from django.conf import settings
from django.db import models


class Status(models.TextChoices):
    QUEUED = "queued", "待機中"
    RUNNING = "running", "処理中"
    SUCCEEDED = "succeeded", "完了"
    FAILED = "failed", "失敗"


# The only moves a job makes; `services.job_set_status` refuses the rest.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.QUEUED: frozenset({Status.RUNNING, Status.FAILED}),
    Status.RUNNING: frozenset({Status.SUCCEEDED, Status.FAILED}),
    Status.SUCCEEDED: frozenset(),
    Status.FAILED: frozenset(),
}
FINISHED = frozenset({Status.SUCCEEDED, Status.FAILED})


class Job(models.Model):
    """A long piece of work started by a staff member (a 進達 batch's outputs, a large results
    file), run by the task worker, with the progress its owner watches. Holds no personal data:
    `params` and `result` carry ids, counts and Japanese messages only."""

    kind = models.CharField("処理", max_length=200)  # dotted path of the @job_handler
    label = models.CharField("処理名", max_length=100)
    status = models.CharField("状態", max_length=12, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField("全件数", default=0)
    done = models.PositiveIntegerField("処理済件数", default=0)
    message = models.CharField("状況", max_length=300, blank=True)
    params = models.JSONField("処理の指定", default=dict, blank=True)
    result = models.JSONField("結果", default=dict, blank=True)
    result_file_ids = models.JSONField("結果ファイル", default=list, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="依頼者", on_delete=models.PROTECT, related_name="+"
    )
    task_result_id = models.CharField("タスクID", max_length=64, blank=True)
    # The task worker that took the job (its `WorkerHeartbeat.worker_id`): a running job whose
    # worker stopped beating is marked failed by `sweep.sweep_orphaned_jobs`.
    worker_id = models.CharField("ワーカーID", max_length=64, blank=True)
    created_at = models.DateTimeField("依頼日時", auto_now_add=True)
    updated_at = models.DateTimeField("最終更新日時", auto_now=True)
    started_at = models.DateTimeField("開始日時", null=True, blank=True)
    finished_at = models.DateTimeField("終了日時", null=True, blank=True)

    class Meta:
        verbose_name = "バックグラウンド処理"
        verbose_name_plural = "バックグラウンド処理"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "created_at"], name="jobs_owner_created")]

    def __str__(self) -> str:
        return f"{self.label}（{self.get_status_display()}）"

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    @property
    def percent(self) -> int:
        if self.status == Status.SUCCEEDED:
            return 100
        if not self.total:
            return 0
        return min(100, self.done * 100 // self.total)


class WorkerHeartbeat(models.Model):
    """One row per task-worker process (`manage.py worker`), touched every
    `WORKER_HEARTBEAT_SECONDS`: `/healthz` reports the worker as down when no row is recent."""

    worker_id = models.CharField("ワーカーID", max_length=64, unique=True)
    host = models.CharField("ホスト", max_length=255)
    pid = models.PositiveIntegerField("プロセスID")
    started_at = models.DateTimeField("起動日時")
    seen_at = models.DateTimeField("最終応答日時", db_index=True)

    class Meta:
        verbose_name = "ワーカーの死活"
        verbose_name_plural = "ワーカーの死活"

    def __str__(self) -> str:
        return f"{self.worker_id}@{self.host}"
