"""進達 (confirming a batch, making its outputs once) and applying JPS results.

Every function runs in one transaction and writes its audit event. A 受付番号 is 12 digits:
it never goes into audit details (the target is the batch or the entry instead).
"""

import hashlib
from datetime import date

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from audit.anchors import anchor_after_commit
from audit.models import Action
from audit.services import digest_for_details, record, record_many
from kokumin_nenkin.jobs.models import Job
from kokumin_nenkin.jobs.services import JobFailed, Progress, job_handler, job_start
from kokumin_nenkin.verification.services import entry_mark_reported

from . import selectors
from .batches import (
    entry_report_item,
    fingerprint,
    fingerprint_matches,
    item_from_snapshot,
    item_snapshot,
    preview,
)
from .documents import (
    BatchInfo,
    render_report_sheet_parts,
    render_transmittal,
    sheet_part_count,
)
from .formats.f1 import write_f1
from .models import Batch, BatchItem, BatchOutput, ReportTarget


class ReportingRefused(Exception):
    """A refused 進達 or import operation; the message is Japanese and shown to the clerk."""


# --- 進達 -------------------------------------------------------------------------------------
@transaction.atomic
def batch_confirm(
    *,
    cutoff: date,
    entry_ids: list[int],
    messages: dict[int, str],
    actor,
    reported_on: date | None = None,
) -> Batch:
    """Confirm the batch the clerk previewed: number it, store items 56–60 and the report
    line of each entry, move the entries to 進達済 (and, through each kind's hook, the records
    they wrote), and start the job that makes the outputs once."""
    reported_on = reported_on or timezone.localdate()
    current = list(selectors.unreported_entries(cutoff).select_for_update(of=("self",)))
    if not current:
        raise ReportingRefused("進達する承認済みの受付がありません。")
    if sorted(e.pk for e in current) != sorted(entry_ids):
        raise ReportingRefused(
            "プレビューの後に未進達の受付が変わりました。もう一度プレビューしてから確定してください。"
        )
    municipality_code = settings.MUNICIPALITY_CODE
    shown = preview(current, messages=messages, municipality_code=municipality_code)
    if shown.blocked:
        raise ReportingRefused(
            "個人番号らしき12桁の数字がある受付は進達できません。記録を訂正してください。"
        )
    number = (Batch.objects.aggregate(n=Max("number"))["n"] or 0) + 1
    try:
        with transaction.atomic():
            batch = Batch.objects.create(
                number=number,
                cutoff=cutoff,
                reported_on=reported_on,
                municipality_code=municipality_code,
                created_by=actor,
            )
    except IntegrityError:
        raise ReportingRefused(
            "同時に別の進達が確定されました。もう一度プレビューしてください。"
        ) from None
    for row in shown.rows:
        BatchItem.objects.create(
            batch=batch,
            entry=row.entry,
            recorded_on_media=row.recorded,
            report_target=ReportTarget.YES,
            reported_on=reported_on,
            form_code=row.item.form_code,
            message=row.item.message,
            paper_reasons="\n".join(row.paper_reasons),
            snapshot=item_snapshot(row.item),
            fingerprint=fingerprint(row.item),
        )
        entry_mark_reported(entry_id=row.entry.pk, actor=actor)
    record(
        Action.CREATE,
        target=batch,
        details={
            "進達番号": batch.number,
            "件数": shown.total,
            "紙のみ": shown.paper_only,
            "届書種類別": {c.form_code: c.total for c in shown.counts},
        },
        actor=actor,
    )
    job = job_start(
        handler=build_batch_outputs,
        owner=actor,
        label=f"進達 第{batch.number}号の報告書・送付書・電子媒体の作成",
        params={"batch_id": batch.pk},
    )
    Batch.objects.filter(pk=batch.pk).update(job=job)
    batch.refresh_from_db()
    # The chain's head, with this batch's events in it, goes to the anchor file once committed.
    anchor_after_commit(f"進達 第{batch.number}号")
    return batch


def changed_items(batch: Batch) -> list[BatchItem]:
    """Items whose entry or person no longer gives the report line stored at confirmation."""
    changed = []
    for item in selectors.batch_items(batch):
        now = entry_report_item(item.entry, message=item.message)
        if not fingerprint_matches(now, item.fingerprint):
            changed.append(item)
    return changed


def _store(
    batch: Batch, kind: str, filename: str, content_type: str, content: bytes, *, part: int = 1
) -> str:
    sha = hashlib.sha256(content).hexdigest()
    BatchOutput.objects.create(
        batch=batch,
        kind=kind,
        part=part,
        filename=filename,
        content_type=content_type,
        content=content,
        sha256=sha,
    )
    return sha


