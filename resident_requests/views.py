"""Screens: the open requests (overdue first), intake, a request with its extension, decision
link and disclosure print, the stored package, and the retention screen (propose / approve).
Thin: forms check, services act; every screen that shows a person writes its audit event."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
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
from kokumin_nenkin.pdf import render_pdf
from kokumin_nenkin.pdf.lists import list_pdf
from kokumin_nenkin.post_only import post_only
from kokumin_nenkin.verification import services as verification
from kokumin_nenkin.verification.models import OPEN_STATUSES, Entry
from kokumin_nenkin.verification.permissions import can_verify
from kokumin_nenkin.verification.registry import get_kind
from qualifications.models import Person

from . import selectors, services
from .forms import ExtensionForm, InquiryForm, InquirySearchForm, RequestForm
from .kinds import DECISION_KIND, PURGE, PURGE_KIND
from .models import DisclosurePackage, PurgeProposal, RequestKind, ResidentRequest
from .purge import expired_search_words, plan
from .retention import RETENTION, due_persons

SCREEN = "resident_requests"


def _open_rows(request):
    """The open requests of the office chosen (every office unless one is), overdue first."""
    today = timezone.localdate()
    office = chosen_office(request, own_by_default=False)
    rows = selectors.open_requests(today)
    if office is not None:
        rows = rows.filter(office=office)
    return today, office, list(rows)


@requires("enter_entry")
@require_GET
def index(request):
    today, office, rows = _open_rows(request)
    persons = [r.person for r in rows if r.person is not None]
    if persons:
        record_many(Action.VIEW, persons=persons, details={"画面": SCREEN, "件数": len(rows)})
    else:
        no_personal_data(request)
    return render(
        request,
        "resident_requests/index.html",
        {
            "rows": rows,
            "today": today,
            "office": office.code if office is not None else "all",
            "offices": Office.objects.all(),
        },
    )


@requires("enter_entry")
@never_cache
@require_GET
def index_pdf(request):
    """The open requests on A4 paper (issue 14, item 9), with their deadlines."""
    today, office, rows = _open_rows(request)
    return list_pdf(
        request,
        template="resident_requests/pdf/open_requests.html",
        context={"rows": rows, "today": today},
        persons=[r.person for r in rows],
        sheet="本人からの請求 未決定の一覧",
        count=len(rows),
        office=office,
        filename="seikyu-mikettei.pdf",
    )


@requires("enter_entry")
@require_http_methods(["GET", "POST"])
def new(request, person_pk: int):
    person = get_object_or_404(Person, pk=person_pk)
    form = RequestForm(request.POST or None, initial={"received_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        created = services.request_receive(
            person=person, data=form.cleaned_data, actor=request.user
        )
        messages.success(
            request, f"{created}を受け付けました。決定期限は {created.deadline} です。"
        )
        return redirect("resident_requests:detail", created.pk)
    record(Action.VIEW, person=person, details={"画面": SCREEN})
    return render(request, "resident_requests/new.html", {"form": form, "person": person})


def _detail(request, found, extension_form=None):
    record(Action.VIEW, person=found.person, target=found, details={"画面": SCREEN})
    decision_url = ""
    if found.is_open and found.kind != RequestKind.INQUIRY and found.person_id:
        decision_url = reverse("verification:new", args=[DECISION_KIND, found.person_id])
    return render(
        request,
        "resident_requests/detail.html",
        {
            "req": found,
            "person": found.person,
            "today": timezone.localdate(),
            "extension_form": extension_form or ExtensionForm(),
            "may_extend": request.user.has_perm("accounts.verify_entry") and found.is_open,
            "may_print": found.kind == RequestKind.DISCLOSURE
            and found.decision in services.DISCLOSED,
            "decision_url": decision_url,
            "packages": found.packages.all(),
            "corrections": found.corrections.select_related("entry"),
            "correction_kinds": [(k, get_kind(k).label) for k in services.CORRECTION_KINDS]
            if found.decision == "correct"
            else [],
        },
    )


@requires("enter_entry")
@require_GET
def detail(request, pk: int):
    return _detail(
        request, get_object_or_404(ResidentRequest.objects.select_related("person"), pk=pk)
    )


@requires("verify_entry")
@post_only(back=lambda request, pk: reverse("resident_requests:detail", args=[pk]))
def extend(request, pk: int):
    found = get_object_or_404(ResidentRequest, pk=pk)
    form = ExtensionForm(request.POST)
    if form.is_valid():
        try:
            services.request_extend(
                request_id=pk,
                new_deadline=form.cleaned_data["extended_deadline"],
                reason=form.cleaned_data["extension_reason"],
                actor=request.user,
            )
        except ValidationError as exc:
            form.add_error("extended_deadline", exc.messages[0])
        else:
            messages.success(request, "決定期限を延長しました。")
            return redirect("resident_requests:detail", pk)
    return _detail(request, found, extension_form=form)


@requires("enter_entry")
def correct(request, pk: int, kind: str):
    """The intake screen of the chosen kind, the entry linked to the 訂正請求."""
    from kokumin_nenkin.verification.views import _intake

    found = get_object_or_404(ResidentRequest.objects.select_related("person"), pk=pk)
    if kind not in services.CORRECTION_KINDS or found.decision != "correct":
        raise Http404("この請求では訂正の届書を入力できません。")
    handler = get_kind(kind)
    return _intake(
        request,
        kind=handler,
        person=found.person,
        title=f"{handler.label}（{found}による訂正）",
        save=lambda payload: services.correction_submit(
            request_id=found.pk, kind=kind, payload=payload, actor=request.user
        ),
    )


@requires("print_application")
@post_only(back=lambda request, pk: reverse("resident_requests:detail", args=[pk]))
def print_package(request, pk: int):
    try:
        package = services.disclosure_print(request_id=pk, actor=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        no_personal_data(request)
        return redirect("resident_requests:detail", pk)
    return redirect("resident_requests:package", package.pk)


@requires("print_application")
@require_GET
def package(request, pk: int):
    stored = get_object_or_404(DisclosurePackage, pk=pk)
    record(
        Action.PRINT,
        person=stored.person,
        target=stored,
        details={"帳票": "保有個人情報の開示", "結果": "served"},
    )
    response = HttpResponse(bytes(stored.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="disclosure-{stored.pk}.pdf"'
    return response


@requires("verify_entry")
@require_http_methods(["GET", "POST"])
def retention(request):
    today = timezone.localdate()
    if request.method == "POST":
        try:
            entry = services.purge_propose(as_of=today, actor=request.user)
        except (ValidationError, verification.VerificationError) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
            no_personal_data(request)
        else:
            messages.success(request, f"消去を提案しました（受付番号 {entry.receipt_number}）。")
        return redirect("resident_requests:retention")
    due = due_persons(today)
    dry = plan([d.person_id for d in due], today)
    waiting = list(
        Entry.objects.filter(kind=PURGE_KIND, status__in=OPEN_STATUSES).select_related("maker")
    )
    for entry in waiting:
        entry.may_approve = can_verify(request.user, entry)  # type: ignore[attr-defined]
    persons = list(Person.objects.filter(pk__in=[d.person_id for d in due]))
    by_id = {p.pk: p for p in persons}
    if persons:
        record_many(Action.VIEW, persons=persons, details={"画面": "retention", "件数": len(due)})
    else:
        no_personal_data(request)
    return render(
        request,
        "resident_requests/retention.html",
        {
            "rules": RETENTION,
            "due": [
                (
                    by_id.get(d.person_id),
                    d,
                    dry.held_back.get(d.person_id, ""),
                    len(dry.search_words_of.get(d.person_id, [])),
                )
                for d in due
            ],
            "plan": dry,
            "expired_words": len(expired_search_words(today)),
            "waiting": waiting,
            "rekey_form": PURGE.rekey_form(),
        },
    )


@requires("verify_entry")
@post_only(back=lambda request, entry_pk: reverse("resident_requests:retention"))
@confirm_first(
    question="保存期間を過ぎた者の個人情報を削除します。削除した情報は元に戻せません。",
    action="削除を承認する",
    back=lambda request, entry_pk: reverse("resident_requests:retention"),
)
def purge_approve(request, entry_pk: int):
    entry = get_object_or_404(Entry, pk=entry_pk, kind=PURGE_KIND)
    form = PURGE.rekey_form(request.POST)
    if not form.is_valid():
        messages.error(request, "消去する人数を対象一覧から入力してください。")
        no_personal_data(request)  # a redirect; the list is shown (and audited) by the GET
        return redirect("resident_requests:retention")
    try:
        verification.entry_approve(
            entry_id=entry.pk,
            rekeyed=form.cleaned_data,
            actor=request.user,
            seen_version=request.POST.get("version", ""),
        )
    except verification.VerificationError as exc:
        messages.error(request, str(exc) or "承認できませんでした。")
        no_personal_data(request)
        return redirect("resident_requests:retention")
    proposal = PurgeProposal.objects.get(pk=entry.payload["proposal"])
    messages.success(request, f"{len(proposal.person_ids)} 人の記録を消去しました。")
    return redirect("resident_requests:retention")


# --- 問合せ受付票 -------------------------------------------------------------------------------
@requires("enter_entry")
@require_GET
def inquiries(request):
    form = InquirySearchForm(request.GET or None)
    rows = []
    if form.is_valid():
        data = form.cleaned_data
        staff = data.get("staff")
        rows = list(
            selectors.inquiries(
                start=data.get("start"), end=data.get("end"), staff_id=staff.pk if staff else None
            )[:200]
        )
    persons = [r.person for r in rows if r.person is not None]
    if persons:
        record_many(Action.VIEW, persons=persons, details={"画面": "inquiries", "件数": len(rows)})
    else:
        no_personal_data(request)
    return render(request, "resident_requests/inquiries.html", {"form": form, "rows": rows})


@requires("enter_entry")
@require_http_methods(["GET", "POST"])
def inquiry_new(request):
    person = None
    if request.GET.get("person", "").isdigit():
        person = get_object_or_404(Person, pk=int(request.GET["person"]))
    form = InquiryForm(request.POST or None, initial={"received_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        inquiry = services.inquiry_receive(
            person=person, data=form.cleaned_data, actor=request.user
        )
        messages.success(request, f"{inquiry}を記録しました。")
        return redirect("resident_requests:detail", inquiry.pk)
    if person is not None:
        record(Action.VIEW, person=person, details={"画面": "inquiries"})
    else:
        no_personal_data(request)
    return render(request, "resident_requests/inquiry_new.html", {"form": form, "person": person})


@requires("enter_entry")
@post_only(back=lambda request, pk: reverse("resident_requests:inquiries"))
def inquiry_close(request, pk: int):
    services.inquiry_close(inquiry_id=pk, answer=request.POST.get("answer", ""), actor=request.user)
    messages.success(request, "問合せを完了にしました。")
    return redirect("resident_requests:detail", pk)


@requires("print_application")
@require_GET
def inquiry_pdf(request, pk: int):
    inquiry = get_object_or_404(
        ResidentRequest.objects.select_related("person", "taken_by", "office"),
        pk=pk,
        kind=RequestKind.INQUIRY,
    )
    pdf = render_pdf("resident_requests/pdf/inquiry.html", {"inquiry": inquiry})
    record(
        Action.PRINT,
        person=inquiry.person,
        target=inquiry,
        details={"帳票": "問合せ受付票", "請求": inquiry.kind, "結果": "served"},
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="inquiry-{inquiry.pk}.pdf"'
    return response
