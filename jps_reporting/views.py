"""進達 screens, stored outputs, the 受付処理簿, and the results import. Thin: forms check,
services act, every view declares its access."""

from datetime import date
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from audit.models import Action
from audit.policy import no_personal_data
from audit.services import record, record_many
from kokumin_nenkin.accounts.access import requires
from kokumin_nenkin.accounts.models import Office
from kokumin_nenkin.accounts.selectors import chosen_office
from kokumin_nenkin.confirm import confirm_first
from kokumin_nenkin.pdf.lists import list_pdf
from kokumin_nenkin.post_only import post_only
from kokumin_nenkin.terminals import refuse_unless_designated_terminal
from kokumin_nenkin.verification import permissions
from kokumin_nenkin.verification.models import Status
from kokumin_nenkin.verification.services import VerificationError, entry_withdraw
from kokumin_nenkin.wareki import format_date
from kokumin_nenkin.wareki.forms import WarekiDateField

from . import results, selectors, services
from .batches import preview
from .formats.f2 import OUTCOME_LABELS, Outcome, summarize
from .forms import CutoffForm, ResultsUploadForm, clean_message
from .models import Batch, BatchOutput, ResultsUpload

F1_PURPOSE = "電子媒体ファイル（F1）の出力"


@requires("report_to_jps")
@require_GET
def index(request):
    batches = list(selectors.batches()[:50])
    record(Action.VIEW, details={"画面": "進達一覧", "件数": len(batches)})
    return render(
        request,
        "jps_reporting/index.html",
        {"unreported": selectors.unreported_entries().count(), "batches": batches},
    )


def _messages_from(request, entries) -> tuple[dict[int, str], dict[int, str]]:
    values, errors = {}, {}
    for e in entries:
        raw = request.POST.get(f"message-{e.pk}", "")
        try:
            values[e.pk] = clean_message(raw)
        except forms.ValidationError as exc:
            values[e.pk] = raw
            errors[e.pk] = " ".join(exc.messages)
    return values, errors


def _batch_question(request) -> str:
    count = len([x for x in request.POST.getlist("entry") if x.isdigit()])
    try:
        cutoff = format_date(date.fromisoformat(request.POST.get("cutoff", "")))
    except ValueError:
        cutoff = request.POST.get("cutoff", "")
    return f"{cutoff}までに承認された受付 {count}件で進達を確定します。"


def _batch_back(request) -> str:
    query = urlencode({"cutoff": request.POST.get("cutoff", "")})
    return f"{reverse('jps_reporting:batch_new')}?{query}"


