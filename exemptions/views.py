"""Exemption screens: the F4 income import, the household and income panel, the application."""

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
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
from kokumin_nenkin.pdf import render_pdf
from kokumin_nenkin.pdf.lists import list_pdf
from qualifications.models import Person

from . import periods, selectors, services
from .forms import IncomeImportForm, ScreeningForm
from .kinds import APPLICATION, STUDENT
from .models import PublicAssistance
from .rules import SCREENED_CLASSES, ExemptionClass, RuleRefused
from .selectors import household_for, householder_of, screening_for

PANEL_SCREEN = "世帯・所得（免除）"


@requires("import_city_data")
@no_personal_data_on("GET")  # the blank upload form; the import itself is audited
@require_http_methods(["GET", "POST"])
def income_import(request):
    result = None
    form = IncomeImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        result = services.income_import(
            data=upload.read(),
            filename=upload.name,
            encoding=form.cleaned_data["encoding"],
            actor=request.user,
        )
        if result.ok:
            messages.success(
                request,
                f"所得情報を取り込みました（{result.lines:,}行: 新規 {result.created:,}件・"
                f"更新 {result.updated:,}件"
                + (f"・変更なし {result.unchanged:,}件" if result.unchanged else "")
                + "）。",
            )
            return redirect("exemptions:income_import")
    if result is None:
        no_personal_data(request)  # the form again with its errors (no file, no encoding)
    status = 400 if result is not None and not result.ok else 200
    return render(
        request, "exemptions/income_import.html", {"form": form, "result": result}, status=status
    )


def _context(request, person: Person) -> dict:
    form = ScreeningForm(request.GET or None)
    values = form.values()
    student = values["kind"] == "student"
    exemption_class = ExemptionClass.STUDENT if student else ExemptionClass.FULL
    period = periods.year_period(exemption_class, values["year"])
    income_year = periods.income_year_for(exemption_class, values["year"])
    household = household_for(person, income_year)
    screening = None
    refused = ""
    try:
        screening = screening_for(
            household,
            first_month=period.start,
            student=student,
            special_reason=values["special_reason"],
        )
    except RuleRefused as exc:
        refused = str(exc)
    notices = []
    own = household.applicant.income
    if own is not None and own.public_assistance == PublicAssistance.LIVELIHOOD:
        notices.append(
            "本人は生活保護（生活扶助）を受けています。申請免除ではなく法定免除"
            "（免除事由該当届）の対象です。"
        )
    return {
        "person": person,
        "notices": notices,
        "form": form,
        "values": values,
        "student": student,
        # refused from the person alone (第2号, no qualification…): the form is not offered
        "refusal": (STUDENT if student else APPLICATION).precheck(person),
        "period": period,
        "income_year": income_year,
        "income_year_label": wareki.format_month(income_year, 12).removesuffix("12月"),
        "household": household,
        "screening": screening,
        "refused": refused,
        "classes": SCREENED_CLASSES,
    }


@requires("enter_entry")
@never_cache
@require_GET
def household_panel(request, person_id: int):
    """At intake: applicant, spouse and householder, each income against each threshold."""
    person = get_object_or_404(Person.objects.select_related("household"), pk=person_id)
    context = _context(request, person)
    members = context["household"].members
    record_many(
        Action.VIEW,
        persons=[member.person for member in members],
        details=[
            {
                "画面": PANEL_SCREEN,
                "表示の立場": member.role,
                "年度": context["values"]["year"],
                "申請者": person.pk,
            }
            for member in members
        ],
    )
    context["rows"] = _rows(context)
    context["income_history"] = selectors.income_history(context["household"])
    context["pdf_url"] = (
        reverse("exemptions:application_pdf", args=[person.pk]) + "?" + request.GET.urlencode()
    )
    return render(request, "exemptions/household_panel.html", context)


VERDICTS = {True: "○ 該当", False: "× 非該当", None: "？ 要確認"}


def _rows(context: dict) -> list[dict]:
    """One row per class: for each member the threshold and ○ / × / ？, then the verdict."""
    screening = context["screening"]
    if screening is None:
        return []
    members = context["household"].members
    rows = []
    for result in screening.results:
        checks = {c.role: c for c in result.checks}
        cells = []
        for member in members:
            check = checks.get(member.role)
            if check is None:
                cells.append({"text": "—", "title": "審査の対象外"})
            else:
                cells.append(
                    {
                        "text": f"{check.threshold.amount:,}円 {VERDICTS[check.passed][0]}",
                        "title": check.line,
                    }
                )
        verdict = VERDICTS[result.allowed] if result.applicable else result.note
        rows.append({"label": result.label, "cells": cells, "verdict": verdict})
    return rows


