"""Run a function in a forked child and measure its wall time and the child's peak memory.

The peak (VmHWM) is reset at the child's start (`/proc/self/clear_refs`), so it is the peak
resident memory of the process while doing that one thing, C libraries included (WeasyPrint's
Pango and HarfBuzz are invisible to tracemalloc).
"""

import contextlib
import multiprocessing
import time
from collections.abc import Callable
from pathlib import Path


def _status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _child(func, args, queue) -> None:
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")  # reset the peak to the current RSS
    start_rss = _status_kib("VmRSS")
    started = time.perf_counter()
    value = func(*args)
    elapsed = time.perf_counter() - started
    queue.put((elapsed, start_rss, _status_kib("VmHWM"), value))


def measure(func: Callable, *args) -> tuple[float, float, float, object]:
    """(seconds, resident MiB at start, peak resident MiB, the function's return value).

    The function must not use the database: the child shares the parent's connection (closing
    it first would drop SQLite's in-memory benchmark database)."""
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    process = ctx.Process(target=_child, args=(func, args, queue))
    process.start()
    elapsed, start_rss, peak, value = queue.get()
    process.join()
    return elapsed, start_rss / 1024, peak / 1024, value
