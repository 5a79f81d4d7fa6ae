"""Forms of the exemption screens (Japanese messages next to the field)."""

from django import forms
from django.utils import timezone

from kokumin_nenkin.imports import ENCODINGS

from .periods import exemption_year_of, month_of, student_year_of
from .rules import THRESHOLD_SETS


class IncomeImportForm(forms.Form):
    file = forms.FileField(
        label="所得情報ファイル（F4）",
        error_messages={"required": "取り込むファイルを選んでください。"},
    )
    encoding = forms.ChoiceField(
        label="文字コード", choices=list(ENCODINGS.items()), initial="auto"
    )


KIND_CHOICES = [
    ("exemption", "申請免除・納付猶予（7月〜翌6月）"),
    ("student", "学生納付特例（4月〜翌3月）"),
]
SPECIAL_CHOICES = [("", "なし"), ("失業", "失業等による特例"), ("天災", "天災等による特例")]


class ScreeningForm(forms.Form):
    """Which year and route the counter is looking at; read from the query string.

    Any year with thresholds on file can be looked at (an old year's income matters for a
    取消 or a correction); the 2 years 1 month limit applies when an application is made."""

    kind = forms.ChoiceField(label="申請の種類", choices=KIND_CHOICES, initial="exemption")
    year = forms.TypedChoiceField(label="年度", coerce=int)
    special_reason = forms.ChoiceField(
        label="特例", choices=SPECIAL_CHOICES, required=False, initial=""
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = month_of(timezone.localdate())
        latest = max(exemption_year_of(today), student_year_of(today))
        self.fields["year"].choices = [
            (y, f"{y}年度（{self._label(y)}）")
            for y in range(latest, THRESHOLD_SETS[0].effective_from.year - 1, -1)
        ]
        self.fields["year"].initial = exemption_year_of(today)

    @staticmethod
    def _label(year: int) -> str:
        from kokumin_nenkin import wareki

        return wareki.format_month(year, 7).split("年")[0] + "年度"

    def values(self) -> dict:
        """The cleaned values, or the initial ones when the query string is empty or wrong."""
        if self.is_bound and self.is_valid():
            return self.cleaned_data
        return {
            "kind": "exemption",
            "year": self.fields["year"].initial,
            "special_reason": "",
        }