@requires("report_to_jps")
@require_http_methods(["GET", "POST"])
@confirm_first(
    question=_batch_question,
    note="確定すると進達番号が付き、受付は「進達済」になります。報告書・送付書・電子媒体が作成されます。",
    action="進達を確定する",
    back=_batch_back,
)
def batch_new(request):
    """Preview a batch up to a cut-off (counts per 届書種類, paper-only items and why), edit the
    連絡欄 per item, confirm."""
    data = request.POST if request.method == "POST" else request.GET
    # the cut-off opens on today (issue 14, item 9): most batches are cut on the day
    cutoff_form = CutoffForm(
        data if "cutoff" in data else None, initial={"cutoff": timezone.localdate()}
    )
    if not cutoff_form.is_valid():
        no_personal_data(request)  # only the cut-off form: no entry is listed yet
        return render(request, "jps_reporting/batch_new.html", {"cutoff_form": cutoff_form})
    cutoff: date = cutoff_form.cleaned_data["cutoff"]
    entries = list(selectors.unreported_entries(cutoff))
    values, errors = _messages_from(request, entries) if request.method == "POST" else ({}, {})
    error = None
    if request.method == "POST" and not errors:
        ids = [int(x) for x in request.POST.getlist("entry") if x.isdigit()]
        try:
            with transaction.atomic():
                batch = services.batch_confirm(
                    cutoff=cutoff, entry_ids=ids, messages=values, actor=request.user
                )
        except services.ReportingRefused as exc:
            error = str(exc)
        else:
            messages.success(
                request,
                f"進達 第{batch.number}号を確定しました。"
                "報告書・送付書・電子媒体を作成しています。",
            )
            return redirect("jobs:progress", job_id=batch.job_id)
    shown = preview(
        entries,
        messages={k: v for k, v in values.items() if k not in errors},
        municipality_code=settings.MUNICIPALITY_CODE,
    )
    # The preview lists each person by name: one VIEW per person, so "who looked at X" finds it.
    shown_persons = [r.entry.person for r in shown.rows if r.entry.person_id]
    if shown_persons:
        record_many(
            Action.VIEW,
            persons=shown_persons,
            details=[
                {"画面": "進達のプレビュー", "受付": r.entry.pk}
                for r in shown.rows
                if r.entry.person_id
            ],
        )
    else:
        record(Action.VIEW, details={"画面": "進達のプレビュー", "件数": shown.total})
    rows = [
        {"row": r, "value": values.get(r.entry.pk, r.item.message), "error": errors.get(r.entry.pk)}
        for r in shown.rows
    ]
    status = 400 if errors or error else 200
    return render(
        request,
        "jps_reporting/batch_new.html",
        {
            "cutoff_form": cutoff_form,
            "cutoff": cutoff,
            "preview": shown,
            "rows": rows,
            "error": error,
            "has_errors": bool(errors),
        },
        status=status,
    )


@requires("report_to_jps")
@require_GET
def batch_detail(request, pk: int):
    batch = get_object_or_404(selectors.batches(), pk=pk)
    items = list(selectors.batch_items(batch))
    stored = list(batch.outputs.defer("content").order_by("kind", "part"))
    outputs = {o.kind: o for o in stored if o.part == 1}
    sheet_parts = [o for o in stored if o.kind == BatchOutput.Kind.SHEETS]
    persons = [i.entry.person for i in items if i.entry.person_id is not None]
    details = {"画面": "進達の詳細", "件数": len(items)}
    if persons:  # each person listed has this screen in their access history
        record_many(Action.VIEW, persons=persons, target=batch, details=details)
    else:
        record(Action.VIEW, target=batch, details=details)
    return render(
        request,
        "jps_reporting/batch_detail.html",
        {
            "batch": batch,
            "items": items,
            "outputs": outputs,
            "sheet_parts": sheet_parts if len(sheet_parts) > 1 else [],
            "kinds": BatchOutput.Kind,
        },
    )


@requires("report_to_jps")
@require_GET
def batch_output(request, pk: int, kind: str, part: int = 1):
    """Serve a stored output (reprint): the bytes made at confirmation, never rebuilt. The
    report sheets of a large batch are stored in parts (`JPS_SHEETS_PER_PART`)."""
    batch = get_object_or_404(Batch, pk=pk)
    if kind not in BatchOutput.Kind.values:
        raise Http404
    if kind == BatchOutput.Kind.F1:
        refused = refuse_unless_designated_terminal(request, purpose=F1_PURPOSE)
        if refused is not None:
            return refused
    output = selectors.batch_output(batch, kind, part)
    if output is None:
        raise Http404("この出力はまだ作成されていません。")
    services.output_served(output=output, actor=request.user)
    response = HttpResponse(bytes(output.content), content_type=output.content_type)
    disposition = "attachment" if kind == BatchOutput.Kind.F1 else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{output.filename}"'
    response["Cache-Control"] = "no-store"
    return response


@requires("report_to_jps")
@post_only(back=lambda request, pk: reverse("jps_reporting:batch", args=[pk]))
def batch_rebuild(request, pk: int):
    batch = get_object_or_404(Batch, pk=pk)
    try:
        job = services.batch_rebuild_outputs(batch=batch, actor=request.user)
    except services.ReportingRefused as exc:
        messages.error(request, str(exc))
        no_personal_data(request)  # refused before anything was read or made
        return redirect("jps_reporting:batch", pk=batch.pk)
    return redirect("jobs:progress", job_id=job.pk)


