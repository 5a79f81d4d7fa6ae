"""Format F4 of FORMATS.md: income from 市民税課 (地方税関係情報), read through `CsvInput`."""

from django.utils import timezone

from kokumin_nenkin.imports import FieldError, code_of, non_negative_int, required

F4_KIND = "income"
F4_HEADER = [
    "所得年",
    "宛名番号",
    "合計所得金額",
    "扶養親族等の数",
    "扶養親族等控除額",
    "社会保険料控除額等",
    "障害者",
    "寡婦ひとり親",
    "生活保護",
]
DISABLED_CODES = {"0": "なし", "1": "あり"}
WIDOW_CODES = {"0": "なし", "1": "寡婦", "2": "ひとり親"}
ASSISTANCE_CODES = {"0": "なし", "1": "生活扶助", "2": "生活扶助以外"}
FIRST_INCOME_YEAR = 1989  # [GK] older years have no exemption year left to judge


def income_year(value: str) -> int:
    """所得年: the calendar year the income was earned; not in the future."""
    if not (len(value) == 4 and value.isascii() and value.isdigit()):
        raise FieldError(f"「{value[:30]}」は西暦4桁の年ではありません。")
    year = int(value)
    this_year = timezone.localdate().year
    if not FIRST_INCOME_YEAR <= year <= this_year:
        raise FieldError(f"所得年 {year} は {FIRST_INCOME_YEAR}〜{this_year} の範囲外です。")
    return year


def addressee_number(value: str) -> str:
    if not (value.isascii() and value.isdigit() and len(value) <= 15):
        raise FieldError(f"「{value[:30]}」は宛名番号（15桁以内の数字）ではありません。")
    return value


F4_COLUMNS = {
    "所得年": required(income_year),
    "宛名番号": required(addressee_number),
    "合計所得金額": required(non_negative_int),
    "扶養親族等の数": required(non_negative_int),
    "扶養親族等控除額": required(non_negative_int),
    "社会保険料控除額等": required(non_negative_int),
    "障害者": required(code_of(DISABLED_CODES)),
    "寡婦ひとり親": required(code_of(WIDOW_CODES)),
    "生活保護": required(code_of(ASSISTANCE_CODES)),
}
F4_UNIQUE = ("所得年", "宛名番号")
