"""The disclosure package: every kind of record and the access history, no 個人番号, staff names
only when decided, the same bytes for the same data, stored with its SHA-256 and audited."""

import hashlib
import io
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader

from audit.models import Action, AuditEvent
from kokumin_nenkin.identifiers import find_my_number_like
from kokumin_nenkin.verification.models import Entry
from resident_requests import disclosure
from resident_requests import services as rr

from .helpers import decide, person_with_everything, receive

pytestmark = pytest.mark.django_db
PRINTED = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def text_of(pdf: bytes) -> str:
    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).replace("\n", "")


@pytest.fixture
def printed(cast):
    person = person_with_everything(cast, my_number_value="123456789018")
    request = decide(cast, receive(cast, person))
    package = rr.disclosure_print(request_id=request.pk, actor=cast["kakunin"], printed_at=PRINTED)
    return person, request, package


def test_the_package_holds_every_kind_of_record_and_the_access_history(printed):
    person, _request, package = printed
    text = text_of(bytes(package.pdf))
    for heading in (
        "本人の情報",
        "資格履歴",
        "保険料免除・納付猶予申請",
        "所得",
        "メモ",
        "受付（二重確認）",
        "進達の明細",
        "本人からの請求・問合せ",
        "アクセス履歴",
    ):
        assert heading in text, heading
    assert person.addressee_number in text
    assert "保有あり（番号は本人確認書類で確認）" in text
    assert "確認担当" in text and "本庁 保険年金課" in text
    assert package.access_rows >= 5


def test_no_my_number_is_printed_only_the_receipt_numbers(printed):
    person, _request, package = printed
    text = text_of(bytes(package.pdf))
    receipts = set(Entry.objects.filter(person=person).values_list("receipt_number", flat=True))
    assert "123456789018" not in text
    assert find_my_number_like(text, allow=frozenset(receipts)) == []


def test_staff_names_are_absent_unless_the_decision_says_so(cast, printed):
    _person, _request, package = printed
    text = text_of(bytes(package.pdf))
    for member in cast.values():
        assert member.full_name not in text
    person = person_with_everything(cast, batch=False, given_name="次子")
    named = decide(cast, receive(cast, person), show_staff_names="1")
    package = rr.disclosure_print(request_id=named.pk, actor=cast["kakunin"], printed_at=PRINTED)
    assert cast["kakunin"].full_name in text_of(bytes(package.pdf))


def test_the_same_data_gives_the_same_bytes_and_the_stored_sha256(printed):
    _person, request, package = printed
    # the print itself is new data (its audit event, the stored package): render twice now
    first = disclosure.render(request, printed_at=PRINTED)
    again = disclosure.render(request, printed_at=PRINTED)
    assert again.pdf == first.pdf and again.sha256 == first.sha256
    assert package.sha256 == hashlib.sha256(bytes(package.pdf)).hexdigest()


def test_the_print_is_audited_with_its_sha256(printed):
    person, _request, package = printed
    event = AuditEvent.objects.filter(action=Action.PRINT, person_id=person.pk).last()
    assert event.details["帳票"] == "保有個人情報の開示"
    assert event.details["SHA-256"].replace(":", "") == package.sha256
    assert event.object_id == str(package.pk)


def test_a_long_access_history_is_printed_whole_and_in_order(cast):
    """Printed in blocks of lines (docs/performance.md): every event, none twice, oldest first."""
    from audit.services import record_many

    person = person_with_everything(cast, batch=False)
    record_many(
        Action.VIEW,
        persons=[person] * 120,
        details={"画面": "memo_form"},
        actor=cast["kakunin"],
    )
    record_many(
        Action.VIEW,
        persons=[person] * 3,
        details={"画面": "intake"},
        actor=cast["kakunin"],
    )
    request = decide(cast, receive(cast, person))
    package = disclosure.render(request, printed_at=PRINTED)
    text = text_of(package.pdf)
    assert text.count("メモの入力") == 120 and text.count("受付の入力") == 3
    history = text[text.index("アクセス履歴") :]
    assert history.rindex("メモの入力") < history.index("受付の入力")
    assert package.access_rows >= 123
