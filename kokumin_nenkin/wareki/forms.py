"""A form field that accepts 和暦 or 西暦 and shows the Japanese error next to the field."""

from datetime import date

from django import forms

from . import WarekiError, format_date, format_month, parse, parse_month

HELP = "和暦・西暦どちらでも入力できます（例: R6.12.24、令和6年12月24日、2024-12-24）"


class WarekiDateInput(forms.TextInput):
    def format_value(self, value):
        if isinstance(value, date):
            return format_date(value)
        return super().format_value(value)


class WarekiDateField(forms.Field):
    widget = WarekiDateInput
    default_error_messages = {"required": "日付を入力してください。"}

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", HELP)
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update({"inputmode": "text", "autocomplete": "off", "placeholder": "R6.12.24"})
        return attrs

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, date):
            return value
        try:
            return parse(str(value))
        except WarekiError as exc:
            raise forms.ValidationError(str(exc), code="invalid_date") from None


MONTH_HELP = "月まで入力（例: R6.7、令和6年7月）。日を入力しても月として扱います。"


class WarekiMonthInput(WarekiDateInput):
    """A month shown as a month (令和6年7月), never with the day it is stored on."""

    def format_value(self, value):
        if isinstance(value, date):
            return format_month(value.year, value.month)
        return super().format_value(value)


class WarekiMonthField(WarekiDateField):
    """A month typed in 和暦 or 西暦 (`令和6年7月`, `R6.7`, `2024-07`); cleaned to the 1st."""

    widget = WarekiMonthInput

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", MONTH_HELP)
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs["placeholder"] = "R6.7"
        return attrs

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, date):
            return value.replace(day=1)
        try:
            return parse_month(str(value))
        except WarekiError as exc:
            raise forms.ValidationError(str(exc), code="invalid_date") from None
