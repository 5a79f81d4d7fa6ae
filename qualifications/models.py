"""The person register (宛名) of the 国民年金資格情報ファイル.

Holds only what section Ⅱ of the assessment names: the addressee number, the four basic
data (氏名, 性別, 生年月日, 住所) with フリガナ, contact, household and residence status.
"""

from django.db import models


class Sex(models.TextChoices):
    MALE = "1", "男"
    FEMALE = "2", "女"


class ResidenceStatus(models.TextChoices):
    RESIDENT = "resident", "住民"
    MOVED_OUT = "moved_out", "転出"
    DECEASED = "deceased", "死亡"


class Household(models.Model):
    """A 世帯 of the resident registry (その他住民票関係情報)."""

    number = models.CharField("世帯番号", max_length=12, unique=True)

    class Meta:
        verbose_name = "世帯"
        verbose_name_plural = "世帯"

    def __str__(self) -> str:
        return self.number


class Person(models.Model):
    """A resident (or former resident) the 国民年金 file is about (主な記録項目, section Ⅱ)."""

    addressee_number = models.CharField("団体内統合宛名番号", max_length=15, unique=True)
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
    created_at = models.DateTimeField("登録日時", auto_now_add=True)
    updated_at = models.DateTimeField("更新日時", auto_now=True)

    class Meta:
        verbose_name = "被保険者（宛名）"
        verbose_name_plural = "被保険者（宛名）"
        ordering = ["family_name_kana", "given_name_kana", "addressee_number"]

    def __str__(self) -> str:
        return f"{self.family_name} {self.given_name}"

    @property
    def full_name(self) -> str:
        return f"{self.family_name}\u3000{self.given_name}"

    @property
    def full_name_kana(self) -> str:
        return f"{self.family_name_kana}\u3000{self.given_name_kana}"
