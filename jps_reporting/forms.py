"""Forms of the 進達 and results screens; Japanese messages next to the field."""

from django import forms

from kokumin_nenkin.identifiers import contains_my_number_like
from kokumin_nenkin.imports import ENCODINGS
from kokumin_nenkin.wareki.forms import WarekiDateField

from .batches import MESSAGE_MAX


class CutoffForm(forms.Form):
    cutoff = WarekiDateField(label="締め日（この日までに承認された受付）")


def clean_message(value: str) -> str:
    """連絡欄 (item 60): at most 30 characters, never a 12-digit run (a possible 個人番号)."""
    value = (value or "").strip()
    if len(value) > MESSAGE_MAX:
        raise forms.ValidationError(f"連絡欄は{MESSAGE_MAX}文字以内で入力してください。")
    if contains_my_number_like(value):
        raise forms.ValidationError(
            "連絡欄に12桁の数字は入力できません（個人番号の記載は禁止されています）。"
        )
    return value


class ResultsUploadForm(forms.Form):
    file = forms.FileField(
        label="処理結果ファイル（F2）",
        error_messages={"required": "ファイルを選択してください。", "empty": "ファイルが空です。"},
    )
    encoding = forms.ChoiceField(
        label="文字コード",
        choices=list(ENCODINGS.items()),
        initial="auto",
    )
