"""Migration 0003: the batch items answered by results files applied before the field existed
are marked answered, so they do not appear on the 進達済・結果未着一覧 after the upgrade."""

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from jps_reporting.models import BatchItem, ResultsUpload
from jps_reporting.selectors import unanswered_items
from jps_reporting.services import batch_confirm

from .flow import approved_acquisition
from .test_results_import import f2

BEFORE = [("jps_reporting", "0002_returns_parts_and_request_digest")]
AFTER = [("jps_reporting", "0003_batch_item_result_applied")]

pytestmark = pytest.mark.django_db(transaction=True)


def test_items_of_files_applied_before_are_answered(cast):
    m, k = cast["madoguchi"], cast["kakunin"]
    answered, waiting = approved_acquisition(m, k), approved_acquisition(m, k)
    batch_confirm(
        cutoff=timezone.localdate(),
        entry_ids=[answered.pk, waiting.pk],
        messages={},
        actor=cast["shintatsu"],
    )
    line = f"{answered.receipt_number},01,1234-567890,ｼｹﾝ ﾀﾛｳ,1990-06-15,,,,,,,,2026-11-20,"
    content = f2(line).encode()
    upload = ResultsUpload.objects.create(
        filename="kekka.csv",
        encoding="utf-8",
        sha256="0" * 64,
        content=content,
        line_count=1,
        uploaded_by=cast["shintatsu"],
        applied_at=timezone.now(),
    )
    ResultsUpload.objects.create(  # requested, never applied: answers nothing
        filename="mada.csv",
        encoding="utf-8",
        sha256="1" * 64,
        content=f2(line.replace(answered.receipt_number, waiting.receipt_number)).encode(),
        line_count=1,
        uploaded_by=cast["shintatsu"],
    )

    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)

    item = BatchItem.objects.get(entry=answered)
    assert (item.jps_result_upload_id, item.jps_result_on) == (upload.pk, date(2026, 11, 20))
    assert [i.entry_id for i in unanswered_items()] == [waiting.pk]
