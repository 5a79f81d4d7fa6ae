"""Reads for 進達 and results import."""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db.models import QuerySet

from kokumin_nenkin.verification.models import Entry, Status
from kokumin_nenkin.verification.registry import all_kinds

from .codes import FORM_KINDS
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


def unanswered_items(office_id: int | None = None) -> QuerySet[BatchItem]:
    """進達済・結果未着: the items of entries 進達済 with no JPS result applied to them
    (`BatchItem.jps_result_upload`) and not sent back, of one office (the entry's 受付 office)
    or every office, oldest 進達 first."""
    qs = BatchItem.objects.filter(
        entry__status=Status.REPORTED,
        jps_result_upload__isnull=True,
        jps_returned_on__isnull=True,
    )
    if office_id is not None:
        qs = qs.filter(entry__maker_office_id=office_id)
    return qs.select_related("entry", "entry__person", "batch").order_by(
        "batch__reported_on", "batch__number", "entry__receipt_number"
    )


@dataclass(frozen=True)
class UnansweredRow:
    item: BatchItem
    days: int  # days since the 報告年月日
    overdue: bool  # older than JPS_RESULT_OVERDUE_DAYS: 要照会

    @property
    def form_label(self) -> str:
        return FORM_KINDS.get(self.item.form_code, self.item.form_code)


def unanswered_rows(today: date, office_id: int | None = None) -> list[UnansweredRow]:
    limit = settings.JPS_RESULT_OVERDUE_DAYS
    rows = []
    for item in unanswered_items(office_id):
        days = (today - item.batch.reported_on).days
        rows.append(UnansweredRow(item=item, days=days, overdue=days > limit))
    return rows


def home_summary() -> dict:
    """The 進達担当's home-page block: entries waiting to be reported, the last batch, and the
    entries sent whose result has not come (all offices)."""
    from kokumin_nenkin.home import kept_for_home

    return {
        "unreported": unreported_entries().count(),
        "last": batches().first(),
        # results come twice a week: the figure may be a minute old, the list never is
        "unanswered": kept_for_home("jps_reporting.unanswered", lambda: unanswered_items().count()),
    }
