"""Forms of the exemption screens (Japanese messages next to the field)."""

from django import forms
from django.utils import timezone

from kokumin_nenkin import wareki
from kokumin_nenkin.identifiers.forms import FreeTextGuard
from kokumin_nenkin.imports import ENCODINGS
from kokumin_nenkin.wareki.forms import WarekiDateField, WarekiMonthField

from .models import Pregnancy, StatutoryReason
from .periods import exemption_year_of, month_of, student_year_of
from .rules import THRESHOLD_SETS, ExemptionClass


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

        return f"{wareki.format_year(year, 7)}度"

    def values(self) -> dict:
        """The cleaned values, or the initial ones when the query string is empty or wrong."""
        if self.is_bound and self.is_valid():
            return self.cleaned_data
        return {
            "kind": "exemption",
            "year": self.fields["year"].initial,
            "special_reason": "",
        }


# --- intake forms of the 届書 (two-person verification, `exemptions/kinds.py`) ---------------
CHOOSE = {"required": "選択してください。", "invalid_choice": "一覧から選択してください。"}
REQUIRED = {"required": "入力してください。"}


def _date(label: str, help_text: str | None = None, required: bool = True) -> WarekiDateField:
    kwargs = {"label": label, "required": required}
    if help_text:
        kwargs["help_text"] = help_text
    return WarekiDateField(**kwargs)


def _choice(
    label: str, choices, required: bool = True, initial=None, coerce=None, empty_value=""
) -> forms.ChoiceField:
    """A choice; with `coerce`, the kind's typed values carry it as that type (an enum, bool)."""
    options = [("", "選択してください"), *choices] if required else list(choices)
    if coerce is None:
        return forms.ChoiceField(
            label=label, choices=options, required=required, initial=initial, error_messages=CHOOSE
        )
    return forms.TypedChoiceField(
        label=label,
        choices=options,
        required=required,
        initial=initial,
        error_messages=CHOOSE,
        coerce=coerce,
        empty_value=empty_value,
    )


def _yes(value: str) -> bool:
    return value == "1"


def _yes_no(label: str, choices, initial: str) -> forms.TypedChoiceField:
    """A 1 / 0 question of the paper form, carried as bool."""
    field = _choice(label, choices, required=False, initial=initial, coerce=_yes, empty_value=False)
    assert isinstance(field, forms.TypedChoiceField)
    return field


YES_NO_LOWER = [("1", "希望する"), ("0", "希望しない")]
INTAKE_CLASS_CHOICES = [
    (c.value, c.label)
    for c in (
        ExemptionClass.FULL,
        ExemptionClass.THREE_QUARTERS,
        ExemptionClass.HALF,
        ExemptionClass.QUARTER,
        ExemptionClass.POSTPONEMENT,
    )
]


