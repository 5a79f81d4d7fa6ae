"""Identifier validation in one place: 個人番号, 基礎年金番号, 全国地方公共団体コード.

Check-digit rules from DOMAIN_RULES.md §5. Every function accepts full-width digits and the
usual separators (hyphen, space), and the validators raise Japanese ValidationErrors.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError

# Between digit groups: spaces and tabs (any width), hyphens and dashes, dots and 「・」. Not a line
# break: in a file, the last digits of one line and the first of the next are not one number.
_SEPARATOR_CHARS = r" \t\u3000\-‐－―ー.．・･"
_SEPARATORS = re.compile(f"[{_SEPARATOR_CHARS}]")


def digits_only(text: str) -> str:
    """NFKC (full-width → ASCII) and drop hyphens and spaces: '１２３４－５６' → '123456'."""
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", text or ""))


# --- 個人番号 ---------------------------------------------------------------------------------
_MY_NUMBER_WEIGHTS = (6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def my_number_check_digit(first11: str) -> int:
    r = sum(int(c) * w for c, w in zip(first11, _MY_NUMBER_WEIGHTS, strict=True)) % 11
    return 0 if r <= 1 else 11 - r


def is_valid_my_number(text: str) -> bool:
    n = digits_only(text)
    return bool(re.fullmatch(r"\d{12}", n)) and my_number_check_digit(n[:11]) == int(n[11])


def validate_my_number(text: str) -> str:
    """Returns the 12 digits, or raises a Japanese error (the number itself is never echoed)."""
    n = digits_only(text)
    if not re.fullmatch(r"\d{12}", n):
        raise ValidationError("個人番号は12桁の数字で入力してください。", code="my_number_format")
    if my_number_check_digit(n[:11]) != int(n[11]):
        raise ValidationError(
            "個人番号の検査用数字（最後の1桁）が一致しません。入力を確認してください。",
            code="my_number_check_digit",
        )
    return n


# A 12-digit run, also full-width or with a separator between digits. Every output (PDF text,
# CSV, electronic-media file, audit details, log line) is checked with this before it leaves.
MY_NUMBER_LIKE = re.compile(
    rf"(?<![0-9０-９])(?:[0-9０-９][{_SEPARATOR_CHARS}]{{0,3}}){{11}}[0-9０-９](?![0-9０-９])"
)


def find_my_number_like(text: str, allow: frozenset[str] | set[str] = frozenset()) -> list[str]:
    """Every 12-digit run in the text (ASCII, full-width, hyphenated or spaced), except runs
    whose digits are in `allow` — e.g. the 受付番号 (西暦 + 8 digits) printed on the same form."""
    found = []
    for match in MY_NUMBER_LIKE.finditer(text or ""):
        if digits_only(match.group()) not in allow:
            found.append(match.group())
    return found


def contains_my_number_like(text: str, allow: frozenset[str] | set[str] = frozenset()) -> bool:
    return bool(find_my_number_like(text, allow))


def contains_valid_my_number(text: str) -> bool:
    """A 12-digit run (separated any way `MY_NUMBER_LIKE` allows) whose check digit is right."""
    return any(is_valid_my_number(m.group()) for m in MY_NUMBER_LIKE.finditer(text or ""))


MY_NUMBER_IN_FREE_TEXT = (
    "個人番号と思われる12桁の数字が含まれています。個人番号は記入しないでください"
    "（必要な場合は数字を省いて記入してください）。"
)


def no_my_number_in_text(value: str) -> None:
    """Form validator for free text (memos, 連絡欄, reasons): refuses a valid 個人番号 however
    it is written (full-width, spaced, hyphenated, dotted, 「・」 between groups)."""
    if contains_valid_my_number(value):
        raise ValidationError(MY_NUMBER_IN_FREE_TEXT, code="my_number_in_text")


def mask_my_number(n: str | None) -> str:
    """Masked for the screen: nothing of the number is shown but that one exists."""
    return "＊＊＊＊ ＊＊＊＊ ＊＊＊＊" if n else ""


# --- 基礎年金番号 -------------------------------------------------------------------------------
def normalise_basic_pension_number(text: str) -> str:
    """'1234567890', '１２３４－５６７８９０' → '1234-567890'. Raises if malformed."""
    n = re.sub(r"[‐－―ー]", "-", unicodedata.normalize("NFKC", text or "")).replace(" ", "")
    if not re.fullmatch(r"\d{4}-?\d{6}", n):
        raise ValidationError(
            "基礎年金番号は4桁の記号と6桁の番号で入力してください（例: 1234-567890）。",
            code="basic_pension_number_format",
        )
    n = n.replace("-", "")
    return f"{n[:4]}-{n[4:]}"


def is_valid_basic_pension_number(text: str) -> bool:
    try:
        normalise_basic_pension_number(text)
    except ValidationError:
        return False
    return True


# --- 全国地方公共団体コード ----------------------------------------------------------------------
_MUNI_WEIGHTS = (6, 5, 4, 3, 2)


def municipality_check_digit(first5: str) -> int:
    r = sum(int(c) * w for c, w in zip(first5, _MUNI_WEIGHTS, strict=True)) % 11
    return (11 - r) % 10


def is_valid_municipality_code(text: str) -> bool:
    n = digits_only(text)
    return bool(re.fullmatch(r"\d{6}", n)) and municipality_check_digit(n[:5]) == int(n[5])


def validate_municipality_code(text: str) -> str:
    n = digits_only(text)
    if not is_valid_municipality_code(n):
        raise ValidationError(
            "市区町村コードは検査用数字を含む6桁で入力してください（例: 112020）。",
            code="municipality_code",
        )
    return n


# --- 郵便番号 -----------------------------------------------------------------------------------
def format_postal_code(code: str | None) -> str:
    """'3600845' → '〒360-0845'; empty stays empty; anything else is shown as it is."""
    n = digits_only(code or "")
    if not n:
        return ""
    if re.fullmatch(r"\d{7}", n):
        return f"〒{n[:3]}-{n[3:]}"
    return f"〒{code}"
