"""PDF rendering for every printed form: one place, one font, one safe URL fetcher.

WeasyPrint may load only our own static files (the font and stylesheets). `file://`, `http(s)`
to anywhere else, and any path outside the static folders are refused (SECURITY.md attack 16).
"""

import logging
import mimetypes
import os
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
