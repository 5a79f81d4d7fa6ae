"""The record of every input file taken in, so the same file is never applied twice."""

from django.conf import settings
from django.db import models


class ImportedFile(models.Model):
    """An input file (F2 処理結果, F3 住民異動, F4 所得) that was applied, by its SHA-256."""

    kind = models.CharField("ファイルの種類", max_length=30)
    sha256 = models.CharField("SHA-256", max_length=64)
    filename = models.CharField("ファイル名", max_length=255)
    encoding = models.CharField("文字コード", max_length=20)
    line_count = models.PositiveIntegerField("データ行数")
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="取込者", on_delete=models.PROTECT, related_name="+"
    )
    imported_at = models.DateTimeField("取込日時", auto_now_add=True)

    class Meta:
        verbose_name = "取込済ファイル"
        verbose_name_plural = "取込済ファイル"
        constraints = [
            models.UniqueConstraint(fields=["kind", "sha256"], name="imports_file_once_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.filename}"
