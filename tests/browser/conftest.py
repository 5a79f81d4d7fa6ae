"""A real Chromium (Debian's, never a downloaded one) driven by Playwright's sync API."""

import os
import shutil
import tempfile
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the test's own ORM calls are fine.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def browser_page():
    if not CHROMIUM.exists():
        pytest.skip("Chromium is not installed (/usr/bin/chromium)")
    from playwright.sync_api import sync_playwright

    profile = tempfile.mkdtemp(prefix="kn-browser-")
    try:
        with sync_playwright() as p:
            context = p.chromium.launch_persistent_context(
                profile,
                executable_path=str(CHROMIUM),
                args=CHROMIUM_ARGS,
                headless=True,
                locale="ja-JP",
            )
            page = context.new_page()
            page.set_default_timeout(15_000)
            page.csp_violations = []
            page.on(
                "console",
                lambda msg: (
                    page.csp_violations.append(msg.text)
                    if "Content Security Policy" in msg.text
                    else None
                ),
            )
            try:
                yield page
            finally:
                context.close()
                # ORM calls made while Playwright's loop runs get their own connection
                # (contextvar-local): close it here, or the test database cannot be dropped.
                from django.db import connections

                connections.close_all()
    finally:
        shutil.rmtree(profile, ignore_errors=True)
