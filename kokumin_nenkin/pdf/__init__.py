"""PDF rendering for every printed form: one place, one font, one safe URL fetcher.

WeasyPrint may load only our own static files (the font and stylesheets). `file://`, `http(s)`
to anywhere else, and any path outside the static folders are refused (SECURITY.md attack 16).
"""

import logging
import mimetypes
import multiprocessing
import os
import warnings
from collections import deque
from collections.abc import Iterable, Iterator
from pathlib import Path

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger(__name__)

# Same data, same bytes: the font subset fontTools embeds carries a "modified" timestamp taken
# from the clock unless SOURCE_DATE_EPOCH is set (reproducible builds). A fixed value makes
# every PDF depend on its content only (the disclosure package is compared by its SHA-256).
os.environ.setdefault("SOURCE_DATE_EPOCH", "1262304000")  # 2010-01-01, any constant works

# A base that can never resolve on a network: every relative URL in a template lands here.
STATIC_BASE = "https://kokumin-nenkin.invalid/static/"
FONT_FAMILY = "IPAexGothic"
FONT_URL = STATIC_BASE + "fonts/ipaexg.ttf"


class BlockedURL(ValueError):
    pass


class StaticOnlyFetcher(URLFetcher):
    """Serves `STATIC_BASE/<path>` from the static files; refuses everything else."""

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        if not url.startswith(STATIC_BASE):
            logger.warning("PDF rendering refused a URL outside the static files: %s", url[:200])
            raise BlockedURL(f"refused: {url[:200]}")
        relative = url[len(STATIC_BASE) :].split("?")[0].split("#")[0]
        if ".." in Path(relative).parts:
            raise BlockedURL("refused: path traversal")
        found = finders.find(relative)
        if not found:
            raise BlockedURL(f"not a static file: {relative}")
        path = Path(found)
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime})


def _font_css() -> str:
    return (
        f"@font-face {{ font-family: '{FONT_FAMILY}'; src: url('{FONT_URL}'); }}\n"
        f"html {{ font-family: '{FONT_FAMILY}'; }}\n"
    )


def html_to_pdf(html: str, *, stylesheets: list[str] | None = None) -> bytes:
    """Render an HTML string to PDF bytes with the Japanese font embedded."""
    fetcher = StaticOnlyFetcher()
    font_config = FontConfiguration()
    css = [CSS(string=_font_css(), font_config=font_config, url_fetcher=fetcher)]
    css += [
        CSS(url=STATIC_BASE + s, font_config=font_config, url_fetcher=fetcher)
        for s in (stylesheets or [])
    ]
    document = HTML(string=html, base_url=STATIC_BASE, url_fetcher=fetcher)
    return document.write_pdf(stylesheets=css, font_config=font_config)


def render_pdf(template: str, context: dict, *, stylesheets: list[str] | None = None) -> bytes:
    """Render a Django template to PDF bytes (A4, Japanese font)."""
    html = render_to_string(template, context)
    return html_to_pdf(html, stylesheets=["css/pdf-base.css", *(stylesheets or [])])


def _render_one(job: tuple[str, list[str] | None]) -> bytes:
    html, stylesheets = job
    return html_to_pdf(html, stylesheets=stylesheets)


def pdf_processes(requested: int | None = None) -> int:
    """How many processes render PDFs side by side: `PDF_PROCESSES` (default: one per core)."""
    from django.conf import settings

    wanted = requested or getattr(settings, "PDF_PROCESSES", 0) or os.cpu_count() or 1
    return max(1, int(wanted))


def html_to_pdf_many(
    htmls: Iterable[str], *, stylesheets: list[str] | None = None, processes: int | None = None
) -> Iterator[bytes]:
    """Render several HTML documents, in order, on `processes` cores (one per core by default).

    The HTML is made by the caller (in this process, where the database is); the children only
    run WeasyPrint: they are forked (inheriting the loaded fonts and settings), never touch a
    database connection, and leave with `os._exit`, so the parent's connection (even inside its
    transaction) is neither used nor closed by them. The bytes are those of `html_to_pdf`, one
    document at a time: at most `processes` documents are in flight, so memory stays that of a
    few parts. With one process (or one document) nothing is forked."""
    processes = pdf_processes(processes)
    jobs = ((html, stylesheets) for html in htmls)
    if processes == 1:
        yield from map(_render_one, jobs)
        return
    context = multiprocessing.get_context("fork")
    with warnings.catch_warnings():
        # Python warns that forking a threaded process may deadlock a child that takes a lock
        # another thread held; the children here run WeasyPrint only (no logging to a shared
        # handler before their first line, no database).
        warnings.filterwarnings("ignore", category=DeprecationWarning, message=".*fork.*")
        with context.Pool(processes=processes) as pool:
            # The next document's HTML is made only when a process is about to be free: at
            # most processes + 1 documents are in flight, and they come back in order.
            pending: deque = deque()
            for job in jobs:
                pending.append(pool.apply_async(_render_one, (job,)))
                if len(pending) > processes:
                    yield pending.popleft().get()
            while pending:
                yield pending.popleft().get()
