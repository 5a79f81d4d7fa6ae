"""No text leaks onto a page: every page of the URL walk, rendered with real records for each
role, shows no template syntax (`{#`, `{%`, `{{`, `#}`) and no English words outside a short
allow-list (codes, formats and the names of things a clerk reads in English, e.g. PDF)."""

import json
import re
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.utils import timezone

from jps_reporting import results
from jps_reporting.models import Batch, ResultsUpload
from kokumin_nenkin.accounts.access import declared_access
from kokumin_nenkin.verification.models import Entry
from qualifications.models import WorkList
from tests.conftest import PASSWORD, login
from tests.jps_reporting.flow import approved_acquisition, approved_exemption
from tests.jps_reporting.test_results_import import good_file
from tests.urlconf import ALL_PATTERNS, ROLE_CAST

TEMPLATE_SYNTAX = ("{#", "{%", "{{", "#}")

# Words a Japanese clerk reads as they are: formats, codes, product names, units.
ALLOWED_WORDS = {
    "pdf",
    "csv",
    "jps",
    "id",
    "ok",
    "totp",
    "cp",
    "utf",
    "bom",
    "sha",
    "os",
    "usb",
    "qr",
    "nfc",
    "it",
    "kb",
    "mb",
    "ic",
    "shift",
    "jis",
}

# Visible attributes: what a screen reader or a tooltip gives the user.
_SHOWN_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt"}
_WORD = re.compile(r"(?<![A-Za-z0-9_])[A-Za-z]{2,}(?![A-Za-z0-9_])")  # not inside a hash or code


class _VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self._hidden += 1
        for name, value in attrs:
            if name in _SHOWN_ATTRIBUTES and value:
                self.parts.append(value)
            if name == "value" and ("type", "submit") in attrs and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html)
    return "\n".join(parser.parts)


# The start of a hash shown on the audit screens (e.g. the chain head "fadbaffb…") can happen to
# hold no digit; six or more letters a–f alone are such a hex run, not an English word.
_HEX_RUN = re.compile(r"[a-f]{6,}")


def english_words(text: str) -> set[str]:
    return {
        w
        for w in _WORD.findall(text)
        if w.lower() not in ALLOWED_WORDS and not _HEX_RUN.fullmatch(w)
    }


def leaks(html: str, *, names: frozenset[str] = frozenset()) -> list[str]:
    text = visible_text(html)
    found = [s for s in TEMPLATE_SYNTAX if s in html or s in text]
    found += sorted(w for w in english_words(text) if w not in names)
    return found


def test_the_checker_finds_what_it_is_for():
    page = (
        "<html><head><style>a{color:red}</style><script>let x = 1;</script></head>"
        "<body><p>{# The exemption history block #}</p><p>Save 保存 PDF</p>"
        '<input placeholder="Search"></body></html>'
    )
    assert leaks(page) == ["{#", "#}", "Save", "Search", "The", "block", "exemption", "history"]
    assert leaks("<p>申請書（PDF）を印刷</p><script>if (a) {}</script>") == []


def _passkey_package_messages() -> set[str]:
    """Every message the passkey package's scripts put on our login and settings pages."""
    from pathlib import Path

    import django_otp_webauthn

    root = Path(django_otp_webauthn.__file__).parent / "static"
    found: set[str] = set()
    for script in root.rglob("*.js"):
        found |= set(re.findall(r'gettext\("([^"]+)"\)', script.read_text(encoding="utf-8")))
    return found


@pytest.mark.django_db
def test_the_passkey_messages_reach_the_page_in_japanese(cast):
    """The passkey step's script reads its messages from the catalogue: all in Japanese."""
    client = Client()
    user = cast["madoguchi"]
    client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    script = client.get("/accounts/passkey/jsi18n/").content.decode()
    catalogue = json.loads(re.search(r"const newcatalog = (\{.*?\});", script, re.S).group(1))
    messages = _passkey_package_messages()
    assert len(messages) > 10
    assert {m: catalogue.get(m) for m in messages if not catalogue.get(m)} == {}
    assert not any(english_words(catalogue[m]) for m in messages)
    assert catalogue["Verify with Passkey"] == "パスキーで確認する"


def test_the_passkey_server_messages_are_japanese():
    from django.utils import translation
    from django_otp_webauthn import exceptions

    with translation.override("ja"):
        shown = [
            str(exc.default_detail)
            for exc in vars(exceptions).values()
            if isinstance(exc, type) and hasattr(exc, "default_detail")
        ]
    assert shown and all(not english_words(text) for text in shown), shown


@pytest.fixture
def office_day(cast):
    """Records for every page with an id: persons, entries, a confirmed batch, a results file."""
    from jps_reporting.services import batch_confirm

    m, k = cast["madoguchi"], cast["kakunin"]
    entries = [approved_acquisition(m, k), approved_exemption(m, k), approved_acquisition(m, k)]
    batch_confirm(
        cutoff=timezone.localdate(),
        entry_ids=[e.pk for e in entries],
        messages={},
        actor=cast["shintatsu"],
    )
    results.results_upload(
        data=good_file(entries).encode(),
        filename="kekka.csv",
        encoding="auto",
        actor=cast["shintatsu"],
    )
    return {
        "person": entries[0].person_id,
        "entry": entries[0].pk,
        "batch": Batch.objects.get().pk,
        "results": ResultsUpload.objects.get().pk,
        "staff": cast["madoguchi"].pk,
    }


def real_path(route: str, ids: dict) -> str:
    """The route with the id of a real record for every converter."""
    if route.startswith(("accounts/staff/", "audit/staff/")):
        key = "staff"
    elif route.startswith("jps/batches/"):
        key = "batch"
    elif route.startswith("jps/results/"):
        key = "results"
    elif route.startswith(("entries/<int:pk>", "benefits/entries/")):
        key = "entry"
    else:
        key = "person"
    path = route.replace(
        "<str:kind>/<int:person_pk>", f"qualifications.acquisition/{ids['person']}"
    )
    path = path.replace("<str:code>", WorkList.values[0])
    path = path.replace("<str:kind>", "sheet").replace("<int:part>", "1")
    path = re.sub(r"<int:[a-z_]+>", str(ids[key]), path)
    return "/" + path


@pytest.mark.django_db
@pytest.mark.parametrize("role", [None, *ROLE_CAST], ids=["anonymous", *ROLE_CAST])
def test_no_page_shows_template_syntax_or_english(role, cast, office_day):
    client = Client(raise_request_exception=False)
    if role is not None:
        login(client, cast[ROLE_CAST[role]])
    assert Entry.objects.exists()
    # the staff's own login IDs and the name of the uploaded file are data, not labels
    login_ids = frozenset(user.username for user in cast.values()) | {"kekka"}
    found = {}
    for route, pattern in ALL_PATTERNS:
        if declared_access(pattern.callback) is None or route == "accounts/logout/":
            continue
        path = real_path(route, office_day)
        response = client.get(path)
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        problems = leaks(response.content.decode(), names=login_ids)
        if problems:
            found[path] = problems
    assert found == {}, "\n".join(f"{p}: {w}" for p, w in found.items())
