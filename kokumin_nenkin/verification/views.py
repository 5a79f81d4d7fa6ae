"""Intake, the work queues and the verification screen. Thin: forms check, services act."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from audit.models import Action
from audit.policy import no_personal_data
from audit.services import record, record_many
from kokumin_nenkin.accounts.access import requires
from kokumin_nenkin.accounts.models import Office
from kokumin_nenkin.accounts.selectors import chosen_office
from kokumin_nenkin.confirm import confirm_first
from kokumin_nenkin.identifiers.forms import FreeTextGuard
from kokumin_nenkin.pdf.lists import list_pdf
from kokumin_nenkin.post_only import post_only

from . import permissions, selectors, services
from .models import Entry
from .registry import get_kind, validation_messages


class ReturnForm(FreeTextGuard, forms.Form):
    reason = forms.CharField(
        label="差戻し理由",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "差戻しの理由を入力してください。"},
    )


def _kind_or_404(code: str):
    try:
        kind = get_kind(code)
    except KeyError:
        raise Http404("受付の種類がありません。") from None
    if not kind.generic_screens:  # account changes have their own screens
        raise Http404("受付の種類がありません。")
    return kind


def _add_rule_errors(form, exc: ValidationError) -> None:
    for name, msgs in validation_messages(exc).items():
        for msg in msgs:
            form.add_error(None if name == "__all__" or name not in form.fields else name, msg)


def _intake(request, *, kind, person, save, initial=None, title, entry=None, refusal=""):
    """One intake screen for every kind: the form, the rules, then the service. A refusal
    known from the person alone is said instead of the form (nothing to type in vain)."""
    form = kind.make_form(person, data=request.POST or None, initial=initial)
    if refusal:
        record(Action.VIEW, person=person, details={"画面": "intake", "種類": kind.code})
        return render(
            request,
            "verification/intake.html",
            {"kind": kind, "person": person, "title": title, "refusal": refusal},
            status=409 if request.method == "POST" else 200,
        )
    if request.method == "POST" and form.is_valid():
        payload = kind.encode(form.cleaned_data)
        try:
            with transaction.atomic():
                saved = save(payload)
        except ValidationError as exc:
            _add_rule_errors(form, exc)
        except services.VerificationError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, f"受付番号 {saved.receipt_number} で受け付けました。確認待ちです。"
            )
            return redirect("verification:detail", pk=saved.pk)
    # The form shows the person (and the entry being re-entered): an access like any other.
    record(Action.VIEW, person=person, target=entry, details={"画面": "intake", "種類": kind.code})
    return render(
        request,
        "verification/intake.html",
        {"form": form, "kind": kind, "person": person, "title": title, "entry": entry},
    )


@requires("enter_entry")
def new_entry(request, kind: str, person_pk: int):
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    handler = _kind_or_404(kind)
    # The subject is the model the entry points to (the register's person): no import of it.
    person = get_object_or_404(Entry._meta.get_field("person").related_model, pk=person_pk)
    # A work list opens the form pre-filled: the form's own fields from the query string
    # (never a 個人番号: no kind's pre-fillable field holds one).
    initial = {n: request.GET[n] for n in handler.form_class.base_fields if n in request.GET}
    return _intake(
        request,
        kind=handler,
        person=person,
        title=handler.label,
        initial=initial or None,
        refusal=selectors.dead_end(handler, person),
        save=lambda payload: services.entry_submit(
            kind=handler.code, person=person, payload=payload, actor=request.user
        ),
    )


@requires("enter_entry")
def edit_entry(request, pk: int):
    """A returned entry is re-entered by its maker; an approved one is corrected by a new entry."""
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    entry = get_object_or_404(Entry.objects.select_related("person"), pk=pk)
    handler = _kind_or_404(entry.kind)
    if permissions.can_resubmit(request.user, entry):
        title = f"{handler.label}（再入力）"

        def save(payload):
            return services.entry_resubmit(entry_id=entry.pk, payload=payload, actor=request.user)
    elif permissions.can_amend(request.user, entry):
        title = f"{handler.label}（訂正・改めて確認が必要です）"

        def save(payload):
            return services.entry_amend(entry_id=entry.pk, payload=payload, actor=request.user)
    else:
        messages.error(request, "この受付は再入力・訂正できません。")
        no_personal_data(request)  # a refusal and a redirect: nothing of the entry is shown
        return redirect("verification:detail", pk=entry.pk)
    return _intake(
        request,
        kind=handler,
        person=entry.person,
        title=title,
        save=save,
        initial=handler.decode(entry.payload),
        entry=entry,
    )


@requires("search_person")
@require_GET
def detail(request, pk: int):
    entry = get_object_or_404(
        Entry.objects.select_related("person", "maker", "maker_office", "checker", "supersedes"),
        pk=pk,
    )
    handler = _kind_or_404(entry.kind)
    record(Action.VIEW, person=entry.person, target=entry)
    return render(request, "verification/detail.html", _detail_context(request, entry, handler))


def blind(kind) -> str:
    """What the checker sees instead of a key field until they have typed it."""
    return f"（{kind.rekey_source}から入力して照合）"


def _detail_context(request, entry, handler, rekey_form=None, return_form=None, error=None):
    rows = handler.compare(entry.person, entry.payload)
    may_verify = permissions.can_verify(request.user, entry)
    if may_verify:
        # Blind re-key: the checker does not see the proposed key fields before typing them.
        hidden = {handler.field_label(n) for n in handler.key_fields}
        shown = blind(handler)
        rows = [(label, cur, shown if label in hidden else new) for label, cur, new in rows]
    return {
        "entry": entry,
        "kind": handler,
        "person": entry.person,
        "rows": rows,
        "links": handler.links(entry.payload),
        "history": entry.history.select_related("actor"),
        "rekey_form": rekey_form or handler.rekey_form(),
        "return_form": return_form or ReturnForm(),
        "can_verify": may_verify,
        "can_withdraw": permissions.can_withdraw(request.user, entry),
        "can_resubmit": permissions.can_resubmit(request.user, entry),
        "can_amend": permissions.can_amend(request.user, entry),
        "error": error,
    }


def _decide(request, pk, action):
    entry = get_object_or_404(Entry.objects.select_related("person"), pk=pk)
    handler = _kind_or_404(entry.kind)
    rekey_form = return_form = None
    try:
        with transaction.atomic():
            if action == "approve":
                rekey_form = handler.rekey_form(data=request.POST)
                if not rekey_form.is_valid():
                    raise services.VerificationError(
                        f"{handler.rekey_source}から確認項目を入力してください。"
                    )
                services.entry_approve(
                    entry_id=entry.pk,
                    rekeyed=rekey_form.cleaned_data,
                    actor=request.user,
                    seen_version=request.POST.get("version", ""),
                )
                messages.success(request, f"受付番号 {entry.receipt_number} を承認しました。")
            elif action == "return":
                return_form = ReturnForm(request.POST)
                if not return_form.is_valid():
                    reasons = [str(m) for m in return_form.errors.get("reason", [])] or [
                        "差戻しの理由を入力してください。"
                    ]
                    raise services.VerificationError(" ".join(reasons))
                services.entry_return(
                    entry_id=entry.pk, reason=return_form.cleaned_data["reason"], actor=request.user
                )
                messages.success(request, f"受付番号 {entry.receipt_number} を差し戻しました。")
            else:
                services.entry_withdraw(entry_id=entry.pk, actor=request.user)
                messages.success(request, f"受付番号 {entry.receipt_number} を取り下げました。")
    except services.VerificationError as exc:
        entry.refresh_from_db()
        # A reason left empty is said once, next to its field, not again at the top.
        error = None if return_form is not None and return_form.errors else str(exc)
        context = _detail_context(request, entry, handler, rekey_form, return_form, error)
        return render(request, "verification/detail.html", context, status=409)
    if action == "withdraw":
        return redirect("verification:mine")
    return redirect("verification:queue")


def _receipt(pk: int) -> str:
    entry = Entry.objects.filter(pk=pk).only("receipt_number", "kind").first()
    return entry.receipt_number if entry else ""


def _back_to_entry(request, pk: int) -> str:
    return reverse("verification:detail", args=[pk])


def _approve_question(request, pk: int) -> str:
    return f"受付番号 {_receipt(pk)} を承認します。承認すると記録に反映されます。"


def _approve_note(request, pk: int) -> str:
    entry = Entry.objects.filter(pk=pk).only("kind").first()
    try:
        note = get_kind(entry.kind).approve_note if entry is not None else ""
    except KeyError:
        note = ""
    return f"{note}入力した確認項目が一致しない場合は承認されず、受付の画面に戻ります。"


@requires("verify_entry")
@post_only(back=_back_to_entry)
@confirm_first(
    question=_approve_question, note=_approve_note, action="承認する", back=_back_to_entry
)
def approve(request, pk: int):
    return _decide(request, pk, "approve")


@requires("verify_entry")
@post_only(back=_back_to_entry)
@confirm_first(
    question=lambda request, pk: f"受付番号 {_receipt(pk)} を差し戻します。入力者が再入力します。",
    action="差し戻す",
    back=_back_to_entry,
)
def return_entry(request, pk: int):
    return _decide(request, pk, "return")


@requires("enter_entry")
@post_only(back=_back_to_entry)
def withdraw(request, pk: int):
    return _decide(request, pk, "withdraw")


# The screens show at most this many entries; the printed lists show the same rows.
LIST_LIMIT = 200


def _queue_rows(request):
    office = chosen_office(request, own_by_default=False)
    entries = selectors.waiting_for_verification(request.user)
    if office is not None:
        entries = entries.filter(maker_office=office)
    return office, list(entries[:LIST_LIMIT])


@requires("verify_entry")
@require_GET
def queue(request):
    office, entries = _queue_rows(request)
    _record_listed(entries, "確認待ち一覧")
    return render(
        request,
        "verification/queue.html",
        {
            "entries": _with_kinds(entries),
            "office": office.code if office is not None else "all",
            "offices": Office.objects.all(),
        },
    )


@requires("verify_entry")
@never_cache
@require_GET
def queue_pdf(request):
    """確認待ち一覧 on A4 paper (issue 14, item 9), of the office chosen on the screen. The
    proposed values are not printed: the checker re-keys them from the 届書, blind."""
    office, entries = _queue_rows(request)
    return list_pdf(
        request,
        template="verification/queue_pdf.html",
        context={"entries": _with_kinds(entries)},
        persons=[e.person for e in entries],
        sheet="確認待ち一覧",
        count=len(entries),
        office=office,
        filename="kakunin-machi.pdf",
    )


@requires("enter_entry")
@require_GET
def mine(request):
    entries = list(selectors.my_entries(request.user)[:LIST_LIMIT])
    _record_listed(entries, "自分の受付一覧")
    return render(request, "verification/mine.html", {"entries": _with_kinds(entries)})


@requires("enter_entry")
@never_cache
@require_GET
def mine_pdf(request):
    """自分の受付 on A4 paper (issue 14, item 9): the user's own open entries, returned first."""
    entries = list(selectors.my_entries(request.user)[:LIST_LIMIT])
    return list_pdf(
        request,
        template="verification/mine_pdf.html",
        context={"entries": _with_kinds(entries)},
        persons=[e.person for e in entries],
        sheet="自分の受付一覧",
        count=len(entries),
        office=request.user.office,
        filename="jibun-no-uketsuke.pdf",
    )


def _record_listed(entries, screen: str) -> None:
    """One view event per person listed (so each person's access history names the queue),
    in one round trip; one event without a person when the list names nobody."""
    listed = [e for e in entries if e.person_id is not None]
    if listed:
        record_many(
            Action.VIEW,
            persons=[e.person for e in listed],
            details=[{"画面": screen, "件数": len(entries), "受付": e.pk} for e in listed],
        )
    else:
        record(Action.VIEW, details={"画面": screen, "件数": len(entries)})


def _with_kinds(entries):
    rows = []
    for e in entries:
        try:
            handler = get_kind(e.kind)
            rows.append({"entry": e, "label": handler.label, "summary": handler.summary(e.payload)})
        except KeyError:
            rows.append({"entry": e, "label": e.kind, "summary": ""})
    return rows