@requires("print_application")
@never_cache
@require_GET
def application_pdf(request, person_id: int):
    """申請書の発行: the pre-filled application to sign. No 個人番号 is ever printed."""
    person = get_object_or_404(Person.objects.select_related("household"), pk=person_id)
    context = _context(request, person)
    if context["refusal"]:  # a form that cannot be taken in is not printed
        no_personal_data(request)  # a message and a redirect
        messages.error(request, f"申請書は印刷できません: {context['refusal']}")
        return redirect("exemptions:household_panel", person_id=person.pk)
    context["today"] = timezone.localdate()
    context["twelve"] = range(12)
    # the real 世帯主 when it is the applicant or the spouse (tested in that role, so not a
    # member of its own): named, never "本人または配偶者"
    householder = householder_of(person)
    context["householder"] = householder
    spouse = context["household"].spouse
    context["householder_role"] = (
        "本人"
        if householder is not None and householder.pk == person.pk
        else "配偶者"
        if householder is not None and spouse is not None and householder.pk == spouse.person.pk
        else ""
    )
    context["city_name"] = settings.CITY_NAME
    context["title"] = (
        "国民年金保険料学生納付特例申請書"
        if context["student"]
        else "国民年金保険料免除・納付猶予申請書"
    )
    pdf = render_pdf("exemptions/application_pdf.html", context)
    printed = [context["household"].applicant]
    if not context["student"]:  # the 学特 form names the student only
        printed += [m for m in (context["household"].spouse, context["household"].householder) if m]
    for member in printed:
        record(
            Action.PRINT,
            person=member.person,
            details={
                "帳票": context["title"],
                "期間": str(context["period"]),
                "印字の立場": member.role,
                "申請者": person.pk,
            },
        )
    response = HttpResponse(pdf, content_type="application/pdf")
    name = "student" if context["student"] else "exemption"
    response["Content-Disposition"] = f'inline; filename="{name}-application.pdf"'
    return response


# --- 継続申請 -----------------------------------------------------------------------------------
@requires("verify_entry")
@never_cache
@require_http_methods(["GET", "POST"])
def renewals(request):
    """The 継続申請 work list of a 免除年度 for the 確認担当: who was approved last year with
    継続 asked for, and the new year's pre-screening; the chosen ones become 継続申請 entries
    that another 確認担当 verifies."""
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year") or periods.exemption_year_of(today))
    except ValueError:
        year = periods.exemption_year_of(today)
    if not 1961 <= year <= 2200:  # a 免除年度 of the scheme (issue 11, item 9: never a 500)
        message = "年度の指定が正しくありません。継続申請の画面から年度を選び直してください。"
        return render(request, "400.html", {"message": message}, status=400)
    made, refused = [], []
    if request.method == "POST":
        chosen = {int(x) for x in request.POST.getlist("previous") if x.isdigit()}
        for candidate in selectors.renewal_candidates(year):
            if candidate.previous.pk not in chosen or candidate.pending:
                continue
            try:
                entry = services.renewal_entry_submit(
                    previous=candidate.previous, year=year, applied_on=today, actor=request.user
                )
            except services.RenewalRefused as exc:
                refused.append((candidate.previous.person, str(exc)))
            else:
                made.append(entry)
        if made and not refused:
            messages.success(
                request,
                f"継続申請を{len(made)}件作成しました。別の確認担当が確認・承認すると登録されます。",
            )
            return redirect(f"{reverse('exemptions:renewals')}?year={year}")
    candidates = selectors.renewal_candidates(year)
    record(Action.VIEW, details={"画面": "継続申請", "年度": year, "件数": len(candidates)})
    return render(
        request,
        "exemptions/renewals.html",
        {
            "year": year,
            "year_label": wareki.format_month(year, 7) + "〜" + wareki.format_month(year + 1, 6),
            "candidates": candidates,
            "made": made,
            "refused": refused,
        },
        status=400 if refused else 200,
    )


@requires("verify_entry")
@never_cache
@require_GET
def renewals_pdf(request):
    """The 継続申請 work list on A4 paper (issue 14, item 9): one print event per person."""
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year") or periods.exemption_year_of(today))
    except ValueError:
        year = periods.exemption_year_of(today)
    if not 1961 <= year <= 2200:
        message = "年度の指定が正しくありません。継続申請の画面から年度を選び直してください。"
        return render(request, "400.html", {"message": message}, status=400)
    candidates = selectors.renewal_candidates(year)
    year_label = wareki.format_month(year, 7) + "〜" + wareki.format_month(year + 1, 6)
    return list_pdf(
        request,
        template="exemptions/renewals_pdf.html",
        context={
            "year_label": year_label,
            "period": f"{year}年度・{year_label}",
            "candidates": candidates,
        },
        persons=[c.previous.person for c in candidates],
        sheet="継続申請",
        title="継続申請の対象者",
        count=len(candidates),
        filename=f"renewals-{year}.pdf",
        details={"期間": year_label},
    )
