"""Issue 11, item 6: no debug pages, ever. The development settings `make run` uses have DEBUG
off (the Japanese 404 and 500 pages, static files through WhiteNoise as in production); only
the developer setting KN_DEBUG_PAGES=true turns Django's debug pages on."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import json, django
from django.conf import settings
django.setup()
from django.test import Client
client = Client(SERVER_NAME="localhost")
missing = client.get("/no-such-page/")
static = client.get("/static/css/app.css")
print(json.dumps({
    "debug": settings.DEBUG,
    "missing_status": missing.status_code,
    "missing": missing.content.decode(),
    "static_status": static.status_code,
}))
"""


def run_dev(tmp_path, **env) -> dict:
    environment = {
        k: v for k, v in os.environ.items() if k not in ("KN_DEBUG_PAGES", "DATABASE_URL")
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="kokumin_nenkin.settings.dev",
        DATABASE_URL=f"sqlite:///{tmp_path / 'dev.sqlite3'}",
        **env,
    )
    out = subprocess.run(  # noqa: S603 (our own interpreter and probe)
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_make_run_settings_have_no_debug_pages(tmp_path):
    # even a DEBUG variable left in the environment does not turn them on
    seen = run_dev(tmp_path, DEBUG="true")
    assert seen["debug"] is False
    assert seen["missing_status"] == 404
    assert "ページが見つかりません" in seen["missing"] or "見つかりません" in seen["missing"]
    assert "URLconf" not in seen["missing"] and "Traceback" not in seen["missing"]
    assert seen["static_status"] == 200  # WhiteNoise serves the static files, as in production


def test_debug_pages_only_with_the_named_developer_setting(tmp_path):
    assert run_dev(tmp_path, KN_DEBUG_PAGES="true")["debug"] is True


@pytest.mark.django_db
def test_the_404_and_500_pages_are_the_japanese_ones(client, settings):
    from django.test import Client
    from django.urls import path

    import kokumin_nenkin.urls as project_urls

    def boom(request):
        raise RuntimeError("秘密のトレース")

    boom.access = "__public__"
    settings.ROOT_URLCONF = type(
        "Urls",
        (),
        {
            "urlpatterns": [*project_urls.urlpatterns, path("boom/", boom)],
            "handler404": project_urls.handler404,
            "handler500": project_urls.handler500,
        },
    )
    missing = client.get("/no-such-page/")
    assert missing.status_code == 404 and "見つかりません" in missing.content.decode()
    failing = Client(raise_request_exception=False).get("/boom/")
    assert failing.status_code == 500
    body = failing.content.decode()
    assert "秘密のトレース" not in body and "Traceback" not in body
    assert "エラー" in body or "申し訳" in body
    assert reverse("home")  # the real URLconf still resolves after the override
