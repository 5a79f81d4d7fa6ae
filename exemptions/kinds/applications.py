"""届書種類 11 (申請免除・納付猶予, and the 継続申請 without a new form), 12 (学生納付特例) and 16
(免除等取消申請).
"""

from .. import periods, services
from ..forms import (
    ApplicationForm,
    RenewalForm,
    RevocationForm,
    StudentForm,
)
from ..models import (
    ExemptionApplication,
)
from ..periods import Period, month_of
from ..reporting import ReportFields
from ..rules import ABOVE_THE_FORM, ExemptionClass, RuleRefused
from ..selectors import (
    revocable_applications,
)
from .base import ExemptionKind


# --- 11 / 12: 申請免除・納付猶予・学生納付特例 -------------------------------------------------
class ApplicationKind(ExemptionKind):
    code = "exemptions.application"
    precheck_class = ExemptionClass.FULL
    precheck_name = "免除・納付猶予"
    label = "保険料免除・納付猶予申請書"
    form_code = "11"
    form_class = ApplicationForm
    key_fields = ("exemption_class", "start")
    watched = (ExemptionApplication,)
    record_model = ExemptionApplication
    rule_field = "start"
    service = staticmethod(services.exemption_application_create)
    row_fields = {
        "applied_on": "applied_on",
        "exemption_class": "exemption_class",
        "start": "start_month",
        "end": "end_month",
        "special_reason": "special_reason",
    }

    def exemption_class(self, values) -> ExemptionClass:
        return ExemptionClass(values["exemption_class"])

    def initial_for(self, person, today):
        year = periods.year_period(ExemptionClass.FULL, periods.exemption_year_of(today))
        return {"applied_on": today, "start": year.start, "end": year.end}

    def check(self, person, values):
        return services.exemption_application_check(
            person=person,
            exemption_class=self.exemption_class(values),
            start=values["start"],
            end=values["end"],
            applied_on=values["applied_on"],
            special_reason=values.get("special_reason") or "",
            school_name=values.get("school_name") or "",
        )

    def arguments(self, entry, values, checked):
        return {
            "person": entry.person,
            "exemption_class": checked.exemption_class,
            "start": values["start"],
            "end": values["end"],
            "applied_on": values["applied_on"],
            "accept_lower_class": bool(values.get("accept_lower_class")),
            "continuing": bool(values.get("continuing")),
            "special_reason": values.get("special_reason") or "",
            "school_name": values.get("school_name") or "",
            "receipt_number": entry.receipt_number,
            "check": checked,
        }

    def report(self, values, record):
        applied = self.exemption_class(values)
        form = "12" if applied == ExemptionClass.STUDENT else "11"
        return ReportFields(
            form, values["applied_on"], applied, record.start_month, record.end_month
        )

    def current_record(self, person):
        return (
            ExemptionApplication.objects.filter(person=person)
            .exclude(exemption_class=ExemptionClass.STUDENT)
            .order_by("-start_month", "-id")
            .first()
        )


class StudentKind(ApplicationKind):
    code = "exemptions.student"
    precheck_class = ExemptionClass.STUDENT
    precheck_name = ""
    label = "学生納付特例申請書"
    form_code = "12"
    form_class = StudentForm
    key_fields = ("start", "end")
    row_fields = {
        "applied_on": "applied_on",
        "school_name": "school_name",
        "start": "start_month",
        "end": "end_month",
        "special_reason": "special_reason",
    }

    def exemption_class(self, values) -> ExemptionClass:
        return ExemptionClass.STUDENT

    def initial_for(self, person, today):
        year = periods.student_year_period(periods.student_year_of(today))
        last = self.current_record(person)
        return {
            "applied_on": today,
            "school_name": last.school_name if last else "",
            "start": year.start,
            "end": year.end,
        }

    def current_record(self, person):
        return (
            ExemptionApplication.objects.filter(
                person=person, exemption_class=ExemptionClass.STUDENT
            )
            .order_by("-start_month", "-id")
            .first()
        )


