"""Forms of the counter (請求受付, 問合せ受付票, 延長) and the decision entry's form."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from kokumin_nenkin.identifiers.forms import FreeTextGuard
from kokumin_nenkin.wareki.forms import WarekiDateField

from .models import (
    Channel,
    Decision,
    IdentityCheck,
    Requester,
    RequestKind,
    ResidentRequest,
)

YES_NO = [("0", "いいえ（事務所と役割のみ）"), ("1", "はい（職員の氏名も記載）")]


class RequestForm(FreeTextGuard, forms.Form):
    """請求受付: what the counter writes down when a 開示・訂正・利用停止請求 comes in."""

    kind = forms.ChoiceField(
        label="請求の種類",
        choices=[(k, label) for k, label in RequestKind.choices if k != RequestKind.INQUIRY],
    )
    channel = forms.ChoiceField(label="受付方法", choices=Channel.choices)
    requester = forms.ChoiceField(label="請求者", choices=Requester.choices)
    agent_name = forms.CharField(label="代理人の氏名", max_length=60, required=False)
    agent_proof = forms.CharField(
        label="代理権の確認書類", max_length=120, required=False, help_text="例: 委任状、戸籍謄本"
    )
    identity_check = forms.ChoiceField(
        label="本人確認の方法",
        choices=[(k, label) for k, label in IdentityCheck.choices if k != IdentityCheck.NONE],
    )
    identity_note = forms.CharField(label="本人確認の補足", max_length=120, required=False)
    subject = forms.CharField(label="請求の内容", widget=forms.Textarea(attrs={"rows": 3}))
    received_on = WarekiDateField(label="受付日")

    def clean_received_on(self):
        value = self.cleaned_data["received_on"]
        if value > timezone.localdate():
            raise forms.ValidationError("受付日が未来の日付です。")
        return value

    def clean(self):
        data = super().clean()
        if data.get("requester") == Requester.AGENT:
            if not data.get("agent_name"):
                self.add_error("agent_name", "代理人の氏名を入力してください。")
            if not data.get("agent_proof"):
                self.add_error("agent_proof", "代理権を確認した書類を入力してください。")
        if data.get("identity_check") == IdentityCheck.OTHER and not data.get("identity_note"):
            self.add_error("identity_note", "確認した書類を入力してください。")
        return data


class InquiryForm(FreeTextGuard, forms.Form):
    """問合せ受付票: counter and telephone inquiries (the person is optional)."""

    channel = forms.ChoiceField(label="受付方法", choices=Channel.choices)
    subject = forms.CharField(label="問合せの内容", widget=forms.Textarea(attrs={"rows": 3}))
    answer = forms.CharField(label="回答", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    received_on = WarekiDateField(label="受付日")
    follow_up_on = WarekiDateField(label="対応予定日", required=False)


class InquirySearchForm(forms.Form):
    start = WarekiDateField(label="受付日（から）", required=False)
    end = WarekiDateField(label="受付日（まで）", required=False)
    staff = forms.ModelChoiceField(
        label="受付者", queryset=None, required=False, empty_label="すべて"
    )

    def __init__(self, *args, **kwargs):
        from kokumin_nenkin.accounts.models import Staff

        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = Staff.objects.filter(  # type: ignore[attr-defined]
            role__in=["counter", "supervisor"]
        ).order_by("username")


class ExtensionForm(FreeTextGuard, forms.Form):
    extended_deadline = WarekiDateField(label="延長後の決定期限")
    extension_reason = forms.CharField(label="延長の理由", widget=forms.Textarea(attrs={"rows": 2}))


class DecisionForm(FreeTextGuard, forms.Form):
    """The decision entry (`resident_requests.decision`): which request, what was decided,
    why, and whether the disclosure package names the staff."""

    request = forms.ChoiceField(label="請求", choices=[])
    decision = forms.ChoiceField(
        label="決定", choices=[("", "選択してください"), *Decision.choices]
    )
    decision_reason = forms.CharField(
        label="決定の理由",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text="一部開示・不開示・訂正しない・利用停止しないときは必須",
    )
    decided_on = WarekiDateField(label="決定日")
    show_staff_names = forms.ChoiceField(
        label="開示文書に職員の氏名を記載する", choices=YES_NO, initial="0"
    )
    allowed_kinds = forms.MultipleChoiceField(
        label="利用停止中も受け付ける届書",
        choices=[],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="利用停止する場合のみ。法令上必要な届出（資格喪失など）を選びます",
    )


class LiftForm(FreeTextGuard, forms.Form):
    """The entry that lifts a suspension (`resident_requests.lift_suspension`)."""

    lifted_on = WarekiDateField(label="利用停止の解除日")
    reason = forms.CharField(label="解除の理由", widget=forms.Textarea(attrs={"rows": 2}))


def request_choices(person) -> list[tuple[str, str]]:
    if person is None:
        return []
    open_requests = ResidentRequest.objects.filter(person=person, decision="").exclude(
        kind=RequestKind.INQUIRY
    )
    return [("", "選択してください")] + [
        (str(r.pk), f"{r.get_kind_display()} 第{r.pk}号（{r.received_on:%Y-%m-%d}受付）")
        for r in open_requests
    ]


class PurgeForm(FreeTextGuard, forms.Form):
    """The purge entry: the proposal and the number of persons, re-keyed by the approver."""

    proposal = forms.CharField(label="消去の提案", max_length=20)
    persons = forms.IntegerField(label="消去する人数", min_value=1)
