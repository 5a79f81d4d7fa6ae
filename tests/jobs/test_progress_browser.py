"""The progress bar in a real Chromium: the external script polls, the bar moves, the page
shows the end after the job finishes — under the real Content-Security-Policy."""

import shutil

import pytest
from django.db import connections
from django.test import Client

from kokumin_nenkin.jobs.models import Job, Status
from kokumin_nenkin.jobs.services import Progress, job_set_status
from tests.conftest import login

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="no Chromium installed"),
]


@pytest.fixture
def browser_page(monkeypatch):
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; the ORM calls of the test are
    # still plain synchronous calls.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page()
        yield page
        # The ORM calls made while Playwright's loop ran opened their own connection: close it,
        # or the test database cannot be dropped afterwards (PostgreSQL).
        connections.close_all()
        browser.close()


@pytest.mark.django_db(transaction=True)
def test_the_bar_follows_the_job_and_the_page_shows_the_end(cast, live_server, browser_page):
    from playwright.sync_api import expect

    owner = cast["shintatsu"]
    job = Job.objects.create(kind="tests.jobs.handlers.count_to", label="報告書の作成", owner=owner)
    client = login(Client(), owner)
    browser_page.context.add_cookies(
        [
            {"name": name, "value": morsel.value, "url": live_server.url}
            for name, morsel in client.cookies.items()
        ]
    )
    errors = []
    browser_page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    browser_page.goto(f"{live_server.url}/jobs/{job.pk}/")
    assert browser_page.locator("[data-job-status]").inner_text() == "待機中"

    job_set_status(job.pk, Status.RUNNING)
    progress = Progress(job.pk, min_interval=0)
    progress.start(total=40, message="報告書を作成しています")
    progress.advance(10)
    # (locators, not page-evaluated strings: the page's CSP forbids eval, as it should)
    expect(browser_page.locator("[data-job-bar]")).to_have_attribute("value", "25", timeout=10000)
    expect(browser_page.locator("[data-job-message]")).to_have_text("報告書を作成しています")
    expect(browser_page.locator("[data-job-done]")).to_have_text("10")

    job_set_status(job.pk, Status.SUCCEEDED, done=40, message="報告書 40件を作成しました。")
    expect(browser_page.locator("[data-job-finished='true']")).to_have_count(1, timeout=10000)
    expect(browser_page.locator("[data-job-status]")).to_have_text("完了")
    assert "報告書 40件を作成しました。" in browser_page.content()
    assert not [e for e in errors if "Content Security Policy" in e], errors