@job_handler
def build_batch_outputs(job: Job, progress: Progress) -> dict:
    """The outputs of a confirmed batch, made once from the stored report lines. A batch whose
    entries changed since confirmation is never silently rebuilt: the job fails and says which."""
    batch = Batch.objects.get(pk=job.params["batch_id"])
    if batch.outputs.exists():
        raise JobFailed(
            f"進達 第{batch.number}号の出力は作成済みです。再印刷は保存済みの出力を使います。"
        )
    items_qs = list(selectors.batch_items(batch))
    progress.start(total=len(items_qs) + 3, message="進達時の内容と現在の記録を照合しています")
    changed = changed_items(batch)
    if changed:
        message = (
            f"進達 第{batch.number}号: 進達後に内容が変わった受付が{len(changed)}件あります。"
            "出力は作成しません（内容を確認し、訂正は新しい受付として進達してください）。"
        )
        Batch.objects.filter(pk=batch.pk).update(
            output_status=Batch.OutputStatus.FAILED, output_message=message[:300]
        )
        record(
            Action.EXPORT,
            target=batch,
            details={"結果": "refused", "理由": "進達後の変更", "件数": len(changed)},
            actor=job.owner,
        )
        raise JobFailed(message)
    progress.advance(len(items_qs), message="報告書を作成しています")
    items = [item_from_snapshot(i.snapshot) for i in items_qs]
    paper_only = {
        i.entry.receipt_number: tuple(i.paper_reasons.splitlines())
        for i in items_qs
        if not i.recorded_on_media
    }
    info = BatchInfo(
        batch_number=batch.number,
        reported_on=batch.reported_on,
        city_name=settings.CITY_NAME,
        municipality_code=batch.municipality_code,
        sender=f"{settings.CITY_NAME}長",
    )
    stem = f"shintatsu-{batch.number:06d}"
    with transaction.atomic():
        parts = sheet_part_count(len(items))
        digests: dict[str, str] = {}
        for number, sheets in enumerate(
            render_report_sheet_parts(items, batch=info, paper_only=paper_only), start=1
        ):
            suffix = "" if parts == 1 else f"-{number:02d}"
            label = "報告書" if parts == 1 else f"報告書（{number}/{parts}）"
            digests[label] = _store(
                batch,
                "sheets",
                f"{stem}-houkokusho{suffix}.pdf",
                "application/pdf",
                sheets,
                part=number,
            )
            del sheets  # one part in memory at a time
            progress.advance(0, message=f"報告書を作成しています（{number}/{parts}）")
        progress.advance(message="送付書を作成しています")
        transmittal = render_transmittal(items, batch=info, paper_only=paper_only)
        progress.advance(message="電子媒体ファイルを作成しています")
        f1 = write_f1(
            items,
            municipality_code=batch.municipality_code,
            batch_number=batch.number,
            created_on=batch.reported_on,
        )
        if {p.item.receipt_number for p in f1.paper_only} != set(paper_only):
            raise JobFailed("電子媒体に収録できる受付が確定時と一致しません。出力は作成しません。")
        digests["送付書"] = _store(
            batch, "transmittal", f"{stem}-soufusho.pdf", "application/pdf", transmittal
        )
        digests["電子媒体"] = _store(
            batch, "f1", f"{stem}.dat", "application/octet-stream", f1.content
        )
        progress.advance()
        Batch.objects.filter(pk=batch.pk).update(
            output_status=Batch.OutputStatus.READY, output_message=""
        )
        record(
            Action.EXPORT,
            target=batch,
            details={
                "結果": "created",
                "進達番号": batch.number,
                "SHA-256": {k: digest_for_details(v) for k, v in digests.items()},
            },
            actor=job.owner,
        )
    return {
        "summary": f"進達 第{batch.number}号の出力を作成しました（{len(items)}件）。",
        "next_url": f"/jps/batches/{batch.pk}/",
    }


class BatchChanged(ReportingRefused):
    pass


def batch_rebuild_outputs(*, batch: Batch, actor) -> Job:
    """Make the outputs again only when none were stored (the first job failed) and no entry
    changed since confirmation; otherwise refuse and say why. A refusal for a change is
    audited outside the refused transaction, so the audit row is kept."""
    try:
        return _rebuild(batch, actor)
    except BatchChanged as exc:
        record(
            Action.EXPORT,
            target=batch,
            details={"結果": "refused", "理由": "進達後の変更", "件数": exc.args[1]},
            actor=actor,
        )
        raise ReportingRefused(exc.args[0]) from None


@transaction.atomic
def _rebuild(batch: Batch, actor) -> Job:
    batch = Batch.objects.select_for_update().get(pk=batch.pk)
    if batch.outputs.exists():
        raise ReportingRefused(
            "出力は作成済みです。再印刷は保存済みの出力を使います（作り直しはできません）。"
        )
    changed = changed_items(batch)
    if changed:
        raise BatchChanged(
            f"進達後に内容が変わった受付が{len(changed)}件あります。この進達の出力は作り直せません。",
            len(changed),
        )
    Batch.objects.filter(pk=batch.pk).update(output_status=Batch.OutputStatus.PENDING)
    # The request that asks is audited itself: the job runs only after it has committed.
    record(
        Action.EXPORT,
        target=batch,
        details={"結果": "requested", "進達番号": batch.number},
        actor=actor,
    )
    job = job_start(
        handler=build_batch_outputs,
        owner=actor,
        label=f"進達 第{batch.number}号の出力の作成",
        params={"batch_id": batch.pk},
    )
    Batch.objects.filter(pk=batch.pk).update(job=job)
    return job


def output_served(*, output: BatchOutput, actor) -> None:
    """Audit a stored output handed out again (printed or downloaded)."""
    action = Action.EXPORT if output.kind == BatchOutput.Kind.F1 else Action.PRINT
    details = {
        "結果": "served",
        "出力": output.get_kind_display(),
        "SHA-256": digest_for_details(output.sha256),
    }
    persons = []
    if output.kind in (BatchOutput.Kind.F1, BatchOutput.Kind.SHEETS):
        # the file names each person of the batch: each has it in their access history
        items = selectors.batch_items(output.batch)
        persons = [i.entry.person for i in items if i.entry.person_id is not None]
    if persons:
        record_many(action, persons=persons, target=output.batch, details=details, actor=actor)
    else:
        record(action, target=output.batch, details=details, actor=actor)
