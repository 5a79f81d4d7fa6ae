"""The intake forms of the 請求書 (届書種類 31–37): each form is also its kind's payload
declaration (`EntryKind.values()` gives typed values: dates, ints, yes/no as bool, codes).
Japanese messages next to the field."""

from django import forms

from kokumin_nenkin.identifiers.forms import FreeTextGuard
from kokumin_nenkin.wareki.forms import WarekiDateField, WarekiMonthField

from .pension_rules import SpecialDisabilityReason
from .rules import ClaimKind, PensionReceived

CHOOSE = {"required": "選択してください。", "invalid_choice": "一覧から選択してください。"}
REQUIRED = {"required": "入力してください。", "invalid": "数字で入力してください。"}
YES_NO = [("0", "いいえ"), ("1", "はい")]
RELATIONSHIPS = ["本人", "配偶者", "子", "父母", "孫", "祖父母", "兄弟姉妹", "その他"]
NOT_REGISTERED = 0

#: 添付書類 per claim [GK: the usual list of the 年金請求書; JPS's own guide decides].
ATTACHMENTS: dict[str, str] = {
    "techo": "基礎年金番号通知書または年金手帳",
    "koseki": "戸籍謄本（戸籍全部事項証明書）",
    "jumin": "世帯全員の住民票の写し",
    "bank": "受取先金融機関の通帳等（本人名義）",
    "shotoku": "所得証明書（課税・非課税証明書）",
    "shindan": "診断書（所定の様式）",
    "byoreki": "病歴・就労状況等申立書",
    "shibou": "死亡診断書（死体検案書）の写し等",
    "kikan": "在学期間・婚姻期間を確認できる書類",
}
CHECKLISTS: dict[str, tuple[str, ...]] = {
    ClaimKind.OLD_AGE: ("techo", "koseki", "bank"),
    ClaimKind.DISABILITY: ("techo", "koseki", "bank", "shindan", "byoreki"),
    ClaimKind.SURVIVORS: ("techo", "koseki", "jumin", "bank", "shibou", "shotoku"),
    ClaimKind.WIDOW: ("techo", "koseki", "jumin", "bank", "shibou", "shotoku"),
    ClaimKind.DEATH_LUMP_SUM: ("techo", "koseki", "jumin", "bank"),
    ClaimKind.SPECIAL_DISABILITY: ("techo", "koseki", "bank", "shindan", "byoreki", "kikan"),
    ClaimKind.SUPPORT: ("shotoku",),
}


def checklist(kind: str) -> list[tuple[str, str]]:
    return [(code, ATTACHMENTS[code]) for code in CHECKLISTS[kind]]


class AttachmentsField(forms.MultipleChoiceField):
    """The attachments received, kept in the payload as one comma-joined text of codes."""

    widget = forms.CheckboxSelectMultiple

    def clean(self, value):
        return ",".join(super().clean(value))

    def prepare_value(self, value):
        if isinstance(value, str):
            return [v for v in value.split(",") if v]
        return value


def _yes_no(label: str, help_text: str = "") -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=YES_NO,
        coerce=lambda v: v in (True, "1", 1),
        initial="0",
        widget=forms.RadioSelect,
        error_messages=CHOOSE,
        help_text=help_text,
    )


def _months(
    label: str, help_text: str = "日本年金機構の記録（被保険者記録照会回答票）から"
) -> forms.IntegerField:
    return forms.IntegerField(
        label=label, min_value=0, max_value=999, help_text=help_text, error_messages=REQUIRED
    )


