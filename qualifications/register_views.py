"""The register's front door: the F3 import, the work lists, counter registration of a new
person and the F5 file for 市民課. Thin: forms check, services act, selectors read."""

from datetime import date
from urllib.parse import urlencode

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
from audit.policy import no_personal_data, no_personal_data_on
from audit.services import record, record_many
from kokumin_nenkin import wareki
from kokumin_nenkin.accounts.access import requires
from kokumin_nenkin.accounts.models import Office
from kokumin_nenkin.accounts.selectors import chosen_office
from kokumin_nenkin.pdf.lists import list_pdf
from kokumin_nenkin.terminals import refuse_unless_designated_terminal
from kokumin_nenkin.verification.registry import validation_messages
from kokumin_nenkin.verification.services import VerificationError, entry_submit

from . import city_output, services, worklists
from . import new_person as new_person_module
from .models import CityNoticeFile, Person, WorkList
from .new_person import NEW_PERSON
from .register_forms import DismissForm, ResidentsImportForm
from .residents import residents_import


@requires("import_residents")
@no_personal_data_on("GET")  # the blank upload form; the import itself is audited
@require_http_methods(["GET", "POST"])
def residents_import_view(request):
    result = None
    form = ResidentsImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        result = residents_import(
            data=upload.read(),
            filename=upload.name,
            encoding=form.cleaned_data["encoding"],
            actor=request.user,
            dry_run=form.cleaned_data["dry_run"],
        )
        if result.ok and not result.dry_run:
            counts = "・".join(f"{label} {n:,}件" for _, label, n in result.counts())
            messages.success(
                request,
                f"住民異動を取り込みました（{result.lines:,}行: 新規 {result.created:,}件・"
                f"更新 {result.updated:,}件／{counts}）。"
                + (
                    f"「氏名・住所変更の届出」一覧に {result.changes_to_report:,}件を載せました"
                    "（窓口担当が届書を受け付けます）。"
                    if result.changes_to_report
                    else ""
                ),
            )
            return redirect("qualifications:residents_import")
    if result is None or result.dry_run:
        no_personal_data(request)  # the form again, or a dry run's counts: no person shown
    status = 400 if result is not None and not result.ok else 200
    return render(
        request,
        "qualifications/residents_import.html",
        {"form": form, "result": result},
        status=status,
    )


# --- work lists (職権・勧奨) ------------------------------------------------------------------
WORK_LIST_SCREEN = "職権・勧奨一覧"


def _period(request) -> tuple[int, int]:
    today = timezone.localdate()
    text = request.GET.get("month") or request.POST.get("month") or ""
    try:
        year, month = (int(x) for x in text.split("-", 1))
        date(year, month, 1)
    except ValueError:
        return today.year, today.month
    return year, month


def _office(request) -> str | None:
    """The office whose rows are shown: the user's own unless another (or all) is chosen."""
    office = chosen_office(request, own_by_default=True)
    return office.code if office is not None else None


def _list_or_404(code: str) -> WorkList:
    try:
        return WorkList(code)
    except ValueError:
        raise Http404("一覧がありません。") from None


def _list_context(request, work_list: WorkList, dismiss_form=None) -> dict:
    year, month = _period(request)
    office = _office(request)
    rows = worklists.work_list_rows(work_list, year=year, month=month, office=office)
    for row in rows:
        row.intake_url = (
            reverse("verification:new", args=[row.kind, row.person.pk])
            + "?"
            + urlencode(row.initial)
        )
    return {
        "work_list": work_list,
        "lists": list(WorkList),
        "rows": rows,
        "monthly": work_list in worklists.MONTHLY,
        "year": year,
        "month": month,
        "month_value": f"{year:04d}-{month:02d}",
        "month_label": wareki.format_month(year, month),
        "office": office or "all",
        "offices": Office.objects.all(),
        "dismiss_form": dismiss_form,
    }


def _record_list(request, context: dict, action=Action.VIEW, **extra) -> None:
    """Every person listed gets an access event (one round trip for the page)."""
    first, last = worklists.month_bounds(context["year"], context["month"])
    details = {
        "画面": f"{WORK_LIST_SCREEN}:{context['work_list'].label}",
        "件数": len(context["rows"]),
    }
    if context["monthly"]:
        details |= {"開始日": first.isoformat(), "終了日": last.isoformat()}
    details |= extra
    record_many(action, persons=[r.person for r in context["rows"]], details=details)
    if not context["rows"]:
        no_personal_data(request)


@requires("enter_entry")
@never_cache
@require_GET
def work_lists(request):
    """The lists with their counts for the user's office (no person shown)."""
    today = timezone.localdate()
    office = _office(request)
    counts = worklists.work_list_counts(office, today)
    no_personal_data(request)
    return render(
        request,
        "qualifications/work_lists.html",
        {
            "counts": [(w, counts[w.value]) for w in WorkList],
            "month_label": wareki.format_month(today.year, today.month),
            "office": office or "all",
            "offices": Office.objects.all(),
        },
    )


