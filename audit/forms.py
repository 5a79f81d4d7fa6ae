"""Filters of the auditor's screens. Dates accept 和暦 or 西暦 (WarekiDateField)."""

import datetime as dt

from django import forms
from django.utils import timezone

from kokumin_nenkin.accounts.models import Staff
from kokumin_nenkin.identifiers.forms import FreeTextGuard
from kokumin_nenkin.wareki.forms import WarekiDateField

from .lookups import subject_by_number
from .models import Action

MAX_REPORT_DAYS = 92


class PeriodMixin(FreeTextGuard, forms.Form):
    """The period's end may not come before its start."""

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "終了日は開始日以降の日付を入力してください。")
        return cleaned


class EventSearchForm(PeriodMixin, forms.Form):
    addressee_number = forms.CharField(label="宛名番号", max_length=15, required=False)
    staff = forms.ModelChoiceField(
        label="職員",
        queryset=Staff.objects.order_by("username"),
        required=False,
        empty_label="（すべて）",
    )
    action = forms.ChoiceField(
        label="操作", choices=[("", "（すべて）"), *Action.choices], required=False
    )
    date_from = WarekiDateField(label="期間（開始）", required=False)
    date_to = WarekiDateField(label="期間（終了）", required=False)

    def clean_addressee_number(self):
        number = self.cleaned_data["addressee_number"].strip()
        if not number:
            return None
        person = subject_by_number(number)
        if person is None:
            raise forms.ValidationError("この宛名番号の被保険者は登録されていません。")
        return person

    def filters(self) -> dict:
        data = self.cleaned_data
        return {
            "person": data.get("addressee_number"),
            "actor": data.get("staff"),
            "action": data.get("action") or None,
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
        }

    def described(self) -> dict:
        """The filters for the audit event of this search (no personal numbers)."""
        data = self.cleaned_data
        return {
            "職員": data["staff"].username if data.get("staff") else "",
            "操作": data.get("action") or "",
            "開始日": data["date_from"].isoformat() if data.get("date_from") else "",
            "終了日": data["date_to"].isoformat() if data.get("date_to") else "",
            "対象者指定": bool(data.get("addressee_number")),
        }


class ReportPeriodForm(PeriodMixin, forms.Form):
    date_from = WarekiDateField(label="期間（開始）", required=False)
    date_to = WarekiDateField(label="期間（終了）", required=False)

    def period(self) -> tuple[dt.date, dt.date]:
        today = timezone.localdate()
        end = self.cleaned_data.get("date_to") or today
        start = self.cleaned_data.get("date_from") or end - dt.timedelta(days=6)
        return start, end

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            start, end = self.period()
            if (end - start).days >= MAX_REPORT_DAYS:
                self.add_error("date_from", f"期間は{MAX_REPORT_DAYS}日以内で指定してください。")
        return cleaned


class DaySheetForm(forms.Form):
    """The day of the daily audit sheet (today when left empty)."""

    day = WarekiDateField(label="対象日", required=False)

    def chosen_day(self) -> dt.date:
        return self.cleaned_data.get("day") or timezone.localdate()
