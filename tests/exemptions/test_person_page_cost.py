"""The person page in a fixed, small number of SQL statements (issue 16, item 2): the person is
read with an EXISTS for every block, so an empty panel costs no query and a full one one per
kind of rows; the count does not grow with the rows. Counted over the whole request (session,
user with office, second factor, permissions, the audit event), without the test's
transaction savepoints and the test-only audit check (tests/kokumin_nenkin/test_request_cost)."""

import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from exemptions.models import ExemptionApplication
from tests.exemptions.conftest import make_person, qualify
from tests.exemptions.test_intake import approved_application
from tests.kokumin_nenkin.test_request_cost import statements

PANEL_TABLES = (
    "exemptions_",
    "benefits_benefitclaim",
    "jps_reporting_batchitem",
    "qualifications_memo",
    "qualifications_pensionnumbernoticereissue",
    "verification_entry",
)


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
    # session, user + office, TOTP device, permissions, person + EXISTS, history, audit event
    assert len(sql) <= 7, "\n".join(sql)
    assert not [s for s in sql if read_table(s).startswith(PANEL_TABLES)]


@pytest.mark.django_db
@pytest.mark.parametrize("applications", [1, 6])
def test_a_panel_with_rows_costs_one_query_whatever_its_length(client_for, cast, applications):
    head = make_person(family="熊谷", given="一郎", householder=True)
    person = make_person(household=head.household)
    qualify(person, cast["madoguchi"])
    for i in range(applications):  # one month each
        approved_application(
            person, cast["kakunin2"], start=date(2025, 1 + i, 1), end=date(2025, 1 + i, 1)
        )
    assert ExemptionApplication.objects.filter(person=person).count() == applications
    sql = page_statements(client_for("kakunin"), person)
    assert len(sql) <= 9, "\n".join(sql)  # + the household members and the applications
    assert reads_of(sql, "exemptions_exemptionapplication") == 1
    assert reads_of(sql, "exemptions_statutoryexemption") == 0
    assert reads_of(sql, "benefits_benefitclaim") == 0
    html = client_for("kakunin2").get(reverse("qualifications:person", args=[person.pk]))
    assert html.content.decode().count("全額免除") >= applications