class ClaimForm(FreeTextGuard, forms.Form):
    """What every 請求書 asks: the date, who claims, the attachments received. The choice of
    claimant (the person, their spouse or household, or someone not in the register) is filled
    per person by the kind."""

    kind: str = ""
    claimed_on = WarekiDateField(label="請求年月日")
    claimant = forms.TypedChoiceField(
        label="請求者",
        coerce=int,
        error_messages=CHOOSE,
        help_text="住民記録にない方は「登録のない方」を選び、氏名を入力",
    )
    claimant_name = forms.CharField(
        label="請求者の氏名（登録のない方）", max_length=80, required=False
    )
    relationship = forms.ChoiceField(
        label="請求者の続柄",
        choices=[(r, r) for r in RELATIONSHIPS],
        error_messages=CHOOSE,
        help_text="亡くなった方（記録の本人）から見た続柄",
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("claimant") == NOT_REGISTERED and not cleaned.get("claimant_name"):
            self.add_error("claimant_name", "登録のない方の氏名を入力してください。")
        return cleaned


def _attachments(kind: str) -> AttachmentsField:
    return AttachmentsField(
        label="受け取った添付書類",
        choices=checklist(kind),
        required=False,
        help_text="受け取っていない書類は受付控えに「未着」と印字されます",
    )


class OldAgeForm(ClaimForm):
    kind = ClaimKind.OLD_AGE
    start_month = WarekiMonthField(
        label="受給開始年月", help_text="65歳到達の翌月。繰上げ（60歳から）・繰下げ（75歳まで）"
    )
    paid_months = _months("保険料納付済期間（月数）")
    exempt_months = _months("保険料免除期間（月数）")
    kara_months = _months("合算対象期間（月数）")
    attachments = _attachments(ClaimKind.OLD_AGE)


class DisabilityForm(ClaimForm):
    kind = ClaimKind.DISABILITY
    first_visit_on = WarekiDateField(label="初診日")
    lived_in_japan = _yes_no("初診日に日本国内に住所があった")
    insured_months = _months("初診日の前々月までの被保険者期間（月数）")
    paid_exempt_months = _months("うち保険料納付済・免除期間（月数）")
    unpaid_recent = _yes_no("初診日の前々月までの1年間に未納がある")
    attachments = _attachments(ClaimKind.DISABILITY)


class SurvivorsForm(ClaimForm):
    kind = ClaimKind.SURVIVORS
    death_on = WarekiDateField(label="死亡年月日")
    lived_in_japan = _yes_no("死亡日に日本国内に住所があった")
    insured_months = _months("死亡日の前々月までの被保険者期間（月数）")
    paid_exempt_months = _months("うち保険料納付済・免除期間（月数）")
    unpaid_recent = _yes_no("死亡日の前々月までの1年間に未納がある")
    qualifying_months = _months("受給資格期間（月数）")
    children = forms.IntegerField(
        label="対象となる子の人数",
        min_value=0,
        max_value=20,
        help_text="18歳到達年度末まで（障害等級1・2級の子は20歳未満）",
        error_messages=REQUIRED,
    )
    attachments = _attachments(ClaimKind.SURVIVORS)


class WidowForm(ClaimForm):
    kind = ClaimKind.WIDOW
    death_on = WarekiDateField(label="夫の死亡年月日")
    husband_first_months = _months("夫の第1号被保険者期間の納付済・免除期間（月数）")
    husband_received_pension = _yes_no("夫が老齢基礎年金・障害基礎年金を受けていた")
    married_years = forms.IntegerField(
        label="婚姻期間（年）", min_value=0, max_value=99, error_messages=REQUIRED
    )
    maintained = _yes_no("夫に生計を維持されていた")
    attachments = _attachments(ClaimKind.WIDOW)


class DeathLumpSumForm(ClaimForm):
    kind = ClaimKind.DEATH_LUMP_SUM
    death_on = WarekiDateField(label="死亡年月日")
    paid_months = _months("第1号の保険料納付済期間（月数）")
    quarter_exempt_months = _months("4分の1免除期間（月数）")
    half_exempt_months = _months("半額免除期間（月数）")
    three_quarter_exempt_months = _months("4分の3免除期間（月数）")
    additional_months = _months("付加保険料納付済期間（月数）")
    deceased_received_pension = _yes_no("亡くなった方が老齢基礎年金・障害基礎年金を受けていた")
    survivors_pension_payable = _yes_no("同じ死亡で遺族基礎年金を受けられる方がいる")
    attachments = _attachments(ClaimKind.DEATH_LUMP_SUM)


class SpecialDisabilityForm(ClaimForm):
    kind = ClaimKind.SPECIAL_DISABILITY
    first_visit_on = WarekiDateField(label="初診日")
    reason = forms.TypedChoiceField(
        label="任意加入していなかった事情",
        choices=SpecialDisabilityReason.choices,
        coerce=SpecialDisabilityReason,
        error_messages=CHOOSE,
    )
    grade = forms.ChoiceField(
        label="障害等級（診断書による）",
        choices=[("1", "1級"), ("2", "2級"), ("3", "3級以下")],
        error_messages=CHOOSE,
    )
    attachments = _attachments(ClaimKind.SPECIAL_DISABILITY)


class SupportForm(ClaimForm):
    kind = ClaimKind.SUPPORT
    pension_received = forms.TypedChoiceField(
        label="受けている年金",
        choices=PensionReceived.choices,
        coerce=PensionReceived,
        error_messages=CHOOSE,
        help_text="給付金種別はこの年金と所得で決まります",
    )
    pension_receipts = forms.IntegerField(
        label="前年の公的年金等の収入額（円）",
        min_value=0,
        initial=0,
        error_messages=REQUIRED,
        help_text="障害・遺族の年金は非課税のため0円",
    )
    pension_misc_income = forms.IntegerField(
        label="うち合計所得金額に含まれる公的年金等に係る雑所得（円）",
        min_value=0,
        initial=0,
        error_messages=REQUIRED,
    )
    attachments = _attachments(ClaimKind.SUPPORT)


FORMS: dict[str, type[ClaimForm]] = {
    f.kind: f
    for f in (
        OldAgeForm,
        DisabilityForm,
        SurvivorsForm,
        WidowForm,
        DeathLumpSumForm,
        SpecialDisabilityForm,
        SupportForm,
    )
}


class LateAttachmentForm(FreeTextGuard, forms.Form):
    """An attachment received after the 請求書: which one (of those still due) and when."""

    code = forms.ChoiceField(label="受け取った添付書類", error_messages=CHOOSE)
    received_on = WarekiDateField(label="受領日")

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].choices = [("", "選択してください"), *choices]