class IntakeForm(FreeTextGuard, forms.Form):
    """The first field gets the focus; the clerk tabs through in the order of the paper form."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        first = next(iter(self.fields.values()))
        first.widget.attrs["autofocus"] = True

    def _period_order(self, data):
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", "終期が始期より前になっています。")
        return data


class ApplicationForm(IntakeForm):
    """国民年金保険料免除・納付猶予申請書 (届書種類 11)."""

    applied_on = _date("申請年月日")
    exemption_class = _choice("申請する区分", INTAKE_CLASS_CHOICES, coerce=ExemptionClass)
    accept_lower_class = _yes_no(
        "全額免除が認められない場合",
        [("1", "認められる最も有利な区分を希望する"), ("0", "全額免除のみ希望する")],
        initial="1",
    )
    start = WarekiMonthField(label="申請期間（始期）")
    end = WarekiMonthField(label="申請期間（終期）")
    continuing = _yes_no("継続申請（翌年度以降）", YES_NO_LOWER, initial="0")
    special_reason = _choice("特例", SPECIAL_CHOICES, required=False, initial="")

    def clean(self):
        data = self._period_order(super().clean())
        if data.get("exemption_class") != ExemptionClass.FULL:
            data["accept_lower_class"] = ""  # the wish only exists for a 全額免除 application
        return data


class RenewalForm(IntakeForm):
    """継続申請 (DOMAIN_RULES §2): a 全額免除 or 納付猶予 approved last 免除年度 with 継続
    requested, renewed for the new year without a new form (reported as 届書種類 11)."""

    applied_on = _date("継続の申請年月日")
    renewal_of = forms.IntegerField(label="継続元の申請", widget=forms.HiddenInput)
    exemption_class = _choice(
        "区分",
        [
            (ExemptionClass.FULL.value, ExemptionClass.FULL.label),
            (ExemptionClass.POSTPONEMENT.value, ExemptionClass.POSTPONEMENT.label),
        ],
        coerce=ExemptionClass,
    )
    start = WarekiMonthField(label="申請期間（始期）")
    end = WarekiMonthField(label="申請期間（終期）")

    def clean(self):
        return self._period_order(super().clean())


class StudentForm(IntakeForm):
    """国民年金保険料学生納付特例申請書 (届書種類 12)."""

    applied_on = _date("申請年月日")
    school_name = forms.CharField(label="学校名", max_length=80, error_messages=REQUIRED)
    start = WarekiMonthField(label="申請期間（始期）")
    end = WarekiMonthField(label="申請期間（終期）")
    continuing = _yes_no("継続申請（翌年度以降）", YES_NO_LOWER, initial="0")
    special_reason = _choice("特例", SPECIAL_CHOICES, required=False, initial="")

    def clean(self):
        return self._period_order(super().clean())


class StatutoryForm(IntakeForm):
    """国民年金保険料免除事由該当届（法定免除, 届書種類 13)."""

    notified_on = _date("届出年月日")
    reason = _choice("免除理由", StatutoryReason.choices, coerce=StatutoryReason)
    applies_on = _date("該当年月日", help_text="免除事由に該当した日。前月分から免除になります。")


class StatutoryEndForm(IntakeForm):
    """国民年金保険料免除事由消滅届（法定免除, 届書種類 14)."""

    notified_on = _date("届出年月日")
    ended_on = _date("消滅（不該当）年月日", help_text="その月分まで免除になります。")
    end_reason = forms.CharField(label="免除消滅理由", max_length=80, error_messages=REQUIRED)


class MaternityForm(IntakeForm):
    """国民年金被保険者関係届書（産前産後期間の免除, 届書種類 15)."""

    notified_on = _date("届出年月日")
    due_date = _date("出産の予定日（出産日）")
    pregnancy = _choice("単胎妊娠又は多胎妊娠の別", Pregnancy.choices, coerce=Pregnancy)


class RevocationForm(IntakeForm):
    """国民年金保険料免除等取消申請書 (届書種類 16): choices filled from the person."""

    applied_on = _date("申請年月日")
    application = forms.TypedChoiceField(
        label="取り消す免除等", choices=[], error_messages=CHOOSE, coerce=int, empty_value=None
    )
    start = WarekiMonthField(label="取消期間（始期）")
    end = WarekiMonthField(label="取消期間（終期）")
    reason = forms.CharField(label="取消理由", max_length=200, error_messages=REQUIRED)

    def clean(self):
        return self._period_order(super().clean())


class AdditionalPremiumForm(IntakeForm):
    """国民年金付加保険料納付申出書 (届書種類 21)."""

    applied_on = _date(
        "申出年月日", help_text="申出の月分から納付します（さかのぼりはできません）。"
    )
    join_reason = forms.CharField(label="付加加入理由", max_length=80, required=False)
    national_pension_fund = _yes_no(
        "国民年金基金", [("0", "加入していない"), ("1", "加入している")], initial="0"
    )


class AdditionalPremiumWithdrawalForm(IntakeForm):
    """国民年金付加保険料納付辞退申出書 (届書種類 22)."""

    applied_on = _date("辞退申出年月日")
    reason = forms.CharField(label="付加辞退理由", max_length=80, error_messages=REQUIRED)