class RegisterForm(forms.Form):
    day = WarekiDateField(label="受付日")
    office = forms.ModelChoiceField(
        label="事務所",
        queryset=Office.objects.order_by("sort_order"),
        empty_label="選択してください",
        error_messages={"required": "事務所を選択してください。"},
    )


@requires("report_to_jps")
@require_GET
def receipt_register(request):
    """受付処理簿: the entries taken in on a day at an office, as a PDF."""
    form = RegisterForm(request.GET if "day" in request.GET else None)
    if not form.is_valid():
        no_personal_data(request)  # the day-and-office form only
        return render(request, "jps_reporting/register_form.html", {"form": form})
    return _register_pdf(request, form.cleaned_data["day"], form.cleaned_data["office"])


class OwnRegisterForm(forms.Form):
    day = WarekiDateField(label="受付日")


@requires("enter_entry")
@require_GET
def receipt_register_own(request):
    """The 窓口担当's own 受付処理簿 (issue 14, item 9): their office (branch offices included)
    and a day, today unless chosen."""
    office = request.user.office
    form = OwnRegisterForm(
        request.GET if "day" in request.GET else None, initial={"day": timezone.localdate()}
    )
    if office is None or not form.is_valid():
        no_personal_data(request)  # the day form only
        return render(
            request, "jps_reporting/register_form.html", {"form": form, "own_office": office}
        )
    return _register_pdf(request, form.cleaned_data["day"], office)


def _register_pdf(request, day, office) -> HttpResponse:
    entries = list(selectors.receipt_register(day, office.pk))
    return list_pdf(
        request,
        template="jps_reporting/pdf/receipt_register.html",
        context={"period": f"受付日 {format_date(day)}", "entries": entries},
        persons=[e.person for e in entries],  # each person on it has it in their history
        sheet="受付処理簿",
        count=len(entries),
        office=office,
        filename=f"uketsuke-{day:%Y%m%d}-{office.code}.pdf",
        details={"出力": "受付処理簿"},
    )


# --- results ------------------------------------------------------------------------------
@requires("import_jps_results")
@require_http_methods(["GET", "POST"])
def results_upload(request):
    form = ResultsUploadForm(request.POST or None, request.FILES or None)
    f2 = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            saved, f2 = results.results_upload(
                data=upload.read(),
                filename=upload.name,
                encoding=form.cleaned_data["encoding"],
                actor=request.user,
            )
        except results.ResultsRefused as exc:
            form.add_error(None, str(exc))
        else:
            if saved is not None:
                return redirect("jps_reporting:results_detail", pk=saved.pk)
    status = 400 if request.method == "POST" else 200
    if request.method == "GET":
        no_personal_data(request)  # the upload form and the waiting files' names and counts
    pending = list(selectors.results_uploads().filter(applied_at__isnull=True)[:20])
    return render(
        request,
        "jps_reporting/results_upload.html",
        {"form": form, "result": f2, "pending": pending},
        status=status,
    )


def _reconciliation(request, pk: int, *, may_request: bool):
    upload = get_object_or_404(selectors.results_uploads(), pk=pk)
    _, lines = results.reconciled(upload)
    summary = summarize(lines)
    record(Action.VIEW, target=upload, details={"画面": "処理結果の突合", "件数": summary.total})
    sections = [
        {
            "outcome": o,
            "label": OUTCOME_LABELS[o],
            "count": summary.counts[o],
            "rows": results.planned_lines(summary.examples[o]),
        }
        for o in (Outcome.CONFLICT, Outcome.UNMATCHED, Outcome.MATCHED)
    ]
    return render(
        request,
        "jps_reporting/results_detail.html",
        {
            "upload": upload,
            "sections": sections,
            "first_receipt_number": results.first_receipt_number(upload),
            "may_request": may_request
            and upload.applied_at is None
            and (upload.entry is None or upload.entry.status == Status.WITHDRAWN),
            "may_withdraw": may_request
            and upload.entry is not None
            and permissions.can_withdraw(request.user, upload.entry),
        },
    )


