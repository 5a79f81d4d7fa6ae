"""和暦 (Japanese era dates): the one place that parses and formats them.

Store ISO dates; show 和暦. Input accepts `令和6年12月24日`, `令和元年5月1日`, `R6.12.24`,
`R06/12/24`, `S55.4.1`, `H31-4-30`, `2024-12-24`, `2024/12/24`, `20241224`, with full-width
digits and letters too. A date outside its era is refused with a message naming the right one.
JPS records code an era as 1 明治, 3 大正, 5 昭和, 7 平成, 9 令和 (DOMAIN_RULES.md §6).
"""

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone


@dataclass(frozen=True)
class Era:
    name: str
    letter: str
    jps_code: str
    first: date
    last: date | None

    def contains(self, d: date) -> bool:
        return self.first <= d and (self.last is None or d <= self.last)

    def year_of(self, d: date) -> int:
        return d.year - self.first.year + 1


ERAS = (
    Era("明治", "M", "1", date(1868, 1, 25), date(1912, 7, 29)),
    Era("大正", "T", "3", date(1912, 7, 30), date(1926, 12, 24)),
    Era("昭和", "S", "5", date(1926, 12, 25), date(1989, 1, 7)),
    Era("平成", "H", "7", date(1989, 1, 8), date(2019, 4, 30)),
    Era("令和", "R", "9", date(2019, 5, 1), None),
)
_BY_NAME = {e.name: e for e in ERAS}
_BY_LETTER = {e.letter: e for e in ERAS}
_BY_CODE = {e.jps_code: e for e in ERAS}


class WarekiError(ValueError):
    """A date that cannot be read; the message is Japanese and shown next to the field."""


def era_of(d: date) -> Era:
    for era in reversed(ERAS):
        if era.contains(d):
            return era
    raise WarekiError(f"{d.isoformat()} は明治より前の日付のため和暦で表せません。")


def _month_end(year: int, month: int) -> date:
    # A month in which an era began is named by the new era (2019-05 → 令和元年5月).
    return date(year, month, calendar.monthrange(year, month)[1])


# --- formatting -----------------------------------------------------------------------------
def _year_label(year: int) -> str:
    return "元" if year == 1 else str(year)


def format_date(d: date | None) -> str:
    """2019-05-01 → 令和元年5月1日."""
    if d is None:
        return ""
    era = era_of(d)
    return f"{era.name}{_year_label(era.year_of(d))}年{d.month}月{d.day}日"


def format_month(year: int, month: int) -> str:
    """(2019, 5) → 令和元年5月; a month in which an era began takes the new era's name."""
    d = _month_end(year, month)
    era = era_of(d)
    return f"{era.name}{_year_label(era.year_of(d))}年{month}月"


def format_datetime(value: datetime | None, *, seconds: bool = False) -> str:
    """An aware datetime in local time: 2026-11-30 08:24 → 令和8年11月30日 08:24."""
    if value is None:
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    clock = f"{local:%H:%M:%S}" if seconds else f"{local:%H:%M}"
    return f"{format_date(local.date())} {clock}"


def format_short(d: date | None) -> str:
    """2024-12-24 → R6.12.24."""
    if d is None:
        return ""
    era = era_of(d)
    return f"{era.letter}{era.year_of(d)}.{d.month}.{d.day}"


def to_jps_date(d: date) -> str:
    """元号コード + YYMMDD: 2024-12-24 → 9061224."""
    era = era_of(d)
    return f"{era.jps_code}{era.year_of(d):02d}{d.month:02d}{d.day:02d}"


def to_jps_month(year: int, month: int) -> str:
    """元号コード + YYMM: (2025, 7) → 90707; (2019, 5) → 90105."""
    d = _month_end(year, month)
    era = era_of(d)
    return f"{era.jps_code}{era.year_of(d):02d}{month:02d}"


def from_jps_date(code: str) -> date:
    """9061224 → 2024-12-24, with the same era checks as `parse`."""
    if not re.fullmatch(r"\d{7}", code or ""):
        raise WarekiError("元号コード付きの日付は7桁の数字です（例: 9061224）。")
    era = _BY_CODE.get(code[0])
    if era is None:
        raise WarekiError(
            f"元号コード「{code[0]}」は使えません（1 明治・3 大正・5 昭和・7 平成・9 令和）。"
        )
    return _era_date(era, int(code[1:3]), int(code[3:5]), int(code[5:7]))


# --- parsing --------------------------------------------------------------------------------
_SEP = r"\s*[.\-/／．・年]\s*"
_ERA_NAME_RE = re.compile(
    r"^(?P<era>明治|大正|昭和|平成|令和)\s*(?P<y>元|\d{1,2})\s*年\s*(?P<m>\d{1,2})\s*月"
    r"\s*(?P<d>\d{1,2})\s*日?$"
)
_ERA_LETTER_RE = re.compile(
    r"^(?P<era>[MTSHR])\s*(?P<y>\d{1,2})" + _SEP + r"(?P<m>\d{1,2})" + _SEP + r"(?P<d>\d{1,2})$"
)
_ISO_RE = re.compile(r"^(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?$")
_COMPACT_RE = re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$")


def normalise(text: str) -> str:
    """Full-width digits and letters to ASCII, upper case, trimmed."""
    return unicodedata.normalize("NFKC", text or "").strip().upper()


