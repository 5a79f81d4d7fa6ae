"""Code tables of the qualification file, in one place (DOMAIN_RULES.md §1, FORMATS.md).

No official code table of 取得事由 / 喪失事由 was found [GK]: the two-digit codes below are
ours (they go into 事由コード of the electronic-media file). To add a cause, add one member
here and, if it has a date rule, one line in `rules.py`.
"""

from django.db import models


class InsuredCategory(models.TextChoices):
    """被保険者種別 (item 6), codes of FORMATS.md."""

    FIRST = "1", "第1号"
    SECOND = "2", "第2号"
    THIRD = "3", "第3号"
    VOLUNTARY = "4", "任意加入"
    SPECIAL_VOLUNTARY = "5", "特例任意加入"


class Held(models.TextChoices):
    """資格有無区分 (item 4)."""

    HELD = "1", "有"
    NOT_HELD = "0", "無"


class AcquisitionCause(models.TextChoices):
    """資格取得事由 (item 9)."""

    AGE_20 = "01", "20歳到達"
    ENTRY_FROM_ABROAD = "02", "国外からの転入"
    LEFT_EMPLOYEE_PENSION = "03", "厚生年金等の資格喪失"
    FROM_THIRD_CATEGORY = "04", "第3号からの種別変更"
    VOLUNTARY_APPLICATION = "05", "任意加入申出"
    NATIONALITY = "06", "国籍取得・在留開始"
    OTHER = "99", "その他"


class LossCause(models.TextChoices):
    """資格喪失事由 (item 13)."""

    DEATH = "11", "死亡"
    EMIGRATION = "12", "国外転出"
    AGE_60 = "13", "60歳到達"
    JOINED_EMPLOYEE_PENSION = "14", "厚生年金等の資格取得"
    VOLUNTARY_WITHDRAWAL = "15", "任意加入の脱退"
    NATIONALITY_LOSS = "16", "国籍喪失"
    OLD_AGE_ENTITLEMENT = "17", "老齢厚生年金等の受給権取得"
    OTHER = "99", "その他"


class CategoryChangeCause(models.TextChoices):
    """種別変更の事由 (the cause of a change recorded under item 15)."""

    BECAME_SECOND = "21", "厚生年金等の資格取得（第2号へ）"
    BECAME_THIRD = "22", "被扶養配偶者の認定（第3号へ）"
    LEFT_SECOND = "23", "厚生年金等の資格喪失（第1号へ）"
    LEFT_THIRD = "24", "被扶養配偶者でなくなった（第1号へ）"
    OTHER = "99", "その他"


class Event(models.TextChoices):
    """What a history row records."""

    ACQUISITION = "acquisition", "資格取得"
    LOSS = "loss", "資格喪失"
    CATEGORY_CHANGE = "category_change", "種別変更"


VOLUNTARY_CATEGORIES = frozenset({InsuredCategory.VOLUNTARY, InsuredCategory.SPECIAL_VOLUNTARY})

#: The categories whose holders' 氏名・住所 changes JPS must know (氏名変更届 04, 住所変更届 05).
REPORTED_CHANGE_CATEGORIES = frozenset(
    {InsuredCategory.FIRST, InsuredCategory.VOLUNTARY, InsuredCategory.SPECIAL_VOLUNTARY}
)
