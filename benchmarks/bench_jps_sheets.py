"""1,000 report sheets (one A4 page per item) through our renderer, against plain WeasyPrint
rendering the very same HTML with the same font and stylesheet in the same run (the baseline).

BENCH_SHEETS (default 1000) sets the size. Target: ours / baseline ≤ 1.25×.
Each side runs in its own forked process, so each peak memory is its own.

Then the batch job's parts rendered one after another (JPS_SHEET_PROCESSES=1) against side by
side (one process per core, or BENCH_SHEET_PROCESSES), same run, same items: target ≥ 1.7× on
2 cores, the same SHA-256 for every part. BENCH_SHEETS_ONLY=parallel skips the whole-PDF
comparison.
"""

import hashlib
import os
from datetime import date
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders

from benchmarks._measure import measure
from jps_reporting.documents import BatchInfo, render_report_sheets, report_sheets_html
from jps_reporting.items import ReportItem

BATCH = BatchInfo(
    batch_number=1, reported_on=date(2026, 11, 26), city_name="熊谷市", municipality_code="112020"
)
FAMILY = [("熊谷", "クマガヤ"), ("大里", "オオサト"), ("妻沼", "メヌマ"), ("江南", "コウナン")]
GIVEN = [("花子", "ハナコ"), ("太郎", "タロウ"), ("次郎", "ジロウ"), ("みち", "ミチ")]
FORMS = ["01", "02", "05", "11", "12", "21"]


def items(n: int) -> list[ReportItem]:
    out = []
    for i in range(n):
        family, given = FAMILY[i % 4], GIVEN[(i // 4) % 4]
        form = FORMS[i % len(FORMS)]
        exempt = form in ("11", "12")
        out.append(
            ReportItem(
                receipt_number=f"2026{i + 1:08d}",
                form_code=form,
                family_name=family[0],
                given_name=given[0],
                family_name_kana=family[1],
                given_name_kana=given[1],
                birth_date=date(1960 + i % 40, 1 + i % 12, 1 + i % 28),
                sex="1" if i % 2 else "2",
                postal_code=f"{3600000 + i % 1000:07d}",
                address=f"埼玉県熊谷市宮町{1 + i % 3}丁目{1 + i % 50}番地{1 + i % 9}",
                effective_date=date(2026, 1 + i % 12, 1),
                basic_pension_number="" if form == "01" else f"{1000 + i % 9000:04d}-{i:06d}",
                exemption_class=("01" if form == "11" else "06") if exempt else "00",
                period_start=(2026, 7) if exempt else None,
                period_end=(2027, 6) if exempt else None,
                message="前年所得の確認済み" if i % 3 == 0 else "",
            )
        )
    return out


def ours(n: int) -> int:
    return len(render_report_sheets(items(n), batch=BATCH))


def ours_in_parts(n: int) -> int:
    """What a batch job does now: parts of JPS_SHEETS_PER_PART sheets, each let go in turn."""
    from jps_reporting.documents import render_report_sheet_parts

    return sum(len(part) for part in render_report_sheet_parts(items(n), batch=BATCH, processes=1))


def parts_digest(n: int, processes: int) -> str:
    """Every part's SHA-256, in order, as one digest (the fixed font timestamp makes it stable)."""
    from jps_reporting.documents import render_report_sheet_parts

    digest = hashlib.sha256()
    for part in render_report_sheet_parts(items(n), batch=BATCH, processes=processes):
        digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()


def parallel_lines(n: int) -> list[str]:
    from kokumin_nenkin.pdf import pdf_processes

    os.environ.setdefault("SOURCE_DATE_EPOCH", "1764633600")  # byte-comparable outputs
    processes = pdf_processes(int(os.environ.get("BENCH_SHEET_PROCESSES", "0")) or None)
    one_t, _, one_peak, one_digest = measure(parts_digest, n, 1)
    many_t, _, many_peak, many_digest = measure(parts_digest, n, processes)
    ratio = one_t / many_t
    per_part = settings.JPS_SHEETS_PER_PART
    return [
        f"batch parts ({n:,} sheets, parts of {per_part}) one process: {one_t:.1f} s "
        f"({n / one_t:.1f} sheets/s), peak RSS {one_peak:.0f} MiB",
        f"batch parts, {processes} processes: {many_t:.1f} s ({n / many_t:.1f} sheets/s), "
        f"parent peak RSS {many_peak:.0f} MiB",
        f"speed-up one / {processes} processes: {ratio:.2f}x — target ≥ 1.7x on 2 cores: "
        + ("met" if ratio >= 1.7 else "NOT met"),
        "same bytes (SHA-256 of every part): " + ("yes" if one_digest == many_digest else "NO"),
    ]


def plain_weasyprint(html: str) -> int:
    from weasyprint import CSS, HTML  # the baseline: WeasyPrint as it comes
    from weasyprint.text.fonts import FontConfiguration

    font = Path(finders.find("fonts/ipaexg.ttf")).as_uri()
    base_css = Path(finders.find("css/pdf-base.css")).read_text()
    font_config = FontConfiguration()
    css = CSS(
        font_config=font_config,
        string=f"@font-face {{ font-family: 'IPAexGothic'; src: url('{font}'); }}\n"
        f"html {{ font-family: 'IPAexGothic'; }}\n{base_css}",
    )
    return len(
        HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(
            stylesheets=[css], font_config=font_config
        )
    )


def run() -> list[str]:
    n = int(os.environ.get("BENCH_SHEETS", "1000"))
    if os.environ.get("BENCH_SHEETS_ONLY") == "parallel":
        return parallel_lines(n)
    html = report_sheets_html(items(n), batch=BATCH)
    base_t, base_start, base_peak, base_size = measure(plain_weasyprint, html)
    our_t, our_start, our_peak, our_size = measure(ours, n)
    part_t, part_start, part_peak, part_size = measure(ours_in_parts, n)
    ratio = our_t / base_t
    per_part = settings.JPS_SHEETS_PER_PART
    return [
        f"report sheets: {n:,} (one A4 page each)",
        f"ours (items → template → kokumin_nenkin.pdf): {our_t:.1f} s, "
        f"{our_size / 1e6:.1f} MB PDF, peak RSS {our_peak:.0f} MiB (start {our_start:.0f} MiB)",
        f"baseline plain WeasyPrint, same HTML: {base_t:.1f} s, {base_size / 1e6:.1f} MB PDF, "
        f"peak RSS {base_peak:.0f} MiB (start {base_start:.0f} MiB)",
        f"ratio ours / baseline: {ratio:.2f}x — target ≤ 1.25x: "
        + ("met" if ratio <= 1.25 else "NOT met"),
        f"batch job (parts of {per_part} sheets): {part_t:.1f} s, {part_size / 1e6:.1f} MB in "
        f"all parts, peak RSS {part_peak:.0f} MiB (start {part_start:.0f} MiB) — "
        f"{part_peak / our_peak:.2f}x the peak of one whole PDF",
        *parallel_lines(n),
    ]
