"""The person page: masked identifiers, age, current category, timeline, pending entries,
memos, household — in a fixed number of queries whatever the history length; every view
audited; script payloads escaped (SECURITY.md attack 14)."""

from datetime import date

import pytest
from django.test import RequestFactory
from django.urls import reverse

from audit import context
from audit.models import AuditEvent
from kokumin_nenkin.verification import services as verification
from qualifications import views
from qualifications.codes import Event, Held
from qualifications.models import Memo, QualificationRecord
from qualifications.services import memo_create
from tests.qualifications.factories import acquisition_payload, make_person

# The view's own queries (middleware left out): person + household + spouse with an EXISTS for
# every block (issue 16), then only the blocks with rows: history and memos here; the audit
# insert, the office of the staff member in the header (the login middleware reads it with the
# user; this test's user is read without it). Empty blocks (household, open entries, reissues,
# the exemption, claim, returned-届書 and resident-request panels) cost nothing, and so do the
# 届書 offered with their dead ends (issue 14): the kinds' prechecks read the history and the
# open entries already read (they cost ~20 statements more before).
PERSON_PAGE_QUERIES = 5


def _history(person, length, operator):
    rows = []
    for i in range(length):
        rows.append(
            QualificationRecord(
                person=person,
                event=Event.ACQUISITION if i % 2 == 0 else Event.LOSS,
                is_latest=(i == length - 1),
                held=Held.HELD if i % 2 == 0 else Held.NOT_HELD,
                category="1",
                acquired_on=date(2000 + i, 1, 1),
                lost_on=None if i % 2 == 0 else date(2000 + i, 6, 1),
                operator=operator,
            )
        )
    QualificationRecord.objects.bulk_create(rows)


def _get_page(person, user):
    request = RequestFactory().get(reverse("qualifications:person", args=[person.pk]))
    request.user = user
    user.is_verified = lambda: True
    token = context.bind(context.AuditContext(actor_id=user.pk, office_id=user.office_id))
    try:
        return views.person(request, pk=person.pk)
    finally:
        context.reset(token)


@pytest.mark.parametrize("length", [1, 40])
def test_person_page_query_count_does_not_grow_with_history(
    cast, db, django_assert_num_queries, length
):
    person = make_person()
    _history(person, length, cast["madoguchi"])
    for i in range(length):
        Memo.objects.create(
            person=person,
            registered_on=date(2024, 1, 1),
            remarks=f"メモ{i}",
            operator=cast["madoguchi"],
        )
    user = type(cast["madoguchi"]).objects.get(pk=cast["madoguchi"].pk)
    user.get_all_permissions()  # permission cache, as the middleware would have filled it
    with django_assert_num_queries(PERSON_PAGE_QUERIES):
        response = _get_page(person, user)
    assert response.status_code == 200
    assert response.content.decode().count("<td>メモ") == 0  # memos render as articles
    assert response.content.decode().count("メモ") >= length


def test_person_page_shows_identity_category_and_pending_entries(client_for, cast, db):
    spouse = make_person(family_name="架空", given_name="花子")
    person = make_person(
        family_name="架空",
        given_name="太郎",
        birth_date=date(1990, 6, 15),
        basic_pension_number="1111-222222",
        household=spouse.household,
        my_number_value="987654321093",
    )
    entry = verification.entry_submit(
        kind="qualifications.acquisition",
        person=person,
        payload=acquisition_payload("2010-06-14"),
        actor=cast["madoguchi"],
    )
    html = client_for("oosato").get(reverse("qualifications:person", args=[person.pk]))
    text = html.content.decode()
    assert "1111-222222" in text and "＊＊＊＊" in text
    assert "平成2年6月15日" in text and "歳）" in text
    assert entry.receipt_number in text and "確認待ち" in text
    assert "架空　花子" in text  # household member
    assert "資格取得届" in text  # intake actions


def test_every_view_of_a_person_is_audited(client_for, cast, db):
    person = make_person()
    client = client_for("madoguchi")
    client.get(reverse("qualifications:person", args=[person.pk]))
    client.get(reverse("qualifications:person", args=[person.pk]))
    assert (
        AuditEvent.objects.filter(action="view", person=person, actor=cast["madoguchi"]).count()
        == 2
    )


def test_system_admin_cannot_open_a_person(client_for, db):
    person = make_person()
    assert (
        client_for("kanri").get(reverse("qualifications:person", args=[person.pk])).status_code
        == 403
    )


PAYLOADS = ['<script>alert("x")</script>', '<img src=x onerror="alert(1)">']


@pytest.mark.parametrize("payload", PAYLOADS)
def test_script_payloads_in_names_and_memos_are_escaped(client_for, cast, db, payload):
    person = make_person(family_name=payload, address=payload)
    memo_create(
        person=person, registered_on=date(2025, 1, 1), consultation=payload, actor=cast["madoguchi"]
    )
    client = client_for("kakunin")
    pages = [
        client.get(reverse("qualifications:person", args=[person.pk])),
        client.get(reverse("qualifications:search"), {"q": "alert"}),
    ]
    verification.entry_submit(
        kind="qualifications.reissue",
        person=person,
        payload={"applied_on": "2025-01-10", "reason": payload},
        actor=cast["madoguchi"],
    )
    pages.append(client.get(reverse("verification:queue")))
    for response in pages:
        html = response.content.decode()
        assert response.status_code == 200
        assert "<script>alert" not in html and "<img src=x" not in html
        assert "&lt;" in html


def test_memo_is_written_without_verification_and_audited(client_for, cast, db):
    person = make_person()
    client = client_for("oosato")
    url = reverse("qualifications:memo_new", args=[person.pk])
    empty = client.post(url, {"registered_on": "R7.1.10"})
    assert "いずれかを入力してください" in empty.content.decode()
    response = client.post(url, {"registered_on": "R7.1.10", "consultation": "免除の相談"})
    assert response.status_code == 302
    memo = Memo.objects.get(person=person)
    assert memo.registered_on == date(2025, 1, 10) and memo.operator == cast["oosato"]
    assert AuditEvent.objects.filter(action="create", person=person, object_id=str(memo.pk))
    assert (
        client_for("kanri").post(url, {"registered_on": "R7.1.10", "remarks": "x"}).status_code
        == 403
    )
