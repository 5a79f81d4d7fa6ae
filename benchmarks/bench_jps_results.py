"""A 100,000-line JPS results file (F2): the whole-file validation and the reconciliation with
the reported items, against a plain `csv.reader` pass over the same bytes (the baseline).

BENCH_RESULT_LINES (default 100,000) sets the size. Target: validation +
reconciliation ≤ 60 s, memory bounded (streaming: nothing kept per line but the counts and the
first examples). The lookup stands in for the batch's database query, one per 1,000 lines.
Timing runs without tracing; the peak Python memory is measured in a second, traced pass.
"""

import csv
import io
import os
import time
import tracemalloc
from datetime import date

from jps_reporting.formats.f2 import HEADER, F2Input, Outcome, ReportedRef, reconcile, summarize

KANA = [("クマガヤ", "ハナコ"), ("オオサト", "タロウ"), ("メヌマ", "ジロウ"), ("コウナン", "ミチ")]
HALF = {"クマガヤ": "ｸﾏｶﾞﾔ", "オオサト": "ｵｵｻﾄ", "メヌマ": "ﾒﾇﾏ", "コウナン": "ｺｳﾅﾝ"}


def birth(i: int) -> date:
    return date(1960 + i % 40, 1 + i % 12, 1 + i % 28)


def results_file(n: int) -> bytes:
    out = io.StringIO()
    out.write(",".join(HEADER) + "\r\n")
    for i in range(1, n + 1):
        family, given = KANA[i % 4]
        kana = f"{HALF[family]} {given}" if i % 2 else f"{family}　{given}"
        b = birth(i + 1 if i % 200 == 7 else i)  # 0.5% conflicts
        number = f"2026{i:08d}" if i % 200 != 3 else f"2025{i:08d}"  # 0.5% unmatched
        if i % 3 == 0:
            line = f"{number},01,{1000 + i % 9000:04d}-{i:06d},{kana},{b},,1,,,,,,2026-11-20,"
        else:
            line = f"{number},02,,{kana},{b},01,1,,2026-07,2027-06,,,2026-11-20,"
        out.write(line + "\r\n")
    return out.getvalue().encode("cp932")


def lookup(numbers):
    """What the batch's query returns for one chunk of 受付番号 (reported items only)."""
    found = {}
    for number in numbers:
        if not number.startswith("2026"):
            continue
        i = int(number[4:])
        form = "01" if i % 3 == 0 else "11"
        family, given = KANA[i % 4]
        found[number] = ReportedRef(number, form, family, given, birth(i))
    return found


def validate_and_reconcile(data: bytes):
    f2 = F2Input(data, filename="kekka.csv")
    summary = summarize(reconcile(f2.lines(), lookup), keep=200)
    return f2, summary


def baseline(data: bytes) -> int:
    return sum(1 for _ in csv.reader(io.StringIO(data.decode("cp932"))))


def run() -> list[str]:
    n = int(os.environ.get("BENCH_RESULT_LINES", "100000"))
    data = results_file(n)

    started = time.perf_counter()
    rows = baseline(data)
    base_t = time.perf_counter() - started

    started = time.perf_counter()
    f2, summary = validate_and_reconcile(data)
    ours_t = time.perf_counter() - started
    assert f2.ok, f2.errors[:3]
    assert summary.total == n == rows - 1

    tracemalloc.start()
    validate_and_reconcile(data)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    c = summary.counts
    return [
        f"results file: {n:,} lines, {len(data) / 1e6:.1f} MB (CP932)",
        f"validation + reconciliation: {ours_t:.1f} s ({n / ours_t:,.0f} lines/s) — "
        f"target ≤ 60 s: {'met' if ours_t <= 60 else 'NOT met'}",
        f"outcome: {c[Outcome.MATCHED]:,} matched, {c[Outcome.UNMATCHED]:,} unmatched, "
        f"{c[Outcome.CONFLICT]:,} conflict",
        f"baseline plain csv.reader over the same bytes: {base_t:.2f} s "
        f"(ratio {ours_t / base_t:.1f}x)",
        f"peak Python memory (tracemalloc, file bytes excluded): {peak / 2**20:.0f} MiB "
        f"({peak / len(data):.1f}x the file size)",
    ]
