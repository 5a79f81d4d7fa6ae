"""The auditor's screens (監査担当 only: permission `view_audit`). Every use is itself audited."""

import logging
from itertools import batched

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from kokumin_nenkin.accounts.access import requires
from kokumin_nenkin.accounts.models import Staff
from kokumin_nenkin.csv_safety import csv_response
from kokumin_nenkin.pdf import render_pdf

from . import abnormal, anchors, selectors
from .display import details_line, target_text
from .forms import DaySheetForm, EventSearchForm, ReportPeriodForm
from .lookups import label_events, subject, subject_labels
from .models import Action, AuditEvent
from .search_words import shown_words
from .services import record
from .templatetags.audit_tags import audit_time

logger = logging.getLogger(__name__)
PAGE_SIZE = 50
CSV_CHUNK = 2000
CSV_HEADER = [
    "連番",
    "日時",
    "操作",
    "操作者ID",
    "操作者",
    "所属",
    "接続元",
    "宛名番号",
    "対象者",
    "対象",
    "詳細",
    "リクエストID",
]


def _page(request, queryset):
    """One page, read now: the screen shows the log as it was before its own event is added."""
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = label_events(list(page.object_list))
    return page


def _csv_rows(queryset):
    for chunk in batched(queryset.iterator(chunk_size=CSV_CHUNK), CSV_CHUNK):
        labels = subject_labels(e.person_id for e in chunk)
        words = shown_words(chunk)
        yield from (_csv_row(e, labels.get(e.person_id), words.get(e.pk)) for e in chunk)


def _csv_row(e, label, words: str | None = None) -> list:
    return [
        e.chain_position,
        audit_time(e.created_at),
        e.get_action_display(),
        e.actor.username if e.actor else "",
        e.actor.full_name if e.actor else "",
        e.office.name if e.office else "",
        e.client_ip or "",
        label.number if label else "",
        label.name if label else "",
        target_text(e.object_type, str(e.object_id), {}) if e.object_type else "",
        details_line(e.details, words),
        e.request_id,
    ]


def _search(request) -> tuple[EventSearchForm, QuerySet[AuditEvent]]:
    form = EventSearchForm(request.GET or None)
    if request.GET and not form.is_valid():
        return form, AuditEvent.objects.none()
    if not request.GET:
        form = EventSearchForm({})
        form.is_valid()
    return form, selectors.events(**form.filters())


@requires("view_audit")
@require_GET
def index(request):
    """Search events by person (宛名番号), staff, action and period."""
    form, queryset = _search(request)
    page = _page(request, queryset)
    if form.is_bound and not form.errors:
        record(
            Action.SEARCH,
            person=form.cleaned_data.get("addressee_number"),
            details={
                "画面": "audit_search",
                "条件": form.described(),
                "該当件数": page.paginator.count,
                "ページ": page.number,
            },
        )
    else:
        record(Action.SEARCH, details={"画面": "audit_search", "入力誤り": True, "該当件数": 0})
    return render(request, "audit/index.html", {"form": form, "page": page})


@requires("view_audit")
@require_GET
def export_events(request):
    form, queryset = _search(request)
    if form.errors:
        return HttpResponseBadRequest("検索条件に誤りがあります。".encode())
    record(
        Action.EXPORT,
        person=form.cleaned_data.get("addressee_number"),
        details={"画面": "audit_search", "条件": form.described(), "件数": queryset.count()},
    )
    return csv_response("audit_events.csv", CSV_HEADER, _csv_rows(queryset))


@requires("view_audit")
@require_GET
def person_history(request, pk: int):
    """Who looked at or changed this person's records, newest first."""
    person = subject(pk)
    if person is None:
        raise Http404("該当する方はいません。")
    page = _page(request, selectors.events(person=person))
    changes = selectors.field_changes(person)
    record(Action.VIEW, person=person, details={"画面": "audit_person", "ページ": page.number})
    label = subject_labels([pk])[pk]
    return render(
        request,
        "audit/person.html",
        {"person": person, "subject": label, "page": page, "changes": changes},
    )


@requires("view_audit")
@require_GET
def staff_activity(request, pk: int):
    """Everything one staff member did, newest first."""
    staff = get_object_or_404(Staff, pk=pk)
    page = _page(request, selectors.events(actor=staff))
    record(
        Action.VIEW,
        target=staff,
        details={"画面": "audit_staff", "職員": staff.username, "ページ": page.number},
    )
    return render(request, "audit/staff.html", {"staff": staff, "page": page})


def _report(request):
    form = ReportPeriodForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return form, None
    if not form.is_bound:
        form = ReportPeriodForm({})
        form.is_valid()
    return form, abnormal.report(*form.period())


@requires("view_audit")
@require_GET
def abnormal_report(request):
    form, report = _report(request)
    details: dict[str, object] = {"画面": "audit_abnormal"}
    if report is not None:
        details |= {
            "開始日": report.date_from.isoformat(),
            "終了日": report.date_to.isoformat(),
            "検出件数": report.total,
        }
    record(Action.VIEW, details=details)
    return render(
        request,
        "audit/abnormal.html",
        {"form": form, "report": report},
    )


@requires("view_audit")
@require_GET
def export_abnormal(request):
    _form, report = _report(request)
    if report is None:
        return HttpResponseBadRequest("期間の指定に誤りがあります。".encode())
    record(
        Action.EXPORT,
        details={
            "画面": "audit_abnormal",
            "開始日": report.date_from.isoformat(),
            "終了日": report.date_to.isoformat(),
            "件数": report.total,
        },
    )
    header = ["区分", "日時", "操作者ID", "操作者", "内容", "連番", "宛名番号"]
    rows = (
        [
            f.label,
            f"{audit_time(f.at)}",
            f.actor,
            f.actor_name,
            f.description,
            f.event_position or "",
            " ".join(f.person_numbers),
        ]
        for f in report.findings
    )
    return csv_response("audit_abnormal.csv", header, rows)


DAILY_SHEET = "監査ログの日次確認票"


@requires("view_audit")
@require_GET
def daily_sheet(request):
    """日次監査票 (A4 PDF): the chain's heads of a day — from the database and from the anchor
    file outside it — for the 監査担当 to print, compare and sign. Printing it appends the
    current head to the anchor file, so the paper and the file hold the same head."""
    form = DaySheetForm(request.GET)
    if not form.is_valid():
        return HttpResponseBadRequest(
            "対象日の指定に誤りがあります（例: 令和8年12月2日）。".encode(),
            content_type="text/plain; charset=utf-8",
        )
    day = form.chosen_day()
    heads = selectors.day_heads(day)
    printed, append_failed = None, False
    if day == timezone.localdate():
        try:
            printed = anchors.append_head(anchors.DAILY_SHEET)
        except OSError:
            append_failed = True
            logger.exception("日次監査票: 保管ファイルに先頭ハッシュを追記できませんでした")
    kept = anchors.heads_on(day)
    record(
        Action.PRINT,
        details={"帳票": DAILY_SHEET, "期間": day.isoformat(), "件数": heads.count},
    )

    def head(value):
        return anchors.Head(*value) if value else None

    pdf = render_pdf(
        "audit/daily_sheet_pdf.html",
        {
            "day": day,
            "heads": heads,
            "before": head(heads.before),
            "first": head(heads.first),
            "last": head(heads.last),
            "kept": kept,
            "printed": printed,
            "append_failed": append_failed,
            "anchor_file_set": anchors.anchor_file() is not None,
            "printed_at": timezone.localtime(),
            "printed_by": request.user,
            "city_name": settings.CITY_NAME,
        },
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="audit-daily-sheet.pdf"'
    return response