# --- 継続申請 (11, no new form) ------------------------------------------------------------------
class RenewalKind(ApplicationKind):
    """継続申請: made by a 確認担当 from the renewal work list, approved by another one."""

    code = "exemptions.renewal"
    label = "継続申請（全額免除・納付猶予）"
    form_code = "11"
    form_class = RenewalForm
    key_fields = ("exemption_class",)
    enter_permission = "verify_entry"
    row_fields = {
        "applied_on": "applied_on",
        "exemption_class": "exemption_class",
        "start": "start_month",
        "end": "end_month",
    }

    def previous(self, person, values) -> ExemptionApplication:
        found = ExemptionApplication.objects.filter(
            pk=values.get("renewal_of") or 0, person=person
        ).first()
        if found is None:
            raise RuleRefused("継続元の申請がありません。", field=ABOVE_THE_FORM)
        return found

    def check(self, person, values):
        previous = self.previous(person, values)
        if previous.exemption_class != values["exemption_class"]:
            raise RuleRefused("継続申請の区分が継続元の申請と違います。")
        period = services.renewal_check(
            previous=previous, year=periods.exemption_year_of(values["start"]), person=person
        )
        if (values["start"], values["end"]) != (period.start, period.end):
            raise RuleRefused(f"継続申請の期間は{period}です。")
        return super().check(person, values)

    def arguments(self, entry, values, checked):
        previous = self.previous(entry.person, values)
        return {
            **super().arguments(entry, values, checked),
            "accept_lower_class": previous.accept_lower_class,
            "continuing": True,
            "renewal_of": previous,
        }

    def display(self, name, value):
        if name == "renewal_of" and value:
            found = ExemptionApplication.objects.filter(pk=int(value)).first()
            if found is not None:
                return (
                    f"{found.get_exemption_class_display()} "
                    f"{periods.show(found.start_month)}〜{periods.show(found.end_month)}"
                    f"（{found.get_decision_display()}）"
                )
        return super().display(name, value)


# --- 16: 免除等取消申請 --------------------------------------------------------------------------
def _application_label(application: ExemptionApplication) -> str:
    period = Period(application.approved_start, application.approved_end)
    return f"{application.get_exemption_class_display()} 承認期間 {period}"


class RevocationKind(ExemptionKind):
    code = "exemptions.revocation"
    label = "免除等取消申請書"
    form_code = "16"
    form_class = RevocationForm
    key_fields = ("start", "end")
    watched = (ExemptionApplication,)
    record_model = ExemptionApplication
    uses_category = False
    rule_field = "start"
    service = staticmethod(services.exemption_revoke)

    def precheck(self, person) -> str:
        if not revocable_applications(person):
            return "取り消せる承認済みの免除等がありません。"
        return ""

    def prepare(self, form, person) -> None:
        super().prepare(form, person)
        choices = [(str(a.pk), _application_label(a)) for a in revocable_applications(person)]
        form.fields["application"].choices = [("", "選択してください"), *choices]
        if not choices:
            form.fields["application"].help_text = "承認済みの免除等がありません。"

    @staticmethod
    def _application(person, pk: int | None) -> ExemptionApplication:
        found = ExemptionApplication.objects.filter(person=person, pk=pk).first() if pk else None
        if found is None:
            raise RuleRefused("取り消す免除等を一覧から選択してください。", field="application")
        return found

    def check(self, person, values):
        application = self._application(person, values["application"])
        services.exemption_revoke_check(
            application=application, period=Period(values["start"], values["end"])
        )
        return application

    def arguments(self, entry, values, checked):
        return {
            "application": checked,
            "period": Period(values["start"], values["end"]),
            "reason": values["reason"],
            "applied_on": values["applied_on"],
            "receipt_number": entry.receipt_number,
        }

    def report(self, values, record):
        return ReportFields(
            "16",
            values["applied_on"],
            record.exemption_class,
            month_of(values["start"]),
            month_of(values["end"]),
        )

    def display(self, name, value):
        if name == "application" and value and str(value).isdigit():
            found = ExemptionApplication.objects.filter(pk=int(value)).first()
            if found is not None and found.approved_start is not None:
                return _application_label(found)
        return super().display(name, value)
