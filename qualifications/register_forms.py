"""Forms of the register's front door (F3 import, work lists, counter registration)."""

from django import forms
from django.core.exceptions import ValidationError

from kokumin_nenkin.identifiers import validate_my_number
from kokumin_nenkin.identifiers.forms import FreeTextGuard
from kokumin_nenkin.imports import ENCODINGS
from kokumin_nenkin.wareki.forms import WarekiDateField

from .forms import CHOOSE, REQUIRED
from .models import Sex
from .normalise import is_kana


class ResidentsImportForm(forms.Form):
    file = forms.FileField(
        label="住民異動ファイル（F3）",
        error_messages={"required": "取り込むファイルを選んでください。"},
    )
    encoding = forms.ChoiceField(
        label="文字コード", choices=list(ENCODINGS.items()), initial="auto"
    )
    dry_run = forms.BooleanField(
        label="検査だけ行う（取り込まない）", required=False, initial=False
    )


class DismissForm(FreeTextGuard, forms.Form):
    person = forms.IntegerField(widget=forms.HiddenInput)
    event_on = forms.DateField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label="対象外とする理由",
        max_length=200,
        error_messages={"required": "対象外とする理由を入力してください。"},
    )

    def clean_reason(self):
        from kokumin_nenkin.identifiers import find_my_number_like

        reason = self.cleaned_data["reason"].strip()
        if find_my_number_like(reason):
            raise forms.ValidationError("理由に12桁の番号は書けません（個人番号の記載防止）。")
        return reason


class NewPersonForm(FreeTextGuard, forms.Form):
    """被保険者の新規登録: a person not yet in the file, registered at the counter.

    The 個人番号 is never kept as typed: the entry stores its keyed hash (for the checker's blind
    re-key and the duplicate check) and the encrypted number (`NewPersonKind.encode`)."""

    identifier_fields = ("my_number",)  # the 個人番号 itself (stored as a keyed hash)

    addressee_number = forms.RegexField(
        label="宛名番号",
        regex=r"^\d{1,15}$",
        error_messages={"required": "入力してください。", "invalid": "15桁以内の数字です。"},
    )
    family_name = forms.CharField(label="氏", max_length=40, error_messages=REQUIRED)
    given_name = forms.CharField(label="名", max_length=40, error_messages=REQUIRED)
    family_name_kana = forms.CharField(
        label="氏（フリガナ）", max_length=60, error_messages=REQUIRED
    )
    given_name_kana = forms.CharField(
        label="名（フリガナ）", max_length=60, error_messages=REQUIRED
    )
    sex = forms.ChoiceField(
        label="性別", choices=[("", "選択してください"), *Sex.choices], error_messages=CHOOSE
    )
    birth_date = WarekiDateField(label="生年月日")
    postal_code = forms.RegexField(
        label="郵便番号",
        regex=r"^\d{3}-?\d{4}$",
        required=False,
        error_messages={"invalid": "7桁の数字で入力してください。"},
    )
    address = forms.CharField(label="住所", max_length=120, error_messages=REQUIRED)
    my_number = forms.CharField(
        label="個人番号",
        required=False,
        max_length=20,
        help_text="分かる場合のみ（12桁）。保存後は表示されません。",
        widget=forms.PasswordInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    not_duplicate = forms.BooleanField(
        label="表示された候補とは別人であることを確認しました", required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["addressee_number"].widget.attrs["autofocus"] = True

    def clean_my_number(self):
        value = self.cleaned_data["my_number"]
        if not value:
            return ""
        try:
            return validate_my_number(value)
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages) from None

    def clean_postal_code(self):
        return self.cleaned_data["postal_code"].replace("-", "")

    def clean(self):
        data = super().clean()
        for name in ("family_name_kana", "given_name_kana"):
            if data.get(name) and not is_kana(data[name]):
                self.add_error(name, "フリガナはカタカナで入力してください。")
        return data
