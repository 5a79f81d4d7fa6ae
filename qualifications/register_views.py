"""The register's front door: the F3 import, the work lists, counter registration of a new
person and the F5 file for 市民課. Thin: forms check, services act, selectors read."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from audit.policy import no_personal_data, no_personal_data_on
from kokumin_nenkin.accounts.access import requires

from .register_forms import ResidentsImportForm
from .residents import residents_import


@requires("import_city_data")
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
                f"更新 {result.updated:,}件／{counts}）。",
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