@requires("import_jps_results")
@require_GET
def results_detail(request, pk: int):
    """The reconciliation screen: matched, unmatched and conflicting lines."""
    return _reconciliation(request, pk, may_request=True)


@requires("verify_entry")
@require_GET
def results_check(request, pk: int):
    """The same screen for the 確認担当 who approves the apply (no request button)."""
    return _reconciliation(request, pk, may_request=False)


def _back_to_results(request, pk: int) -> str:
    return reverse("jps_reporting:results_detail", args=[pk])


@requires("import_jps_results")
@post_only(back=_back_to_results)
def results_request(request, pk: int):
    upload = get_object_or_404(ResultsUpload, pk=pk)
    try:
        with transaction.atomic():
            entry = results.results_request_apply(upload=upload, actor=request.user)
    except (VerificationError, ValidationError) as exc:
        # the kind's rules (already applied, count differs, another waiting file answers the
        # same 受付番号) or the mechanism's: refused, and the refusal is audited
        message = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        messages.error(request, message)
        record(
            Action.SUBMIT,
            target=upload,
            details={"種類": results.RESULTS_KIND, "結果": "refused"},
        )
    else:
        messages.success(
            request,
            f"反映を依頼しました（受付番号 {entry.receipt_number}）。"
            "確認担当の承認で反映されます。",
        )
    return redirect("jps_reporting:results_detail", pk=upload.pk)


@requires("import_jps_results")
@post_only(back=_back_to_results)
def results_withdraw(request, pk: int):
    """The clerk takes back a request to apply (pending, or returned by the 確認担当)."""
    upload = get_object_or_404(ResultsUpload, pk=pk)
    if upload.entry_id is None:
        raise Http404
    try:
        with transaction.atomic():
            entry_withdraw(entry_id=upload.entry_id, actor=request.user)
    except VerificationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "反映の依頼を取り下げました。")
    return redirect("jps_reporting:results_detail", pk=upload.pk)


# --- 進達済・結果未着一覧 --------------------------------------------------------------------
UNANSWERED = "進達済・結果未着一覧"


def _unanswered(request):
    """The rows of the office chosen (every office unless one is), oldest 進達 first."""
    office = chosen_office(request, own_by_default=False)
    rows = selectors.unanswered_rows(
        timezone.localdate(), office.pk if office is not None else None
    )
    return office, rows


@requires("report_to_jps")
@never_cache
@require_GET
def unanswered(request):
    """The entries sent to JPS whose result has not come back (issue 14, item 9): one view
    event per person listed."""
    office, rows = _unanswered(request)
    if rows:
        record_many(
            Action.VIEW,
            persons=[r.item.entry.person for r in rows],
            details=[{"画面": UNANSWERED, "進達番号": r.item.batch.number} for r in rows],
        )
    else:
        no_personal_data(request)
    return render(
        request,
        "jps_reporting/unanswered.html",
        {
            "rows": rows,
            "overdue_days": settings.JPS_RESULT_OVERDUE_DAYS,
            "overdue_count": sum(1 for r in rows if r.overdue),
            "office": office.code if office is not None else "all",
            "offices": Office.objects.all(),
        },
    )


@requires("report_to_jps")
@never_cache
@require_GET
def unanswered_pdf(request):
    """The same list on A4 paper, of the office chosen on the screen."""
    office, rows = _unanswered(request)
    return list_pdf(
        request,
        template="jps_reporting/pdf/unanswered.html",
        context={
            "rows": rows,
            "subtitle": (
                f"進達の古い順（報告年月日から{settings.JPS_RESULT_OVERDUE_DAYS}日を過ぎたものは要照会）"
            ),
        },
        persons=[r.item.entry.person for r in rows],
        sheet=UNANSWERED,
        count=len(rows),
        office=office,
        filename="kekka-michaku.pdf",
    )
