"""The person page in a fixed, small number of SQL statements (issue 16, item 2): the person is
read with an EXISTS for every block, so an empty panel costs no query and a full one one per
kind of rows; the count does not grow with the rows. Counted over the whole request (session,
user with office, second factor, permissions, the audit event), without the test's
transaction savepoints and the test-only audit check (tests/kokumin_nenkin/test_request_cost).

The 届書 the page offers, each with the refusal known from the person alone (issue 14, item 5),
cost no statement of their own: the kinds' checks read the qualification history, the open
entries and the exemption and 付加 records the page has already read (27–28 statements
before, 7–9 now)."""

import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from exemptions.kinds import ALL
from exemptions.models import ExemptionApplication
from kokumin_nenkin.verification import services as verification
from kokumin_nenkin.verification.registry import all_kinds
from kokumin_nenkin.verification.selectors import offers
from qualifications.models import Household, Person
from qualifications.selectors import person_page
from tests.exemptions.conftest import make_person, qualify
from tests.exemptions.test_intake import approved_application
from tests.kokumin_nenkin.test_request_cost import statements

PANEL_TABLES = (
    "exemptions_",
    "benefits_benefitclaim",
    "jps_reporting_batchitem",
    "qualifications_memo",
    "qualifications_pensionnumbernoticereissue",
    "resident_requests_",
    "verification_entry",
)

LOSS_PAYLOAD = {
    "notified_on": "2026-04-01",
    "cause": "14",
    "event_on": "2026-03-31",
    "lost_on": "2026-03-31",
    "reason": "",
}


def page_statements(client, person) -> list[str]:
    url = reverse("qualifications:person", args=[person.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return [s for s in statements(captured) if 'audit_auditevent"."request_id" =' not in s]


def read_table(statement: str) -> str:
    """The table a SELECT reads rows of (its first column's), "" for anything else."""
    found = re.match(r'\s*SELECT (?:DISTINCT )?"(\w+)"\.', statement)
    return found.group(1) if found else ""


def reads_of(sql: list[str], table: str) -> int:
    return sum(read_table(s) == table for s in sql)


@pytest.mark.django_db
def test_a_person_with_a_history_only_takes_seven_statements(client_for, cast):
    person = make_person()
    qualify(person, cast["madoguchi"])
    sql = page_statements(client_for("kakunin"), person)
    # session, user + office, TOTP device, permissions, person + EXISTS, history, audit event;
    # the 届書 offered (12 kinds' prechecks) read the history above and ask nothing more
    assert len(sql) <= 7, "\n".join(sql)
    assert not [s for s in sql if read_table(s).startswith(PANEL_TABLES)]
    assert reads_of(sql, "qualifications_qualificationrecord") == 1


@pytest.mark.django_db
@pytest.mark.parametrize("applications", [1, 6])
def test_a_panel_with_rows_costs_one_query_whatever_its_length(client_for, cast, applications):
    home = Household.objects.create(number="C0000001")
    make_person(family="熊谷", given="一郎", household=home, householder=True)
    person = make_person(household=home)
    qualify(person, cast["madoguchi"])
    for i in range(applications):  # one month each
        approved_application(
            person, cast["kakunin2"], start=date(2025, 1 + i, 1), end=date(2025, 1 + i, 1)
        )
    assert ExemptionApplication.objects.filter(person=person).count() == applications
    sql = page_statements(client_for("kakunin"), person)
    # 7 + the household members and the applications; the offers (取消申請 needs an approved
    # application, 付加 an exemption-free month) read the applications already read
    assert len(sql) <= 9, "\n".join(sql)
    assert reads_of(sql, "qualifications_person") == 2  # the person, the household members
    assert reads_of(sql, "exemptions_exemptionapplication") == 1
    assert reads_of(sql, "exemptions_statutoryexemption") == 0
    assert reads_of(sql, "benefits_benefitclaim") == 0
    html = client_for("kakunin2").get(reverse("qualifications:person", args=[person.pk]))
    assert html.content.decode().count("全額免除") >= applications


@pytest.mark.django_db
def test_an_open_entry_costs_one_read_and_is_said_on_its_kind(client_for, cast):
    person = make_person()
    qualify(person, cast["madoguchi"])
    entry = verification.entry_submit(
        kind="qualifications.loss",
        person=person,
        payload=LOSS_PAYLOAD,
        actor=cast["oosato"],
    )
    sql = page_statements(client_for("kakunin"), person)
    assert len(sql) <= 8, "\n".join(sql)  # 7 + the open entries, read once for every offer
    assert reads_of(sql, "verification_entry") == 1
    page = client_for("madoguchi").get(reverse("qualifications:person", args=[person.pk]))
    assert f"既に受付中です（受付番号 {entry.receipt_number}）" in page.content.decode()


@pytest.mark.django_db
def test_the_page_offers_what_the_intake_pages_say(cast):
    """The page's offers read its snapshot; the intake page asks the database: same refusals."""
    person = make_person()
    qualify(person, cast["madoguchi"])
    approved_application(person, cast["kakunin2"])
    verification.entry_submit(
        kind="qualifications.loss",
        person=person,
        payload=LOSS_PAYLOAD,
        actor=cast["oosato"],
    )
    kinds = [k for k in all_kinds().values() if k.code.startswith("qualifications.")] + list(ALL)
    page = person_page(person.pk)
    panel = next(v for v in page["panels"] if v.panel.code == "exemptions.history")
    shown = {o["code"]: o["refusal"] for o in panel.context["offers"]}
    shown.update({o["code"]: o["refusal"] for o in offers(kinds, page["person"])})
    asked = {o["code"]: o["refusal"] for o in offers(kinds, Person.objects.get(pk=person.pk))}
    assert shown == asked
    assert asked["qualifications.loss"].startswith("この方の「資格喪失届」は既に受付中です")
    assert asked["exemptions.revocation"] == ""  # the approved application can be revoked
    assert asked["exemptions.additional_withdrawal"] == "辞退できる付加保険料の申出がありません。"


@pytest.mark.django_db
def test_the_resident_requests_panel_reads_only_when_there_are_requests(client_for, cast):
    from tests.resident_requests.helpers import receive

    person = make_person()
    qualify(person, cast["madoguchi"])
    client = client_for("kakunin")
    assert reads_of(page_statements(client, person), "resident_requests_residentrequest") == 0
    receive(cast, person)
    sql = page_statements(client, person)
    assert reads_of(sql, "resident_requests_residentrequest") == 1
    assert len(sql) <= 9, "\n".join(sql)  # 7 + the requests and their corrections (prefetched)