@requires("enter_entry")
@never_cache
@require_http_methods(["GET", "POST"])
def work_list(request, code: str):
    work_list = _list_or_404(code)
    dismiss_form = None
    status = 200
    if request.method == "POST":
        dismiss_form = DismissForm(request.POST)
        if dismiss_form.is_valid():
            person = get_object_or_404(Person, pk=dismiss_form.cleaned_data["person"])
            try:
                services.work_list_dismiss(
                    work_list=work_list,
                    person=person,
                    event_on=dismiss_form.cleaned_data["event_on"],
                    reason=dismiss_form.cleaned_data["reason"],
                    actor=request.user,
                )
            except services.WorkListRefused as exc:
                messages.error(request, str(exc))
                no_personal_data(request)
            else:
                messages.success(request, f"{person.full_name} さんを一覧の対象外にしました。")
            query = urlencode(
                {"month": request.POST.get("month", ""), "office": _office(request) or "all"}
            )
            return redirect(
                reverse("qualifications:work_list", args=[work_list.value]) + "?" + query
            )
        status = 400
    context = _list_context(request, work_list, dismiss_form)
    _record_list(request, context)
    return render(request, "qualifications/work_list.html", context, status=status)


@requires("enter_entry")
@never_cache
@require_GET
def work_list_pdf(request, code: str):
    """The list on A4 paper; every person printed gets a print event."""
    work_list = _list_or_404(code)
    context = _list_context(request, work_list)
    return list_pdf(
        request,
        template="qualifications/work_list_pdf.html",
        context=context,
        persons=[r.person for r in context["rows"]],
        sheet=f"{WORK_LIST_SCREEN}:{work_list.label}",
        title=work_list.label,
        count=len(context["rows"]),
        office=Office.objects.filter(code=context["office"]).first(),
        filename=f"worklist-{work_list.value}.pdf",
    )


# --- counter registration of a new person -------------------------------------------------
@requires("enter_entry")
@never_cache
@require_http_methods(["GET", "POST"])
def new_person(request):
    """被保険者の新規登録: a duplicate is refused or warned, with links, before it is saved."""
    kind = NEW_PERSON
    form = kind.make_form(None, data=request.POST or None)
    found = None
    if request.method == "POST" and form.is_valid():
        payload = kind.encode(form.cleaned_data)
        found = new_person_module.duplicates(payload)
        if found.warned and not form.cleaned_data["not_duplicate"]:
            form.add_error(
                "not_duplicate",
                "同じ方が登録済み・受付中の可能性があります。候補を確認してください。",
            )
        else:
            try:
                with transaction.atomic():
                    entry = entry_submit(
                        kind=kind.code, person=None, payload=payload, actor=request.user
                    )
            except ValidationError as exc:
                for name, msgs in validation_messages(exc).items():
                    for msg in msgs:
                        form.add_error(name if name in form.fields else None, msg)
            except VerificationError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request, f"受付番号 {entry.receipt_number} で受け付けました。確認待ちです。"
                )
                return redirect("verification:detail", pk=entry.pk)
    shown = [*found.same_number, *found.similar] if found else []
    if shown:
        record_many(
            Action.VIEW, persons=shown, details={"画面": "新規登録の重複候補", "件数": len(shown)}
        )
    else:
        no_personal_data(request)  # the blank form, or the form with its errors
    return render(
        request,
        "qualifications/new_person.html",
        {"form": form, "kind": kind, "found": found},
        status=200 if form.is_bound is False or not form.errors else 400,
    )


# --- F5 to 市民課 ---------------------------------------------------------------------------
F5_PURPOSE = "市民課への通知ファイル（F5）の出力"


@requires("report_to_jps")
@never_cache
@require_http_methods(["GET", "POST"])
def city_files(request):
    """The F5 files written so far (names and counts, no person) and writing the next one."""
    if request.method == "POST":
        try:
            output = city_output.city_file_write(actor=request.user)
        except city_output.NothingToWrite as exc:
            messages.error(request, str(exc))
            no_personal_data(request)
        else:
            messages.success(
                request,
                f"市民課への通知ファイルを作成しました（{output.filename}・{output.line_count:,}件）。",
            )
        return redirect("qualifications:city_files")
    files = list(CityNoticeFile.objects.select_related("created_by")[:50])
    record(Action.VIEW, details={"画面": "市民課への通知（F5）", "件数": len(files)})
    return render(
        request,
        "qualifications/city_files.html",
        {"files": files, "queued": city_output.queued_count()},
    )


@requires("report_to_jps")
@never_cache
@require_GET
def city_file_download(request, pk: int):
    """A stored F5 file as written (reprint), only from a designated terminal."""
    output = get_object_or_404(CityNoticeFile, pk=pk)
    refused = refuse_unless_designated_terminal(request, purpose=F5_PURPOSE)
    if refused is not None:
        return refused
    city_output.city_file_served(output=output, actor=request.user)
    response = HttpResponse(bytes(output.content), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{output.filename}"'
    response["Cache-Control"] = "no-store"
    return response
