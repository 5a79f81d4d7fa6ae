"""The person register (宛名) of the 国民年金資格情報ファイル.

Holds only what section Ⅱ of the assessment names: the addressee number, 個人番号 (encrypted),
the four basic data (氏名, 性別, 生年月日, 住所) with フリガナ, contact, household and residence
status; then the qualification history (items 1–15), memos (61–64) and reissues (65–66).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from kokumin_nenkin.identifiers import mask_my_number

from .codes import (
    AcquisitionCause,
    CategoryChangeCause,
    Event,
    Held,
    InsuredCategory,
    LossCause,
)
from .normalise import kana_key, name_key, to_katakana


def default_municipality_code() -> str:
    return settings.MUNICIPALITY_CODE


class Sex(models.TextChoices):
    MALE = "1", "男"
    FEMALE = "2", "女"


class ResidenceStatus(models.TextChoices):
    RESIDENT = "resident", "住民"
    MOVED_OUT = "moved_out", "転出"
    DECEASED = "deceased", "死亡"


class ResidentEvent(models.TextChoices):
    """異動区分 of the resident registry (FORMATS.md F3); `00` is the initial load."""

    INITIAL = "00", "初期移行"
    MOVED_IN = "A1", "転入（国内）"
    MOVED_IN_FROM_ABROAD = "A2", "転入（国外から）"
    MOVED_OUT = "B1", "転出（国内）"
    MOVED_ABROAD = "B2", "転出（国外へ）"
    DIED = "C1", "死亡"
    NAME_CHANGE = "D1", "氏名変更"
    ADDRESS_CHANGE = "D2", "住所変更（市内）"
    HOUSEHOLD_CHANGE = "D3", "世帯変更"


class Household(models.Model):
    """A 世帯 of the resident registry (その他住民票関係情報)."""

    number = models.CharField("世帯番号", max_length=12, unique=True)

    class Meta:
        verbose_name = "世帯"
        verbose_name_plural = "世帯"

    def __str__(self) -> str:
        return self.number


class Person(models.Model):
    """A resident (or former resident) the 国民年金 file is about (主な記録項目, section Ⅱ).

    Items 1 (基礎年金番号) and 2 (市区町村コード). The 個人番号 is held only encrypted
    (`my_number.encrypt`) with a keyed hash for exact lookup; `name_key` and `kana_key` are
    the search keys (no spaces, full-width katakana).
    """

    addressee_number = models.CharField("団体内統合宛名番号", max_length=15, unique=True)
    # db_default: rows written by plain SQL (bulk loads, benchmarks) get the same blanks.
    my_number_encrypted = models.TextField(
        "個人番号（暗号化）", blank=True, editable=False, db_default=""
    )
    my_number_hash = models.CharField(
        "個人番号（照合用ハッシュ）",
        max_length=64,
        null=True,
        blank=True,
        unique=True,
        editable=False,
    )
    basic_pension_number = models.CharField(
        "基礎年金番号", max_length=11, blank=True, db_default=""
    )
    municipality_code = models.CharField(
        "市区町村コード", max_length=6, default=default_municipality_code, db_default=""
    )
    family_name = models.CharField("氏", max_length=40)
    given_name = models.CharField("名", max_length=40)
    family_name_kana = models.CharField("氏（フリガナ）", max_length=60)
    given_name_kana = models.CharField("名（フリガナ）", max_length=60)
    sex = models.CharField("性別", max_length=1, choices=Sex.choices)
    birth_date = models.DateField("生年月日")
    postal_code = models.CharField("郵便番号", max_length=7, blank=True)
    address = models.CharField("住所", max_length=120)
    phone = models.CharField("電話番号", max_length=20, blank=True)
    household = models.ForeignKey(
        Household,
        verbose_name="世帯",
        on_delete=models.PROTECT,
        related_name="members",
        null=True,
        blank=True,
    )
    relationship = models.CharField("続柄", max_length=20, blank=True)
    is_householder = models.BooleanField("世帯主", default=False)
    spouse = models.OneToOneField(
        "self",
        verbose_name="配偶者",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    residence_status = models.CharField(
        "住民区分",
        max_length=12,
        choices=ResidenceStatus.choices,
        default=ResidenceStatus.RESIDENT,
    )
    # The last move of the resident registry (F3 A*, B*, C1 or the initial load's 00) and its
    # date: what the 転入者・死亡・転出（国外） work lists read.
    residence_event = models.CharField(
        "住民異動区分",
        max_length=2,
        choices=ResidentEvent.choices,
        blank=True,
        db_default="",
        default="",
    )
    residence_event_on = models.DateField("住民異動年月日", null=True, blank=True)
    name_key = models.CharField(
        "検索用氏名", max_length=80, blank=True, editable=False, db_default=""
    )
    kana_key = models.CharField(
        "検索用フリガナ", max_length=120, blank=True, editable=False, db_default=""
    )
    # 利用停止 (a decided 利用停止請求, set and lifted only by verified entries of the app that
    # handles residents' requests): every screen shows the mark, opening the record asks for a
    # reason, and only the entry kinds listed here may be taken in for the person.
    use_suspended_on = models.DateField("利用停止日", null=True, blank=True)
    use_suspension_allows = models.JSONField(
        "利用停止中も受け付ける届書", default=list, blank=True, db_default=[]
    )
    created_at = models.DateTimeField("登録日時", auto_now_add=True)
    updated_at = models.DateTimeField("更新日時", auto_now=True)

    class Meta:
        verbose_name = "被保険者（宛名）"
        verbose_name_plural = "被保険者（宛名）"
        ordering = ["family_name_kana", "given_name_kana", "addressee_number"]
        indexes = [
            models.Index(fields=["basic_pension_number"], name="person_bpn"),
            models.Index(fields=["birth_date"], name="person_birth"),
            models.Index(
                fields=["residence_event", "residence_event_on"], name="person_residence_event"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.family_name} {self.given_name}"

    def save(self, *args, **kwargs) -> None:
        self.normalise()
        super().save(*args, **kwargs)

    def normalise(self) -> None:
        """フリガナ to full-width katakana and the search keys (bulk inserts call this too)."""
        self.family_name_kana = to_katakana(self.family_name_kana)
        self.given_name_kana = to_katakana(self.given_name_kana)
        self.name_key = name_key(self.family_name + self.given_name)
        self.kana_key = kana_key(self.family_name_kana + self.given_name_kana)

    @property
    def use_suspended(self) -> bool:
        return self.use_suspended_on is not None

    @property
    def has_my_number(self) -> bool:
        return bool(self.my_number_encrypted)

    @property
    def my_number_masked(self) -> str:
        return mask_my_number("x" if self.my_number_encrypted else "")

    @property
    def full_name(self) -> str:
        return f"{self.family_name}\u3000{self.given_name}"

    @property
    def full_name_kana(self) -> str:
        return f"{self.family_name_kana}\u3000{self.given_name_kana}"


class QualificationRecord(models.Model):
    """One row of the qualification history (資格履歴), items 2–15.

    Each approved acquisition, loss or category change writes a new row holding the whole state
    after it; the previous row stops being the latest (最新フラグ, item 3, exactly one per person by
    a partial unique constraint). A corrected row is kept, marked 訂正済, and a new row replaces it.
    操作者ID (item 5) is the maker of the entry; the entry holds the checker.
    """

    person = models.ForeignKey(
        Person, verbose_name="被保険者", on_delete=models.CASCADE, related_name="qualifications"
    )
    event = models.CharField("異動の種類", max_length=20, choices=Event.choices)
    is_latest = models.BooleanField("最新フラグ", default=True)
    held = models.CharField("資格有無区分", max_length=1, choices=Held.choices)
    category = models.CharField(
        "被保険者種別", max_length=1, choices=InsuredCategory.choices, blank=True
    )
    acquisition_notified_on = models.DateField("資格取得届出年月日", null=True, blank=True)
    acquired_on = models.DateField("資格取得年月日", null=True, blank=True)
    acquisition_cause = models.CharField(
        "資格取得事由", max_length=2, choices=AcquisitionCause.choices, blank=True
    )
    acquisition_reason = models.CharField("資格取得理由", max_length=200, blank=True)
    loss_notified_on = models.DateField("資格喪失届出年月日", null=True, blank=True)
    lost_on = models.DateField("資格喪失年月日", null=True, blank=True)
    loss_cause = models.CharField(
        "資格喪失事由", max_length=2, choices=LossCause.choices, blank=True
    )
    loss_reason = models.CharField("資格喪失理由", max_length=200, blank=True)
    category_changed_on = models.DateField(
        "被保険者の種別の変更があった年月日", null=True, blank=True
    )
    category_change_cause = models.CharField(
        "種別変更の事由", max_length=2, choices=CategoryChangeCause.choices, blank=True
    )
    category_change_notified_on = models.DateField("種別変更届出年月日", null=True, blank=True)
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作者ID",
        on_delete=models.PROTECT,
        related_name="+",
    )
    entry = models.ForeignKey(
        "verification.Entry",
        verbose_name="受付",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    corrected = models.BooleanField("訂正済", default=False)
    created_at = models.DateTimeField("登録日時", auto_now_add=True)

    class Meta:
        verbose_name = "資格履歴"
        verbose_name_plural = "資格履歴"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(is_latest=True),
                name="qualification_one_latest_per_person",
            ),
            models.CheckConstraint(
                condition=Q(lost_on__isnull=True)
                | Q(acquired_on__isnull=True)
                | Q(lost_on__gte=F("acquired_on")),
                name="qualification_loss_not_before_acquisition",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.get_event_display()} {self.get_held_display()}"

    @property
    def effective_on(self):
        if self.event == Event.ACQUISITION:
            return self.acquired_on
        if self.event == Event.LOSS:
            return self.lost_on
        return self.category_changed_on


class Memo(models.Model):
    """A memo or consultation note about a person (メモ情報, items 61–64). No verification."""

    person = models.ForeignKey(
        Person, verbose_name="被保険者", on_delete=models.CASCADE, related_name="memos"
    )
    registered_on = models.DateField("登録年月日（メモ情報）")
    special_notes = models.TextField("特記事項", blank=True)
    consultation = models.TextField("相談内容", blank=True)
    remarks = models.TextField("備考", blank=True)
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作者ID",
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("登録日時", auto_now_add=True)

    class Meta:
        verbose_name = "メモ・相談"
        verbose_name_plural = "メモ・相談"
        ordering = ["-registered_on", "-id"]

    def __str__(self) -> str:
        return f"{self.person_id} {self.registered_on}"


class PensionNumberNoticeReissue(models.Model):
    """An application to reissue the 基礎年金番号通知書 (items 65–66), written on approval."""

    person = models.ForeignKey(
        Person, verbose_name="被保険者", on_delete=models.CASCADE, related_name="reissues"
    )
    applied_on = models.DateField("基礎年金番号通知書再交付申請年月日")
    reason = models.CharField("基礎年金番号通知書再交付申請理由", max_length=200)
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作者ID",
        on_delete=models.PROTECT,
        related_name="+",
    )
    entry = models.ForeignKey(
        "verification.Entry",
        verbose_name="受付",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("登録日時", auto_now_add=True)

    class Meta:
        verbose_name = "基礎年金番号通知書再交付申請"
        verbose_name_plural = "基礎年金番号通知書再交付申請"
        ordering = ["-applied_on", "-id"]

    def __str__(self) -> str:
        return f"{self.person_id} {self.applied_on}"


class WorkList(models.TextChoices):
    """The 職権・勧奨 work lists of the register (`worklists.py`)."""

    AGE_20 = "age20", "20歳到達者"
    MOVED_IN = "moved_in", "転入者"
    AGE_60 = "age60", "60歳到達者"
    DIED = "died", "死亡者"
    MOVED_ABROAD = "abroad", "国外転出者"
    CHANGES = "changes", "氏名・住所変更の届出"


class WorkListDismissal(models.Model):
    """A work-list row a clerk set aside with a reason: it leaves the list (audited)."""

    work_list = models.CharField("一覧", max_length=20, choices=WorkList.choices)
    person = models.ForeignKey(
        Person, verbose_name="被保険者", on_delete=models.CASCADE, related_name="+"
    )
    event_on = models.DateField("事由の日")
    reason = models.CharField("対象外とした理由", max_length=200)
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作者ID",
        on_delete=models.PROTECT,
        related_name="+",
    )
    dismissed_at = models.DateTimeField("登録日時", auto_now_add=True)

    class Meta:
        verbose_name = "一覧の対象外"
        verbose_name_plural = "一覧の対象外"
        constraints = [
            models.UniqueConstraint(
                fields=["work_list", "person", "event_on"], name="worklist_dismissed_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.work_list} {self.person_id} {self.event_on}"


class ResidentChange(models.Model):
    """A 氏名変更 (D1) or 住所変更 (D2) from an F3 file, for a person JPS must know about
    (第1号 / 任意加入 held then): a row of the 「氏名・住所変更の届出」 work list until a
    氏名変更届 / 住所変更届 is taken in for it (or it is set aside with a reason)."""

    person = models.ForeignKey(
        Person, verbose_name="被保険者", on_delete=models.CASCADE, related_name="+"
    )
    event = models.CharField("住民異動区分", max_length=2, choices=ResidentEvent.choices)
    changed_on = models.DateField("異動年月日")
    created_at = models.DateTimeField("登録日時", auto_now_add=True)

    class Meta:
        verbose_name = "住民異動による変更の届出"
        verbose_name_plural = "住民異動による変更の届出"
        ordering = ["changed_on", "id"]

    def __str__(self) -> str:
        return f"{self.person_id} {self.event} {self.changed_on}"


class CityChangeKind(models.TextChoices):
    """変更区分 of F5."""

    ACQUISITION = "取得", "取得"
    LOSS = "喪失", "喪失"
    CATEGORY_CHANGE = "種別変更", "種別変更"


class CityNoticeFile(models.Model):
    """One F5 file written for 市民課, stored as written (reprints serve these bytes)."""

    filename = models.CharField("ファイル名", max_length=100)
    content = models.BinaryField("内容")
    sha256 = models.CharField("SHA-256", max_length=64, unique=True)
    line_count = models.PositiveIntegerField("件数")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="作成者", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("作成日時", auto_now_add=True)

    class Meta:
        verbose_name = "市民課への通知ファイル（F5）"
        verbose_name_plural = "市民課への通知ファイル（F5）"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.filename


class CityNotice(models.Model):
    """One verified qualification change waiting for (or written into) an F5 file.

    Queued by the approval that wrote the history row (one per row, so never twice); `file`
    is set once, when the row goes into a file."""

    record = models.OneToOneField(
        QualificationRecord,
        verbose_name="資格履歴",
        on_delete=models.CASCADE,
        related_name="city_notice",
    )
    person = models.ForeignKey(
        Person, verbose_name="被保険者", on_delete=models.CASCADE, related_name="+"
    )
    change_kind = models.CharField("変更区分", max_length=4, choices=CityChangeKind.choices)
    file = models.ForeignKey(
        CityNoticeFile,
        verbose_name="通知ファイル",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notices",
    )
    created_at = models.DateTimeField("登録日時", auto_now_add=True)

    class Meta:
        verbose_name = "市民課への通知"
        verbose_name_plural = "市民課への通知"
        ordering = ["id"]
        indexes = [models.Index(fields=["file"], name="city_notice_file")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.change_kind}"
