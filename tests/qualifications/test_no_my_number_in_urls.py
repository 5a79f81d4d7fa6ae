"""Issue 11, item 3: a 個人番号 typed into the search never appears in a URL. The search posts,
the results page has an opaque URL, and a GET carrying one is refused unsearched. Checked on
the access log of a real server (the live test server logs every request line)."""

import http.cookiejar
import logging
import re
import urllib.parse
import urllib.request

import pytest
from django.urls import reverse

from kokumin_nenkin.identifiers import contains_my_number_like
from tests.conftest import PASSWORD, totp_for
from tests.qualifications.factories import make_person

NUMBER = "987654321093"
TYPED = "9876-5432-1093"


class Browser:
    """Cookies, CSRF token and redirects, over real HTTP."""

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path: str):
        with self.opener.open(self.base + path) as response:
            return response.geturl(), response.read().decode()

    def post(self, path: str, data: dict):
        _, page = self.get(path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}).encode()
        request = urllib.request.Request(  # noqa: S310 (the test server)
            self.base + path, data=body, headers={"Referer": self.base + path}
        )
        with self.opener.open(request) as response:
            return response.geturl(), response.read().decode()


class Lines(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(record.getMessage())


@pytest.fixture
def access_log(monkeypatch):
    """What the server writes for each request (the test server is quiet by default: it logs
    here the way runserver does)."""
    from django.core.servers.basehttp import WSGIRequestHandler
    from django.test.testcases import QuietWSGIRequestHandler

    monkeypatch.setattr(QuietWSGIRequestHandler, "log_message", WSGIRequestHandler.log_message)
    handler = Lines()
    logger = logging.getLogger("django.server")
    logger.addHandler(handler)
    old_level = logger.level
    logger.setLevel(logging.INFO)
    yield handler.lines
    logger.removeHandler(handler)
    logger.setLevel(old_level)


@pytest.mark.django_db(transaction=True)
def test_a_my_number_search_leaves_no_number_in_the_access_log(live_server, cast, access_log):
    person = make_person(my_number_value=NUMBER, family_name="番号")
    browser = Browser(live_server.url)
    browser.post(reverse("accounts:login"), {"username": "madoguchi", "password": PASSWORD})
    browser.post(reverse("accounts:otp"), {"token": totp_for(cast["madoguchi"])})
    url, page = browser.post(reverse("qualifications:search"), {"q": TYPED})
    assert person.full_name in page and "個人番号として検索・1件" in page
    assert re.search(r"/persons/\?r=[\w-]+$", url)  # opaque
    assert not contains_my_number_like(page)
    searches = [line for line in access_log if "/persons/" in line]
    assert any('"POST /persons/ ' in line for line in searches), access_log
    for line in access_log:
        assert "9876" not in line and not contains_my_number_like(line), line


@pytest.mark.django_db
def test_a_my_number_in_a_get_is_refused_unsearched(client_for):
    make_person(my_number_value=NUMBER, family_name="番号")
    client = client_for("madoguchi")
    for typed in (NUMBER, TYPED):
        response = client.get(reverse("qualifications:search"), {"q": typed})
        assert response.status_code == 400
        html = response.content.decode()
        assert "個人番号はURLに含めて検索できません" in html
        assert NUMBER not in html


@pytest.mark.django_db
def test_the_results_token_is_of_this_session_only(client_for, cast):
    make_person(family_name="鈴木", family_name_kana="スズキ")
    mine = client_for("madoguchi")
    response = mine.post(reverse("qualifications:search"), {"q": "スズキ"})
    results = response["Location"]
    assert "?r=" in results and "スズキ" not in urllib.parse.unquote(results)
    assert "鈴木" in mine.get(results).content.decode()
    other = client_for("kakunin").get(results).content.decode()
    assert "鈴木" not in other and "表示期限が切れました" in other