def _real_date(year: int, month: int, day: int, shown: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise WarekiError(f"「{shown}」という日付はありません。月日を確認してください。") from None


def _era_date(era: Era, year: int, month: int, day: int) -> date:
    shown = f"{era.name}{_year_label(year)}年{month}月{day}日"
    if year < 1:
        raise WarekiError(f"「{shown}」: 年は元年（1年）以上で入力してください。")
    d = _real_date(era.first.year + year - 1, month, day, shown)
    if not era.contains(d):
        right = era_of(d) if d >= ERAS[0].first else None
        if right is None:
            raise WarekiError(f"「{shown}」は明治より前の日付です。")
        hint = f"{right.name}{_year_label(right.year_of(d))}年{d.month}月{d.day}日"
        if d < era.first:
            raise WarekiError(
                f"「{shown}」は{era.name}の始まり（{format_date(era.first)}）より前です。"
                f"{hint}の誤りではありませんか。"
            )
        raise WarekiError(
            f"「{shown}」は{era.name}の終わり（{format_date(era.last)}）より後です。"
            f"{hint}の誤りではありませんか。"
        )
    return d


def parse(text: str) -> date:
    """Read a date typed at the counter, in 和暦 or 西暦. Raises WarekiError in Japanese."""
    raw = normalise(text)
    if not raw:
        raise WarekiError("日付を入力してください。")
    if m := _ERA_NAME_RE.match(raw):
        y = 1 if m["y"] == "元" else int(m["y"])
        return _era_date(_BY_NAME[m["era"]], y, int(m["m"]), int(m["d"]))
    if m := _ERA_LETTER_RE.match(raw):
        return _era_date(_BY_LETTER[m["era"]], int(m["y"]), int(m["m"]), int(m["d"]))
    if m := _ISO_RE.match(raw) or _COMPACT_RE.match(raw):
        return _real_date(int(m["y"]), int(m["m"]), int(m["d"]), raw)
    raise WarekiError(
        f"「{text.strip()}」は日付として読めません。"
        "例: 令和6年12月24日、R6.12.24、S55.4.1、2024-12-24"
    )


def looks_like_date(text: str) -> bool:
    """Whether `text` is written as a date (令和8年2月30日, R8.2.30, 2026-02-30), read or not:
    a search box says an impossible date is one instead of searching it as a name."""
    raw = normalise(text)
    return any(r.match(raw) for r in (_ERA_NAME_RE, _ERA_LETTER_RE, _ISO_RE))


_ERA_NAME_MONTH_RE = re.compile(
    r"^(?P<era>明治|大正|昭和|平成|令和)\s*(?P<y>元|\d{1,2})\s*年\s*(?P<m>\d{1,2})\s*月?$"
)
_ERA_LETTER_MONTH_RE = re.compile(r"^(?P<era>[MTSHR])\s*(?P<y>\d{1,2})" + _SEP + r"(?P<m>\d{1,2})$")
_ISO_MONTH_RE = re.compile(r"^(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*月?$")


def _era_month(era: Era, year: int, month: int) -> date:
    shown = f"{era.name}{_year_label(year)}年{month}月"
    if year < 1 or not 1 <= month <= 12:
        raise WarekiError(f"「{shown}」という年月はありません。")
    first = date(era.first.year + year - 1, month, 1)
    last = _month_end(first.year, month)
    # A month belongs to an era if any of its days does (平成元年1月 and 昭和64年1月 both exist).
    if last < era.first or (era.last is not None and first > era.last):
        right = era_of(last) if last >= ERAS[0].first else None
        hint = f"{format_month(first.year, month)}の誤りではありませんか。" if right else ""
        raise WarekiError(f"「{shown}」は{era.name}の期間外です。{hint}")
    return first


def parse_month(text: str) -> date:
    """A month typed at the counter (`令和6年7月`, `R6.7`, `2024-07`, or a whole date), as the
    1st of that month. Raises WarekiError in Japanese."""
    raw = normalise(text)
    if not raw:
        raise WarekiError("年月を入力してください。")
    if m := _ERA_NAME_MONTH_RE.match(raw):
        y = 1 if m["y"] == "元" else int(m["y"])
        return _era_month(_BY_NAME[m["era"]], y, int(m["m"]))
    if m := _ERA_LETTER_MONTH_RE.match(raw):
        return _era_month(_BY_LETTER[m["era"]], int(m["y"]), int(m["m"]))
    if m := _ISO_MONTH_RE.match(raw):
        if not 1 <= int(m["m"]) <= 12:
            raise WarekiError(f"「{text.strip()}」という年月はありません。")
        return date(int(m["y"]), int(m["m"]), 1)
    try:
        return parse(text).replace(day=1)
    except WarekiError:
        raise WarekiError(
            f"「{text.strip()}」は年月として読めません。例: 令和6年7月、R6.7、2024-07"
        ) from None


def format_year(year: int, month: int = 4) -> str:
    """The era year of a month: (2024, 7) → 令和6年; used for 年度 labels (令和6年度)."""
    d = _month_end(year, month)
    era = era_of(d)
    return f"{era.name}{_year_label(era.year_of(d))}年"


def fiscal_year(d: date) -> int:
    """年度 (April–March): 2025-03-31 → 2024."""
    return d.year if d.month >= 4 else d.year - 1
