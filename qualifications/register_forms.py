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
