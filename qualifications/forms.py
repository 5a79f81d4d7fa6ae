"""Intake forms of the qualification file. Dates in 和暦 or 西暦; errors in Japanese next to
the field. The date rules themselves live in `rules.py` and run when the entry is saved."""

from django import forms
from django.utils import timezone

from kokumin_nenkin import wareki
from kokumin_nenkin.identifiers.forms import FreeTextGuard
from kokumin_nenkin.wareki.forms import WarekiDateField

from .codes import AcquisitionCause, CategoryChangeCause, InsuredCategory, LossCause

REQUIRED = {"required": "入力してください。"}
CHOOSE = {"required": "選択してください。", "invalid_choice": "一覧から選択してください。"}


def _choices(enum):
    return [("", "選択してください"), *enum.choices]


def _date(label: str, required: bool = True, help_text: str | None = None) -> WarekiDateField:
    kwargs = {"label": label, "required": required}
    if help_text:
        kwargs["help_text"] = help_text
    return WarekiDateField(**kwargs)


class AcquisitionForm(FreeTextGuard, forms.Form):
    notified_on = _date("資格取得届出年月日")
    category = forms.ChoiceField(
        label="被保険者種別",
        choices=_choices(InsuredCategory),
        error_messages=CHOOSE,
    )
    cause = forms.ChoiceField(
        label="資格取得事由", choices=_choices(AcquisitionCause), error_messages=CHOOSE
    )
    event_on = _date(
        "事由発生日",
        required=False,
        help_text="転入日・厚生年金等の喪失日など（20歳到達・任意加入は不要）",
    )
    acquired_on = _date("資格取得年月日")
    reason = forms.CharField(label="資格取得理由", max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["notified_on"].widget.attrs["autofocus"] = True


class LossForm(FreeTextGuard, forms.Form):
    notified_on = _date("資格喪失届出年月日")
    cause = forms.ChoiceField(
        label="資格喪失事由", choices=_choices(LossCause), error_messages=CHOOSE
    )
    event_on = _date(
        "事由発生日", required=False, help_text="死亡日・出国日・厚生年金等の取得日など"
    )
    lost_on = _date("資格喪失年月日")
    reason = forms.CharField(label="資格喪失理由", max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["notified_on"].widget.attrs["autofocus"] = True


class CategoryChangeForm(FreeTextGuard, forms.Form):
    notified_on = _date("種別変更届出年月日")
    category = forms.ChoiceField(
        label="変更後の被保険者種別",
        choices=_choices(InsuredCategory),
        error_messages=CHOOSE,
    )
    cause = forms.ChoiceField(
        label="種別変更の事由", choices=_choices(CategoryChangeCause), error_messages=CHOOSE
    )
    changed_on = _date("被保険者の種別の変更があった年月日")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["notified_on"].widget.attrs["autofocus"] = True


class ReissueForm(FreeTextGuard, forms.Form):
    applied_on = _date("基礎年金番号通知書再交付申請年月日")
    reason = forms.CharField(
        label="基礎年金番号通知書再交付申請理由", max_length=200, error_messages=REQUIRED
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["applied_on"].widget.attrs["autofocus"] = True


class MemoForm(FreeTextGuard, forms.Form):
    registered_on = _date("登録年月日（メモ情報）")
    special_notes = forms.CharField(
        label="特記事項",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    consultation = forms.CharField(
        label="相談内容",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    remarks = forms.CharField(
        label="備考",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"registered_on": timezone.localdate()})
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if not any(data.get(f) for f in ("special_notes", "consultation", "remarks")):
            raise forms.ValidationError("特記事項・相談内容・備考のいずれかを入力してください。")
        return data


class SearchForm(forms.Form):
    q = forms.CharField(
        label="検索",
        max_length=100,
        required=False,
        help_text="氏名・フリガナ（一部可）、基礎年金番号、宛名番号、生年月日（和暦可）、住所",
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off", "type": "search"}),
    )

    def clean_q(self):
        """A date that does not exist (令和8年2月30日) is said, not searched as a name."""
        text = self.cleaned_data["q"]
        if wareki.looks_like_date(text):
            try:
                wareki.parse(text)
            except wareki.WarekiError as exc:
                raise forms.ValidationError(str(exc)) from None
        return text


class NameChangeForm(FreeTextGuard, forms.Form):
    """氏名変更届 (04): the new name, reported to JPS for 第1号 / 任意加入."""

    notified_on = _date("届出年月日")
    changed_on = _date("氏名の変更年月日")
    family_name = forms.CharField(label="新しい氏", max_length=40, error_messages=REQUIRED)
    given_name = forms.CharField(label="新しい名", max_length=40, error_messages=REQUIRED)
    family_name_kana = forms.CharField(
        label="新しい氏（フリガナ）", max_length=60, error_messages=REQUIRED
    )
    given_name_kana = forms.CharField(
        label="新しい名（フリガナ）", max_length=60, error_messages=REQUIRED
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["notified_on"].widget.attrs["autofocus"] = True

    def clean(self):
        data = super().clean()
        from .normalise import is_kana

        for name in ("family_name_kana", "given_name_kana"):
            if data.get(name) and not is_kana(data[name]):
                self.add_error(name, "フリガナはカタカナで入力してください。")
        return data


class AddressChangeForm(FreeTextGuard, forms.Form):
    """住所変更届 (05): the new address, reported to JPS for 第1号 / 任意加入."""

    notified_on = _date("届出年月日")
    changed_on = _date("住所の変更年月日")
    postal_code = forms.RegexField(
        label="新しい郵便番号",
        regex=r"^\d{3}-?\d{4}$",
        error_messages={
            "required": "入力してください。",
            "invalid": "7桁の数字で入力してください。",
        },
    )
    address = forms.CharField(label="新しい住所", max_length=120, error_messages=REQUIRED)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["notified_on"].widget.attrs["autofocus"] = True

    def clean_postal_code(self):
        return self.cleaned_data["postal_code"].replace("-", "")


class SuspendedOpenForm(FreeTextGuard, forms.Form):
    """The reason asked before the record of a person whose use is suspended is opened."""

    reason = forms.CharField(
        label="閲覧の理由",
        min_length=4,
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="例: 本人からの開示請求への対応、法令に基づく照会への回答",
        error_messages={
            "required": "閲覧の理由を入力してください。",
            "min_length": "閲覧の理由を具体的に入力してください（4文字以上）。",
        },
    )
