"""Headers, CSRF and the error page (SECURITY.md attacks 13 and 18, and the CSP rules)."""

import re
import sys
import types
from pathlib import Path

import pytest
from django.conf import settings
from django.template import engines
from django.test import Client
from django.urls import path, reverse

from kokumin_nenkin.accounts.access import ANY_STAFF, OTP_PENDING, PUBLIC, declared_access
from kokumin_nenkin.accounts.access import requires as requires_access
from tests.conftest import PASSWORD, confirmation_fields, login
from tests.urlconf import ALL_PATTERNS, sample_path


def assert_secure_headers(response, where: str) -> None:
    csp = response.get("Content-Security-Policy", "")
    assert csp, f"no Content-Security-Policy on {where}"
    directives = {d.split()[0]: d.split()[1:] for d in csp.split(";") if d.strip()}
    assert directives["frame-ancestors"] == ["'none'"], where
    assert directives["object-src"] == ["'none'"], where
    assert "'unsafe-inline'" not in directives["script-src"], where
    assert directives["script-src"][0] == "'self'", where
    scripts = re.findall(rb'<script [^>]*nonce="([^"]+)"', response.content)
    for nonce in scripts:  # the page's scripts carry this response's nonce
        assert f"'nonce-{nonce.decode()}'" in directives["script-src"], where
    assert response["Referrer-Policy"] == "same-origin", where
    assert response["X-Frame-Options"] == "DENY", where
    assert response["X-Content-Type-Options"] == "nosniff", where


@pytest.mark.django_db
@pytest.mark.parametrize("who", [None, "kakunin", "kanri", "kansa", "shintatsu"])
def test_every_page_carries_the_security_headers(cast, who):
    client = Client(raise_request_exception=False)
    if who:
        login(client, cast[who])
    for route, _ in ALL_PATTERNS:
        if route == "accounts/logout/":
            continue
        url = sample_path(route)
        assert_secure_headers(client.get(url), f"{who} {url}")
    assert_secure_headers(client.get("/no-such-page/"), "404")


def _template_files():
    roots = [Path(settings.BASE_DIR) / "templates"]
    roots += [p / "templates" for p in Path(settings.BASE_DIR).iterdir() if p.is_dir()]
    roots += list((Path(settings.BASE_DIR) / "kokumin_nenkin").glob("**/templates"))
    for root in roots:
        if root.is_dir():
            yield from sorted(root.glob("**/*.html"))


TEMPLATES = list(_template_files())


def test_templates_are_found():
    names = {p.name for p in TEMPLATES}
    assert {"base.html", "login.html", "idle_lock.html", "500.html"} <= names


@pytest.mark.parametrize("template", TEMPLATES, ids=[p.name for p in TEMPLATES])
def test_no_template_has_inline_script_or_handlers(template):
    text = template.read_text(encoding="utf-8")
    for tag in re.findall(r"<script\b[^>]*>", text, flags=re.I):
        assert re.search(r"\bsrc=", tag), f"inline <script> in {template.name}: {tag}"
        assert "nonce=" in tag, f"<script> without the CSP nonce in {template.name}"
    assert not re.search(r"<script\b[^>]*>\s*[^<\s]", text, flags=re.I), template.name
    assert not re.search(r"\son[a-z]+\s*=", text, flags=re.I), f"event handler in {template.name}"
    assert "javascript:" not in text.lower(), template.name
    assert not re.search(r"\sstyle\s*=", text, flags=re.I), f"inline style in {template.name}"


def test_the_csp_really_blocks_inline_script():
    """The policy, not only our templates: no 'unsafe-inline' and no 'unsafe-eval' anywhere."""
    for directive, sources in settings.SECURE_CSP.items():
        assert "'unsafe-inline'" not in sources, directive
        assert "'unsafe-eval'" not in sources, directive


@pytest.mark.django_db
class TestCsrf:
    def test_login_without_token_is_403(self, cast):
        client = Client(enforce_csrf_checks=True)
        client.get(reverse("accounts:login"))
        response = client.post(
            reverse("accounts:login"), {"username": "kakunin", "password": PASSWORD}
        )
        assert response.status_code == 403
        assert "_auth_user_id" not in client.session

    def test_a_foreign_token_is_403(self, cast):
        from django.middleware.csrf import _get_new_csrf_string

        admin = login(Client(), cast["kanri"])
        strict = Client(enforce_csrf_checks=True)
        strict.cookies = admin.cookies
        strict.get(reverse("accounts:staff_list"))  # sets this client's own CSRF cookie
        foreign = _get_new_csrf_string()  # a token from some other browser
        response = strict.post(
            reverse("accounts:staff_deactivate", args=[cast["kansa"].pk]),
            {"csrfmiddlewaretoken": foreign},
        )
        assert response.status_code == 403
        cast["kansa"].refresh_from_db()
        assert cast["kansa"].is_active

    def test_the_right_token_passes(self, cast):
        admin = login(Client(), cast["kanri"])
        strict = Client(enforce_csrf_checks=True)
        strict.cookies = admin.cookies
        page = strict.get(reverse("accounts:staff_detail", args=[cast["kansa"].pk]))
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
        url = reverse("accounts:staff_deactivate", args=[cast["kansa"].pk])
        question = strict.post(url, {"csrfmiddlewaretoken": token.group(1)})
        assert question.status_code == 200  # the confirmation step, with the same token
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', question.content.decode())
        response = strict.post(
            url, {"csrfmiddlewaretoken": token.group(1), **confirmation_fields(question)}
        )
        assert response.status_code == 302
        cast["kansa"].refresh_from_db()
        assert not cast["kansa"].is_active


@pytest.mark.django_db
def test_a_500_page_shows_no_personal_data_and_no_stack_trace(cast, settings):
    def broken(request):
        name = "年金 花子"
        raise RuntimeError(f"failed for {name} 123456789018 at /srv/app/views.py")

    urlconf = types.ModuleType("tmp_broken_urls")
    from kokumin_nenkin.urls import handler500
    from kokumin_nenkin.urls import urlpatterns as real_patterns

    urlconf.urlpatterns = [*real_patterns, path("broken/", requires_access(ANY_STAFF)(broken))]
    urlconf.handler500 = handler500
    sys.modules["tmp_broken_urls"] = urlconf
    settings.ROOT_URLCONF = "tmp_broken_urls"
    client = login(Client(raise_request_exception=False), cast["kakunin"])
    response = client.get("/broken/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "システムエラーが発生しました" in html
    for leak in ["年金 花子", "123456789018", "Traceback", "RuntimeError", "views.py", "kakunin"]:
        assert leak not in html, leak
    from kokumin_nenkin.identifiers import contains_my_number_like

    assert not contains_my_number_like(html)


def test_every_login_step_is_declared_as_such():
    declared = {route: declared_access(p.callback) for route, p in ALL_PATTERNS}
    assert declared["accounts/login/"] == PUBLIC
    assert declared["accounts/login/otp/"] == OTP_PENDING
    assert declared["accounts/login/enrol/"] == OTP_PENDING
    assert declared["accounts/password/"] == OTP_PENDING
    assert engines["django"]  # templates load with the project settings
