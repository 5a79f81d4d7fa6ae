"""F1 — the electronic-media report file to JPS (docs/formats.md, version 1).

Fixed width, 300 bytes per record in CP932, CRLF: one header, the data records in 受付番号
order, one trailer. Numbers right-aligned and zero-filled; text left-aligned and padded with
spaces (full-width spaces in full-width fields); 氏名カナ in half-width katakana.

An item the file cannot hold — a character outside CP932 (𠮷), a name or address longer than
its field — is never cut: it is left out of the file and returned as paper-only with the
reasons in Japanese (電子媒体収録有無 = 無, item 56).
"""

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from kokumin_nenkin import kana
from kokumin_nenkin.wareki import WarekiError, to_jps_date, to_jps_month

from ..items import ReportItem, refuse_my_number_like

ENCODING = "cp932"
RECORD_BYTES = 300


def _windows_cp932() -> dict[str, bytes]:
    """Where Windows encodes CP932 differently from Python's `cp932` codec.

    Both decode the NEC-selected IBM extensions (rows ED-EE) and the IBM extensions (FA-FC) to
    the same characters; for those, Python encodes to the NEC-selected code (髙 → EEE0,
    﨑 → ED95) and Windows to the IBM one (髙 → FBFC, 﨑 → FAB1). JPS reads the file with
    Windows' mapping. Characters with a JIS or NEC row 13 code (￢, ∵, Ⅰ) keep it in both."""
    table: dict[str, bytes] = {}
    for lead in (0xFA, 0xFB, 0xFC):
        for trail in range(0x40, 0xFD):
            code = bytes((lead, trail))
            try:
                ch = code.decode(ENCODING)
            except UnicodeDecodeError:
                continue
            if ch.encode(ENCODING)[0] in (0xED, 0xEE):
                table[ch] = code
    return table


#: character → its Windows CP932 bytes, where they differ from Python's codec
WINDOWS_CP932 = _windows_cp932()


def encode_cp932(text: str) -> bytes:
    """`text` in CP932 as Windows encodes it (UnicodeEncodeError outside CP932)."""
    if not any(ch in WINDOWS_CP932 for ch in text):
        return text.encode(ENCODING)
    return b"".join(WINDOWS_CP932.get(ch) or ch.encode(ENCODING) for ch in text)


EOL = b"\r\n"
FULL_SPACE = kana.FULL_SPACE


@dataclass(frozen=True)
class Field:
    name: str
    size: int
    kind: str  # "num" zero-filled digits, "ank" half-width text, "full" full-width text


HEADER_LAYOUT = (
    Field("レコード区分", 1, "num"),
    Field("市区町村コード", 6, "num"),
    Field("作成年月日", 7, "num"),
    Field("進達番号", 8, "num"),
    Field("予備", 278, "ank"),
)
DATA_LAYOUT = (
    Field("レコード区分", 1, "num"),
    Field("受付番号", 12, "num"),
    Field("届書種類", 2, "num"),
    Field("基礎年金番号", 10, "ank"),  # digits, or spaces when not yet assigned
    Field("氏名カナ", 25, "ank"),
    Field("氏名", 40, "full"),
    Field("生年月日", 7, "num"),
    Field("性別", 1, "num"),
    Field("郵便番号", 7, "ank"),  # digits, or spaces when unknown
    Field("住所", 80, "full"),
    Field("異動年月日", 7, "num"),
    Field("事由コード", 2, "num"),
    Field("被保険者種別", 1, "num"),
    Field("免除区分", 2, "num"),
    Field("期間開始", 5, "num"),
    Field("期間終了", 5, "num"),
    Field("連絡欄", 60, "full"),
    Field("予備", 33, "ank"),
)
TRAILER_LAYOUT = (
    Field("レコード区分", 1, "num"),
    Field("市区町村コード", 6, "num"),
    Field("データ件数", 6, "num"),
    Field("予備", 287, "ank"),
)
for _layout in (HEADER_LAYOUT, DATA_LAYOUT, TRAILER_LAYOUT):
    assert sum(f.size for f in _layout) == RECORD_BYTES


class Unrecordable(ValueError):
    """A value the file cannot hold; the message (Japanese) is shown in the batch preview."""


@dataclass(frozen=True)
class PaperOnly:
    item: ReportItem
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class F1File:
    content: bytes
    recorded: tuple[ReportItem, ...]
    paper_only: tuple[PaperOnly, ...] = field(default=())

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


