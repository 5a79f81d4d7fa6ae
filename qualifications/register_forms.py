"""Forms of the register's front door (F3 import, work lists, counter registration)."""

from django import forms

from kokumin_nenkin.imports import ENCODINGS


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


class DismissForm(forms.Form):
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
