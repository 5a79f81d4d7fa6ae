"""Several instances (issue 16, item 8): two gunicorn instances on one database, as behind the
city's nginx. A member of staff who types the password on one instance and the TOTP code on the
other is logged in on both; logging out on one ends the session on the other; wrong passwords
typed on both count together towards the lock-out, which then holds on both; the audit events
both wrote form one chain that verifies."""

import http.cookiejar
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from io import StringIO

import pytest
from django.core.management import call_command

from tests.conftest import CAST, PASSWORD, make_staff, totp_for

from .test_outage_postgres import ROOT, free_port, server_env

pytestmark = pytest.mark.postgres_only

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the 302 itself is what the test reads


class Browser:
    """One browser: one cookie jar for both instances (cookies do not depend on the port, as
    they would not behind one host name)."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect
        )
        self.token = ""

    def open(self, url: str, data: dict | None = None) -> tuple[int, str, str]:
        body = None
        if data is not None:
            body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": self.token}).encode()
        request = urllib.request.Request(url, data=body)  # noqa: S310 - our own local server
        try:
            with self.opener.open(request, timeout=30) as response:
                status, text, location = response.status, response.read().decode(), ""
        except urllib.error.HTTPError as error:
            status, text = error.code, error.read().decode()
            location = error.headers.get("Location", "")
        if found := TOKEN.search(text):
            self.token = found.group(1)
        return status, text, location


def start(port: int) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603 - our own command line
        [
            *(sys.executable, "-m", "gunicorn", "kokumin_nenkin.wsgi"),
            *("--workers", "1", "--bind", f"127.0.0.1:{port}"),
        ],
        cwd=ROOT,
        env=server_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def wait_until_serving(base: str) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=5):  # noqa: S310
                return
        except urllib.error.HTTPError:
            return  # answering (a 503 would name a part; the tests below say more)
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@pytest.fixture
def instances():
    ports = [free_port(), free_port()]
    servers = [start(port) for port in ports]
    bases = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        for base in bases:
            wait_until_serving(base)
        yield bases
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
    output = "\n".join(s.stdout.read().decode(errors="replace") for s in servers if s.stdout)
    assert "Traceback" not in output, output[-3000:]


@pytest.mark.django_db(transaction=True)
def test_one_session_across_two_instances_and_one_lockout_count(instances):
    a, b = instances
    role, office = CAST["madoguchi"]
    clerk = make_staff("madoguchi", role, office)
    role, office = CAST["oosato"]
    target = make_staff("oosato", role, office)

    # Password on instance A, the second factor on instance B.
    browser = Browser()
    browser.open(a + "/accounts/login/")
    status, _, location = browser.open(
        a + "/accounts/login/", {"username": clerk.username, "password": PASSWORD}
    )
    assert (status, location) == (302, "/accounts/login/otp/")
    assert browser.open(b + "/accounts/login/otp/")[0] == 200
    status, _, _ = browser.open(b + "/accounts/login/otp/", {"token": totp_for(clerk)})
    assert status == 302
    for base in (a, b):
        status, html, _ = browser.open(base + "/")
        assert status == 200 and 'action="/accounts/logout/"' in html  # logged in on both

    # Logging out on B ends the session on A as well.
    assert browser.open(b + "/accounts/logout/", {})[0] == 302
    status, _, location = browser.open(a + "/")
    assert status == 302 and location.startswith("/accounts/login/")

    # Wrong passwords typed on both instances count together: 3 on A + 2 on B = locked on both.
    attacker = Browser()
    statuses = []
    for base in (a, a, a, b, b):
        attacker.open(base + "/accounts/login/")
        status, _, _ = attacker.open(
            base + "/accounts/login/", {"username": target.username, "password": "wrong-pass-12"}
        )
        statuses.append(status)
    assert statuses[:4] == [200] * 4  # the form again: not locked before the fifth
    for base in (a, b):
        person = Browser()
        person.open(base + "/accounts/login/")
        status, html, _ = person.open(
            base + "/accounts/login/", {"username": target.username, "password": PASSWORD}
        )
        assert status == 429 and "ログインを一時停止しています" in html

    out = StringIO()
    call_command("verify_audit_chain", stdout=out)  # both instances wrote into one chain
    assert "監査ログのチェーンは正常です" in out.getvalue()
