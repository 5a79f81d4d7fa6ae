"""The printed outputs of a batch: one report sheet per item (laid out like the JPS forms) and
the 送付書 (transmittal) with counts. A4, the embedded Japanese font, 和暦, the 受付番号 on every
sheet, no 個人番号 anywhere. Rendered only through `kokumin_nenkin.pdf` (static-only fetcher).

The batch job stores the bytes with their SHA-256 once, when a batch is confirmed; reprints serve
those.
"""

import functools
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

from kokumin_nenkin.pdf import FONT_URL, STATIC_BASE, html_to_pdf, html_to_pdf_many
from kokumin_nenkin.wareki import format_month

from .codes import EXEMPTION_CLASSES, FORM_KINDS, INSURED_CATEGORIES, SEXES
from .items import ReportItem, refuse_my_number_like

SHEETS_TEMPLATE = "jps_reporting/pdf/report_sheets.html"
TRANSMITTAL_TEMPLATE = "jps_reporting/pdf/transmittal.html"
PDF_STYLESHEETS = ["css/pdf-base.css"]


@dataclass(frozen=True)
class BatchInfo:
    """The 進達 a set of outputs belongs to."""

    batch_number: int
    reported_on: date  # 日本年金機構への報告年月日 (item 58)
    city_name: str
    municipality_code: str
    jps_office: str = field(default_factory=lambda: settings.JPS_OFFICE_NAME)
    sender: str = ""  # e.g. "熊谷市長"


@dataclass(frozen=True)
class SheetRow:
    item: ReportItem
    recorded: bool  # 電子媒体収録有無 (item 56)
    reasons: tuple[str, ...]

    @property
    def sex_label(self) -> str:
        return SEXES[self.item.sex]

    @property
    def category_label(self) -> str:
        return INSURED_CATEGORIES[self.item.insured_category]

    @property
    def exemption_label(self) -> str:
        return EXEMPTION_CLASSES.get(self.item.exemption_class, "")

    @property
    def period_label(self) -> str:
        start, end = self.item.period_start, self.item.period_end
        if start is None:
            return ""
        return f"{format_month(*start)}～{format_month(*end) if end else ''}"


MISSING_GLYPH = "〓"  # 下駄記号: the printers' mark for a character the typeface lacks


@functools.cache
def _font_characters() -> frozenset[int]:
    from fontTools.ttLib import TTFont

    path = finders.find(FONT_URL.removeprefix(STATIC_BASE))
    return frozenset(TTFont(path)["cmap"].getBestCmap())


def printable(text: str) -> str:
    """A character the embedded font lacks (IPAex has no 𠮷) is printed as 〓 with its code
    point: a missing glyph would otherwise also break the text layer of the whole PDF."""
    chars = _font_characters()
    return "".join(
        c if ord(c) in chars or c in "\n\r\t" else f"{MISSING_GLYPH}（U+{ord(c):04X}）"
        for c in text
    )


def printable_item(item: ReportItem) -> ReportItem:
    return replace(
        item,
        family_name=printable(item.family_name),
        given_name=printable(item.given_name),
        family_name_kana=printable(item.family_name_kana),
        given_name_kana=printable(item.given_name_kana),
        address=printable(item.address),
        message=printable(item.message),
        paper_fields=tuple((label, printable(value)) for label, value in item.paper_fields),
    )


def _rows(items: Sequence[ReportItem], paper_only: Mapping[str, Sequence[str]]) -> list[SheetRow]:
    refuse_my_number_like(items)
    return [
        SheetRow(
            item=printable_item(i),
            recorded=i.receipt_number not in paper_only,
            reasons=tuple(printable(r) for r in paper_only.get(i.receipt_number, ())),
        )
        for i in sorted(items, key=lambda i: i.receipt_number)
    ]


def report_sheets_html(
    items: Sequence[ReportItem],
    *,
    batch: BatchInfo,
    paper_only: Mapping[str, Sequence[str]] | None = None,
) -> str:
    return render_to_string(
        SHEETS_TEMPLATE, {"rows": _rows(items, paper_only or {}), "batch": batch}
    )


def render_report_sheets(
    items: Sequence[ReportItem],
    *,
    batch: BatchInfo,
    paper_only: Mapping[str, Sequence[str]] | None = None,
) -> bytes:
    """One PDF, one A4 page per item, in 受付番号 order."""
    return html_to_pdf(
        report_sheets_html(items, batch=batch, paper_only=paper_only),
        stylesheets=PDF_STYLESHEETS,
    )


def render_report_sheet_parts(
    items: Sequence[ReportItem],
    *,
    batch: BatchInfo,
    paper_only: Mapping[str, Sequence[str]] | None = None,
    per_part: int | None = None,
    processes: int | None = None,
) -> Iterator[bytes]:
    """The report sheets in 受付番号 order as PDFs of at most `per_part` sheets each
    (`JPS_SHEETS_PER_PART`), rendered side by side on `processes` cores (`JPS_SHEET_PROCESSES`,
    default one per core): the HTML of each part is made here, only WeasyPrint runs in the other
    processes (`kokumin_nenkin.pdf.html_to_pdf_many`). The parts come back in order, each as
    soon as it and those before it are done, so the caller can store it, report progress and
    let it go; the memory needed is that of a few parts. The bytes are the same whatever the
    number of processes."""
    per_part = per_part or settings.JPS_SHEETS_PER_PART
    refuse_my_number_like(items)  # the whole batch before any part is made
    ordered = sorted(items, key=lambda i: i.receipt_number)
    htmls = (
        report_sheets_html(ordered[start : start + per_part], batch=batch, paper_only=paper_only)
        for start in range(0, max(len(ordered), 1), per_part)
    )
    yield from html_to_pdf_many(
        htmls,
        stylesheets=PDF_STYLESHEETS,
        processes=processes or settings.JPS_SHEET_PROCESSES or None,
    )


def sheet_part_count(total: int, per_part: int | None = None) -> int:
    per_part = per_part or settings.JPS_SHEETS_PER_PART
    return max(1, -(-total // per_part))


@dataclass(frozen=True)
class CountRow:
    form_code: str
    form_name: str
    total: int
    recorded: int

    @property
    def paper_only(self) -> int:
        return self.total - self.recorded


def transmittal_counts(
    items: Sequence[ReportItem], paper_only: Mapping[str, Sequence[str]]
) -> list[CountRow]:
    totals: dict[str, list[int]] = {}
    for i in items:
        t = totals.setdefault(i.form_code, [0, 0])
        t[0] += 1
        t[1] += i.receipt_number not in paper_only
    return [
        CountRow(code, FORM_KINDS[code], total, recorded)
        for code, (total, recorded) in sorted(totals.items())
    ]


def render_transmittal(
    items: Sequence[ReportItem],
    *,
    batch: BatchInfo,
    paper_only: Mapping[str, Sequence[str]] | None = None,
) -> bytes:
    paper_only = paper_only or {}
    rows = _rows(items, paper_only)
    counts = transmittal_counts(items, paper_only)
    html = render_to_string(
        TRANSMITTAL_TEMPLATE,
        {
            "batch": batch,
            "counts": counts,
            "total": sum(c.total for c in counts),
            "total_recorded": sum(c.recorded for c in counts),
            "total_paper_only": sum(c.paper_only for c in counts),
            "paper_rows": [r for r in rows if not r.recorded],
        },
    )
    return html_to_pdf(html, stylesheets=PDF_STYLESHEETS)
