"""Reads for 進達 and results import."""

from datetime import date

from django.db.models import QuerySet

from kokumin_nenkin.verification.models import Entry, Status
from kokumin_nenkin.verification.registry import all_kinds

from .models import Batch, BatchItem, BatchOutput, ResultsUpload


def reported_kinds() -> list[str]:
    return [code for code, kind in all_kinds().items() if getattr(kind, "reported", True)]


def unreported_entries(cutoff: date | None = None) -> QuerySet[Entry]:
    """Every approved entry of a reported kind not yet in a batch (up to the cut-off date of
    its approval), in 受付番号 order."""
    qs = Entry.objects.filter(
        status=Status.APPROVED,
        kind__in=reported_kinds(),
        person__isnull=False,
        batch_item__isnull=True,
    )
    if cutoff is not None:
        qs = qs.filter(decided_at__date__lte=cutoff)
    return qs.select_related("person", "maker_office").order_by("receipt_number")


def batches() -> QuerySet[Batch]:
    return Batch.objects.select_related("created_by", "job")


def batch_items(batch: Batch) -> QuerySet[BatchItem]:
    return batch.items.select_related("entry", "entry__person").order_by("entry__receipt_number")


def batch_output(batch: Batch, kind: str, part: int = 1) -> BatchOutput | None:
    return BatchOutput.objects.filter(batch=batch, kind=kind, part=part).first()


def receipt_register(day: date, office_id: int) -> QuerySet[Entry]:
    """受付処理簿: the entries taken in on one day at one office, in 受付番号 order."""
    return (
        Entry.objects.filter(created_at__date=day, maker_office_id=office_id)
        .select_related("person", "maker", "checker")
        .order_by("receipt_number")
    )


def results_uploads() -> QuerySet[ResultsUpload]:
    return ResultsUpload.objects.select_related("uploaded_by", "entry")


def returned_items_for(person) -> list[BatchItem]:
    """The person's 届書 that JPS sent back (処理区分 04 / 処理結果 5), any kind, newest first:
    the person-page panel of this app (`jps_reporting.panels`)."""
    return list(
        BatchItem.objects.filter(entry__person=person, jps_returned_on__isnull=False)
        .select_related("entry", "batch")
        .order_by("-jps_returned_on", "-id")
    )


def home_summary() -> dict:
    """The 進達担当's home-page block: entries waiting to be reported and the last batch."""
    return {"unreported": unreported_entries().count(), "last": batches().first()}
