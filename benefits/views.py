"""Claim screens: the claim start (which claims the city takes, household and income, the
months this system holds, the person's claim entries), the 案内 for the 年金事務所, the
claimant's receipt (受付控え), the list of claims with attachments due. Every screen and PDF
that shows a person writes an audit event about that person."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from audit.models import Action
from audit.policy import no_personal_data
from audit.services import record, record_many
from kokumin_nenkin.accounts.access import requires
from kokumin_nenkin.accounts.models import Office
from kokumin_nenkin.accounts.selectors import chosen_office
from kokumin_nenkin.pdf import render_pdf
from kokumin_nenkin.pdf.lists import list_pdf
from kokumin_nenkin.post_only import post_only
from kokumin_nenkin.verification.models import Entry
from kokumin_nenkin.verification.registry import get_kind
from qualifications.models import Person

from . import rules, selectors
from .attachments import (
    attachment_received,
    attachments_due,
    attachments_received,
    due_choices,
    entries_with_attachments_due,
)
from .forms import LateAttachmentForm
from .kinds import ALL, FORM_LABELS

CLAIM_SCREEN = "裁定請求の受付"
GUIDANCE = "年金事務所での請求のご案内"
RECEIPT = "裁定請求 受付控え"


def _person(person_id: int) -> Person:
    return get_object_or_404(Person.objects.select_related("household"), pk=person_id)


@requires("enter_entry")
@never_cache
@require_GET
def claim_start(request, person_id: int):
    """Before anything is typed: whether the city takes a claim on this record (else the
    reason and the 案内), the household and the incomes the city holds, the months this system
    holds, then one link per claim to its intake form."""
    person = _person(person_id)
    today = timezone.localdate()
    refusal = rules.taken_here(selectors.categories_held(person))
    income_year = today.year - 1
    household = selectors.household_of(person, income_year)
    record_many(
        Action.VIEW,
        persons=[m.person for m in household.members],
        details=[
            {"画面": CLAIM_SCREEN, "表示の立場": m.role, "所得年": income_year}
            for m in household.members
        ],
    )
    entries = [
        {
            "entry": e,
            "label": FORM_LABELS.get(rules.ClaimKind(e.form_code), e.form_code),
            "due": attachments_due(e),
        }
        for e in selectors.claim_entries(person)
    ]
    return render(
        request,
        "benefits/claim_start.html",
        {
            "person": person,
            "refusal": refusal,
            "office": rules.OFFICE,
            "kinds": [(k.code, k.form_code, k.label) for k in ALL],
            "household": household,
            "held": selectors.held_months(person, today),
            "entries": entries,
            "claims": selectors.claims_of(person),
        },
    )


@requires("print_application")
@never_cache
@require_GET
def guidance_pdf(request, person_id: int):
    """The one-page 案内 sending the claimant to the 年金事務所, with the reason."""
    person = _person(person_id)
    refusal = rules.taken_here(selectors.categories_held(person))
    if not refusal:
        no_personal_data(request)
        raise Http404("この方の請求は市で受け付けられます。")
    pdf = render_pdf(
        "benefits/guidance_pdf.html",
        {
            "person": person,
            "reason": refusal,
            "office": rules.OFFICE,
            "today": timezone.localdate(),
            "city_name": settings.CITY_NAME,
        },
    )
    record(Action.PRINT, person=person, details={"帳票": GUIDANCE})
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="guidance.pdf"'
    return response


@requires("print_application")
@never_cache
@require_GET
def receipt_pdf(request, entry_id: int):
    """受付控え for the claimant: 受付番号, the claim, the date, attachments received and due."""
    entry = get_object_or_404(Entry.objects.select_related("person"), pk=entry_id)
    if not entry.kind.startswith(selectors.CLAIM_KIND_PREFIX):
        no_personal_data(request)
        raise Http404("裁定請求の受付ではありません。")
    kind = get_kind(entry.kind)
    claim = rules.ClaimKind(entry.form_code)
    values = kind.values(entry.payload)
    pdf = render_pdf(
        "benefits/receipt_pdf.html",
        {
            "entry": entry,
            "person": entry.person,
            "label": kind.label,
            "claimed_on": values["claimed_on"],
            "claimant": kind.display("claimant", entry.payload.get("claimant"))
            if values.get("claimant")
            else values.get("claimant_name", ""),
            "relationship": values.get("relationship", ""),
            "received": attachments_received(entry),
            "due": attachments_due(entry),
            "today": timezone.localdate(),
            "city_name": settings.CITY_NAME,
        },
    )
    record(
        Action.PRINT,
        person=entry.person,
        target=entry,
        details={"帳票": RECEIPT, "請求の種類": claim.label},
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="claim-receipt.pdf"'
    return response


def _attachments_due_rows(request):
    """The claims with attachments due, of the office chosen (every office unless one is)."""
    office = chosen_office(request, own_by_default=False)
    return office, [
        {
            "entry": e,
            "label": FORM_LABELS[rules.ClaimKind(e.form_code)],
            "due": attachments_due(e),
            "taken_on": timezone.localdate(e.created_at),
        }
        for e in entries_with_attachments_due()
        if office is None or e.maker_office_id == office.pk
    ]


@requires("enter_entry")
@never_cache
@require_GET
def attachments_due_list(request):
    """The claims whose attachments are not all received, oldest first."""
    office, rows = _attachments_due_rows(request)
    for row in rows:
        e = row["entry"]
        row["form"] = LateAttachmentForm(choices=due_choices(e), prefix=f"e{e.pk}")
    if rows:
        record_many(
            Action.VIEW,
            persons=[r["entry"].person for r in rows],
            details=[{"画面": "添付書類の未着一覧", "請求の種類": r["label"]} for r in rows],
        )
    else:
        no_personal_data(request)
    return render(
        request,
        "benefits/attachments_due.html",
        {
            "rows": rows,
            "office": office.code if office is not None else "all",
            "offices": Office.objects.all(),
        },
    )


@requires("enter_entry")
@never_cache
@require_GET
def attachments_due_pdf(request):
    """添付書類の未着一覧 on A4 paper (issue 14, item 9), of the office chosen on the screen,
    with a column to note what came in."""
    office, rows = _attachments_due_rows(request)
    return list_pdf(
        request,
        template="benefits/attachments_due_pdf.html",
        context={"rows": rows},
        persons=[r["entry"].person for r in rows],
        sheet="添付書類の未着一覧（裁定請求）",
        count=len(rows),
        office=office,
        filename="tenpu-michaku.pdf",
    )


@requires("enter_entry")
@post_only(back=lambda request, entry_id: reverse("benefits:attachments_due"))
def late_attachment(request, entry_id: int):
    """An attachment that came after intake: recorded (and audited), back to the list."""
    entry = get_object_or_404(Entry.objects.select_related("person"), pk=entry_id)
    if not entry.kind.startswith(selectors.CLAIM_KIND_PREFIX):
        no_personal_data(request)
        raise Http404("裁定請求の受付ではありません。")
    form = LateAttachmentForm(request.POST, choices=due_choices(entry), prefix=f"e{entry.pk}")
    if form.is_valid():
        try:
            attachment_received(
                entry=entry,
                code=form.cleaned_data["code"],
                received_on=form.cleaned_data["received_on"],
                actor=request.user,
            )
        except rules.RuleRefused as exc:
            no_personal_data(request)  # refused: nothing recorded, nothing of the person shown
            messages.error(request, f"{entry.receipt_number}: {exc}")
        else:
            label = dict(form.fields["code"].choices)[form.cleaned_data["code"]]
            messages.success(request, f"{entry.receipt_number}: {label}の受領を記録しました。")
    else:
        no_personal_data(request)  # nothing recorded, nothing of the person shown
        errors = "、".join(str(m) for ms in form.errors.values() for m in ms)
        messages.error(request, f"{entry.receipt_number}: {errors}")
    return redirect("benefits:attachments_due")
