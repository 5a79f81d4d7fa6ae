"""Text normalisation for the person register and its search box.

フリガナ is stored as full-width katakana (`kokumin_nenkin.kana.to_katakana`); the search keys
drop every space so that `ﾔﾏﾀﾞ ﾀﾛｳ`, `やまだたろう` and `ヤマダ　タロウ` all find the same person.
"""

import re
import unicodedata

from kokumin_nenkin.kana import to_katakana

__all__ = ["is_kana", "kana_key", "name_key", "to_katakana"]

_SPACES = re.compile(r"[\s\u3000]+")


def kana_key(text: str) -> str:
    return _SPACES.sub("", to_katakana(text))


def name_key(text: str) -> str:
    return _SPACES.sub("", unicodedata.normalize("NFKC", text or ""))


_KANA_ONLY = re.compile(r"^[\u30a0-\u30ff\u3040-\u309f\uff66-\uff9f\s\u3000ー]+$")


def is_kana(text: str) -> bool:
    return bool(_KANA_ONLY.match(text or "")) and bool(kana_key(text))