# --- character conversion -------------------------------------------------------------------
# Characters whose JIS meaning CP932 holds under another code point (the well-known
# JIS X 0208 ↔ CP932 mapping differences). The same character, not a substitution.
_JIS_TO_CP932 = str.maketrans(
    {
        "\u301c": "\uff5e",  # 〜 → ～
        "\u2212": "\uff0d",  # − → －
        "\u2016": "\u2225",  # ‖ → ∥
        "\u00a2": "\uffe0",  # ¢ → ￠
        "\u00a3": "\uffe1",  # £ → ￡
        "\u00ac": "\uffe2",  # ¬ → ￢
        "\u2014": "\u2015",  # — → ―
    }
)


def _shown(ch: str) -> str:
    # The code point too: the printed sheet's font may lack the very character named.
    if unicodedata.category(ch)[0] in "CZ":
        return f"（U+{ord(ch):04X}）"
    return f"「{ch}」（U+{ord(ch):04X}）"


def to_half_width_kana(text: str, *, field_name: str = "氏名カナ") -> str:
    """'クマガヤ　ハナコ' or 'くまがや はなこ' → 'ｸﾏｶﾞﾔ ﾊﾅｺ'. Raises Unrecordable."""
    try:
        return kana.to_half_width(text)
    except kana.NoHalfWidthForm as exc:
        raise Unrecordable(
            f"{field_name}に半角カナにできない文字{_shown(exc.char)}があります。"
        ) from None


def to_full_width(text: str) -> str:
    """Half-width letters, digits, spaces and katakana to full width; JIS variants to CP932."""
    return kana.to_full_width(text).translate(_JIS_TO_CP932)


# --- field encoders -------------------------------------------------------------------------
def _num(value: str | int, size: int, name: str) -> bytes:
    text = str(value)
    if not re.fullmatch(r"\d+", text) or len(text) > size:
        raise ValueError(f"{name}: {size}桁以内の数字ではありません: {text!r}")
    return text.zfill(size).encode("ascii")


def _ank(text: str, size: int, name: str) -> bytes:
    try:
        data = encode_cp932(text)
    except UnicodeEncodeError as exc:
        ch = text[exc.start]
        raise Unrecordable(f"{name}に電子媒体で使えない文字{_shown(ch)}があります。") from None
    if len(data) != len(text):
        raise Unrecordable(f"{name}は半角文字のみです。")
    if len(data) > size:
        raise Unrecordable(f"{name}が{size}バイトを超えます（{len(data)}バイト）。")
    return data + b" " * (size - len(data))


def _full(text: str, size: int, name: str) -> bytes:
    converted = to_full_width(text)
    encoded = []
    for ch in converted:
        if unicodedata.category(ch) == "Cc":
            raise Unrecordable(f"{name}に制御文字（改行など）があります。")
        try:
            b = encode_cp932(ch)
        except UnicodeEncodeError:
            raise Unrecordable(
                f"{name}に電子媒体（CP932）で使えない文字{_shown(ch)}があります。"
            ) from None
        if len(b) != 2:
            raise Unrecordable(f"{name}に全角にできない文字{_shown(ch)}があります。")
        encoded.append(b)
    limit = size // 2
    if len(converted) > limit:
        raise Unrecordable(f"{name}が{limit}文字を超えます（{len(converted)}文字）。")
    return b"".join(encoded) + FULL_SPACE.encode(ENCODING) * (limit - len(converted))


def _jps_date(d: date, name: str) -> str:
    try:
        return to_jps_date(d)
    except WarekiError as exc:
        raise Unrecordable(f"{name}: {exc}") from None


def _jps_month(ym: tuple[int, int] | None, name: str) -> str:
    if ym is None:
        return "00000"
    try:
        return to_jps_month(*ym)
    except WarekiError as exc:
        raise Unrecordable(f"{name}: {exc}") from None


# --- records --------------------------------------------------------------------------------
def header_record(*, municipality_code: str, created_on: date, batch_number: int | str) -> bytes:
    return _record(
        HEADER_LAYOUT,
        [
            b"1",
            _num(municipality_code, 6, "市区町村コード"),
            _num(to_jps_date(created_on), 7, "作成年月日"),
            _num(batch_number, 8, "進達番号"),
            b" " * 278,
        ],
    )


def trailer_record(*, municipality_code: str, count: int) -> bytes:
    return _record(
        TRAILER_LAYOUT,
        [
            b"3",
            _num(municipality_code, 6, "市区町村コード"),
            _num(count, 6, "データ件数"),
            b" " * 287,
        ],
    )


