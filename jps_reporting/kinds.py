"""The entry kind of jps_reporting: applying a JPS results file (format F2) is a two-person
verified action. The 進達担当 who uploaded the file asks for it (`results.results_request_apply`);
a 確認担当 re-keys the number of lines and the first line's 受付番号 from the printed
reconciliation and approves, and the approval
applies every matched line (`results.results_apply`) in its transaction.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse

from kokumin_nenkin.identifiers.forms import FreeTextGuard
from kokumin_nenkin.imports.models import ImportedFile
from kokumin_nenkin.verification.models import OPEN_STATUSES
from kokumin_nenkin.verification.registry import EntryKind, register

from .formats.f2 import KIND
from .models import ResultsUpload
from .results import RESULTS_KIND, first_receipt_number, receipt_numbers, results_apply


class ResultsApplyForm(FreeTextGuard, forms.Form):
    identifier_fields = ("first_receipt_number",)  # a 受付番号: 12 digits on purpose
    upload_id = forms.IntegerField(label="処理結果ファイル", widget=forms.HiddenInput)
    line_count = forms.IntegerField(
        label="データ行数",
        min_value=0,
        help_text="印刷した突合結果に記載の行数",
        error_messages={"required": "データ行数を入力してください。"},
    )
    first_receipt_number = forms.CharField(
        label="最初の行の受付番号",
        max_length=12,
        required=False,
        help_text="印刷した突合結果に記載の、ファイル1行目の受付番号",
    )


class ResultsApplyKind(EntryKind):
    code = RESULTS_KIND
    label = "処理結果の反映（日本年金機構）"
    form_code = "F2"  # not a 届書: the results file format of docs/formats.md
    form_class = ResultsApplyForm
    # re-keyed blind from the printed reconciliation (there is no paper 届書)
    key_fields = ("line_count", "first_receipt_number")
    rekey_source = "印刷した突合結果"
    approve_note = (
        "承認すると、処理結果ファイルの内容が各人の記録に反映されます（基礎年金番号・期間・状態）。"
    )
    enter_permission = "import_jps_results"
    reported = False

    def _upload(self, payload) -> ResultsUpload:
        try:
            return ResultsUpload.objects.get(pk=int(payload.get("upload_id", 0)))
        except (ResultsUpload.DoesNotExist, ValueError):
            raise ValidationError({"upload_id": "処理結果ファイルがありません。"}) from None

    def current_version(self, person) -> str:
        return "results"

    def validate(self, person, payload, *, supersedes=None) -> None:
        upload = self._upload(payload)
        if (
            upload.applied_at is not None
            or ImportedFile.objects.filter(kind=KIND, sha256=upload.sha256).exists()
        ):
            raise ValidationError({"upload_id": "この処理結果ファイルは既に反映されています。"})
        if str(upload.line_count) != str(payload.get("line_count", "")):
            raise ValidationError({"line_count": "データ行数がファイルと一致しません。"})
        first = payload.get("first_receipt_number", "")
        if first and first != first_receipt_number(upload):
            raise ValidationError(
                {"first_receipt_number": "最初の行の受付番号がファイルと一致しません。"}
            )
        others = ResultsUpload.objects.filter(
            entry__kind=RESULTS_KIND, entry__status__in=OPEN_STATUSES, applied_at__isnull=True
        ).exclude(pk=upload.pk)
        if others.exists():
            ours = receipt_numbers(upload)
            for other in others:
                if ours & receipt_numbers(other):
                    raise ValidationError(
                        {
                            "upload_id": f"反映を待っている「{other.filename}」と同じ受付番号の"
                            "結果があります。先にそちらの反映か取下げを済ませてください。"
                        }
                    )

    def apply(self, entry, *, actor):
        return results_apply(upload_id=int(entry.payload["upload_id"]), actor=actor)

    def compare(self, person, payload):
        try:
            upload = self._upload(payload)
        except ValidationError:
            return [("処理結果ファイル", "", "（ありません）")]
        return [
            ("ファイル名", "", upload.filename),
            ("取込者", "", str(upload.uploaded_by)),
            ("データ行数", "", str(upload.line_count)),
            ("最初の行の受付番号", "", payload.get("first_receipt_number", "")),
            ("一致（反映する行）", "", f"{upload.matched}件"),
            ("該当なし（反映しない）", "", f"{upload.unmatched}件"),
            ("不一致（反映しない）", "", f"{upload.conflicts}件"),
        ]

    def links(self, payload) -> list[tuple[str, str]]:
        try:
            upload = self._upload(payload)
        except ValidationError:
            return []
        url = reverse("jps_reporting:results_check", args=[upload.pk])
        return [("突合結果（行ごとの反映内容）を見る・印刷する", url)]

    def summary(self, payload) -> str:
        try:
            upload = self._upload(payload)
        except ValidationError:
            return ""
        return f"{upload.filename}（{upload.line_count}行）"


RESULTS_APPLY = ResultsApplyKind()


def register_kinds() -> None:
    register(RESULTS_APPLY)
