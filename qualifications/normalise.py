"""Text normalisation for the person register and its search box.

フリガナ is stored as full-width katakana; the search keys drop every space so that
`ﾔﾏﾀﾞ ﾀﾛｳ`, `やまだたろう` and `ヤマダ　タロウ` all find the same person.
"""

import re
import unicodedata

_SPACES = re.compile(r"[\s\u3000]+")
_HIRAGANA = re.compile(r"[\u3041-\u3096]")


def to_katakana(text: str) -> str:
    """Half-width katakana → full-width (NFKC), hiragana → katakana, spaces collapsed."""
    text = unicodedata.normalize("NFKC", text or "")
    text = _HIRAGANA.sub(lambda m: chr(ord(m.group()) + 0x60), text)
    return _SPACES.sub("\u3000", text).strip()


def kana_key(text: str) -> str:
    return _SPACES.sub("", to_katakana(text))


def name_key(text: str) -> str:
    return _SPACES.sub("", unicodedata.normalize("NFKC", text or ""))


_KANA_ONLY = re.compile(r"^[\u30a0-\u30ff\u3040-\u309f\uff66-\uff9f\s\u3000ー]+$")


def is_kana(text: str) -> bool:
    return bool(_KANA_ONLY.match(text or "")) and bool(kana_key(text))