def data_record(item: ReportItem) -> bytes:
    """The 300-byte data record of one item. Raises Unrecordable with every reason found."""
    reasons: list[str] = []

    def attempt(make) -> bytes:
        try:
            return make()
        except Unrecordable as exc:
            reasons.append(str(exc))
            return b""

    bpn = item.basic_pension_digits
    if bpn and not re.fullmatch(r"\d{10}", bpn):
        raise ValueError(f"基礎年金番号の形式が違います（受付番号 {item.receipt_number}）")
    postal = item.postal_code.replace("-", "").replace("－", "")
    postal = unicodedata.normalize("NFKC", postal)
    if postal and not re.fullmatch(r"\d{7}", postal):
        reasons.append("郵便番号が7桁の数字ではありません。")
        postal = ""

    def kana() -> bytes:
        half = " ".join(
            to_half_width_kana(part.strip(" \u3000"))
            for part in (item.family_name_kana, item.given_name_kana)
        )
        return _ank(half, 25, "氏名カナ")

    parts = [
        b"2",
        _num(item.receipt_number, 12, "受付番号"),
        _num(item.form_code, 2, "届書種類"),
        (bpn or "").encode("ascii").ljust(10, b" "),
        attempt(kana),
        attempt(lambda: _full(item.full_name, 40, "氏名")),
        attempt(lambda: _jps_date(item.birth_date, "生年月日").encode("ascii")),
        _num(item.sex, 1, "性別"),
        postal.encode("ascii").ljust(7, b" "),
        attempt(lambda: _full(item.address, 80, "住所")),
        attempt(lambda: _jps_date(item.effective_date, "異動年月日").encode("ascii")),
        _num(item.reason_code, 2, "事由コード"),
        _num(item.insured_category, 1, "被保険者種別"),
        _num(item.exemption_class, 2, "免除区分"),
        attempt(lambda: _jps_month(item.period_start, "期間開始").encode("ascii")),
        attempt(lambda: _jps_month(item.period_end, "期間終了").encode("ascii")),
        attempt(lambda: _full(item.message, 60, "連絡欄")),
        b" " * 33,
    ]
    if reasons:
        raise Unrecordable("\n".join(reasons))
    return _record(DATA_LAYOUT, parts)


def _record(layout: tuple[Field, ...], parts: list[bytes]) -> bytes:
    for f, part in zip(layout, parts, strict=True):
        if len(part) != f.size:  # never a silently shifted record
            raise AssertionError(f"{f.name}: {len(part)} bytes, expected {f.size}")
    record = b"".join(parts)
    assert len(record) == RECORD_BYTES
    return record


def write_f1(
    items: Iterable[ReportItem],
    *,
    municipality_code: str,
    batch_number: int | str,
    created_on: date,
) -> F1File:
    """The whole file for one batch, and the items that go on paper only (with reasons)."""
    ordered = sorted(items, key=lambda i: i.receipt_number)
    refuse_my_number_like(ordered)
    records = [
        header_record(
            municipality_code=municipality_code, created_on=created_on, batch_number=batch_number
        )
    ]
    recorded: list[ReportItem] = []
    paper_only: list[PaperOnly] = []
    for item in ordered:
        try:
            records.append(data_record(item))
        except Unrecordable as exc:
            paper_only.append(PaperOnly(item, tuple(str(exc).split("\n"))))
            continue
        recorded.append(item)
    records.append(trailer_record(municipality_code=municipality_code, count=len(recorded)))
    return F1File(
        content=b"".join(r + EOL for r in records),
        recorded=tuple(recorded),
        paper_only=tuple(paper_only),
    )


# --- reading back (tests, reprint checks) ---------------------------------------------------
_LAYOUTS = {b"1": HEADER_LAYOUT, b"2": DATA_LAYOUT, b"3": TRAILER_LAYOUT}


def parse_f1(content: bytes) -> list[dict[str, str]]:
    """Every record as {field name: decoded value, trailing padding removed}."""
    if not content.endswith(EOL):
        raise ValueError("F1: the last record has no CRLF")
    out = []
    for n, record in enumerate(content[: -len(EOL)].split(EOL), start=1):
        if len(record) != RECORD_BYTES:
            raise ValueError(f"F1 record {n}: {len(record)} bytes, expected {RECORD_BYTES}")
        layout = _LAYOUTS.get(record[:1])
        if layout is None:
            raise ValueError(f"F1 record {n}: unknown record kind {record[:1]!r}")
        values, pos = {}, 0
        for f in layout:
            values[f.name] = record[pos : pos + f.size].decode(ENCODING).rstrip(" " + FULL_SPACE)
            pos += f.size
        out.append(values)
    return out
