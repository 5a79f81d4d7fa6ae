"""Kana conversion, in one place.

- `to_katakana`: フリガナ as the person register keeps it and its search keys are made from —
  full-width katakana, whatever was typed (ひらがな, ﾊﾝｶｸ, ｶﾀｶﾅ).
- `to_half_width`: the half-width katakana of the F1 file's 氏名カナ (docs/formats.md): a
  voiced letter takes two characters (ガ → ｶﾞ).
- `to_full_width`: the full-width text of F1's full-width fields (氏名, 住所, 連絡欄).
- `comparable`: kana compared in any width (JPS results against what was reported).

The tables come from jaconv (hiragana ↔ katakana, full ↔ half width). What it leaves alone is
decided here: katakana with no half-width form get the conventional replacements (ヰ → ｲ,
ヵ → ｶ, ヷ → ﾜﾞ), and a half-width voiced mark is joined to its letter by NFKC (ﾜﾞ → ヷ).
"""

import re
import unicodedata

import jaconv

FULL_SPACE = "\u3000"
_SPACES = re.compile(r"[\s\u3000]+")
_HALF_WIDTH_KATAKANA = re.compile(r"[\uff61-\uff9f]+")

# The hiragana iteration marks stay as they are: the stored search keys were made that way.
_KEEP_HIRAGANA = "ゝゞ"

# Katakana (and voiced marks) with no half-width form of their own: the conventional
# half-width spelling.
_NO_HALF_WIDTH_FORM = str.maketrans(
    {
        "ヰ": "ｲ",
        "ヱ": "ｴ",
        "ヵ": "ｶ",
        "ヶ": "ｹ",
        "ヮ": "ﾜ",
        "ヷ": "ﾜﾞ",
        "ヸ": "ｲﾞ",
        "ヹ": "ｴﾞ",
        "ヺ": "ｦﾞ",
        "\u309b": "ﾞ",  # ゛ spacing voiced mark
        "\u309c": "ﾟ",  # ゜
        "\u3099": "ﾞ",  # combining voiced mark left over after NFC
        "\u309a": "ﾟ",
    }
)


class NoHalfWidthForm(ValueError):
    """A character with no half-width form (漢字, ヽ, 𠮷 …); `char` is the first one found."""

    def __init__(self, char: str):
        self.char = char
        super().__init__(f"no half-width form: {char!r} (U+{ord(char):04X})")


def hiragana_to_katakana(text: str) -> str:
    return jaconv.hira2kata(text, ignore=_KEEP_HIRAGANA)


def to_katakana(text: str) -> str:
    """Full-width katakana: 'ﾔﾏﾀﾞ ﾀﾛｳ' / 'やまだ たろう' → 'ヤマダ　タロウ'.

    Hiragana → katakana; half-width katakana → full width with the voiced mark joined; the
    other compatibility forms folded as NFKC folds them (ＡＢＣ → ABC); runs of spaces → one
    full-width space, none at either end.
    """
    text = hiragana_to_katakana(unicodedata.normalize("NFKC", text or ""))
    return _SPACES.sub(FULL_SPACE, text).strip()


def comparable(text: str) -> str:
    """Kana compared in any width: 'ｸﾏｶﾞﾔ ﾊﾅｺ', 'クマガヤ　ハナコ' and 'くまがや はなこ' give
    the same; spaces and the 中黒 (・) do not count."""
    return re.sub(r"[\s・･]", "", to_katakana(text))


def to_half_width(text: str) -> str:
    """Half-width katakana: 'クマガヤ　ハナコ' or 'くまがや はなこ' → 'ｸﾏｶﾞﾔ ﾊﾅｺ'.

    Full-width letters, digits and spaces become ASCII, which passes as it is. Raises
    `NoHalfWidthForm` for anything else.
    """
    text = unicodedata.normalize("NFC", text)  # a combining voiced mark joins its letter first
    text = hiragana_to_katakana(text).translate(_NO_HALF_WIDTH_FORM)
    text = jaconv.z2h(text, kana=True, ascii=True, digit=True)
    for ch in text:
        if not (" " <= ch <= "~" or "\uff61" <= ch <= "\uff9f"):
            raise NoHalfWidthForm(ch)
    return text


def to_full_width(text: str) -> str:
    """Half-width katakana, letters, digits and spaces to full width ('ｶﾞ A1' → 'ガ　Ａ１');
    everything else is left as it is."""
    text = _HALF_WIDTH_KATAKANA.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)
    return jaconv.h2z(text, kana=False, ascii=True, digit=True)
