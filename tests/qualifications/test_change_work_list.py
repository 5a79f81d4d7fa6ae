"""F3 氏名変更 (D1) / 住所変更 (D2) of a person JPS must know about (第1号 / 任意加入): the
import, run by a 進達担当, leaves a 「氏名・住所変更の届出」 row; a 窓口担当 opens the 04 / 05
intake pre-filled from it; the entry removes the row."""

from datetime import date

import pytest
from django.urls import reverse

from kokumin_nenkin.verification.models import Entry
from qualifications.codes import Event, Held
from qualifications.models import QualificationRecord, WorkList
from qualifications.residents import residents_import
from qualifications.worklists import work_list_rows
from tests.factories import make_person

HEADER = (
    "異動区分,異動年月日,届出年月日,宛名番号,個人番号,氏名,フリガナ,性別,生年月日,"
    "郵便番号,住所,世帯番号,続柄,世帯主宛名番号"
)
D1 = "D1,2025-05-10,2025-05-12,{n},,新姓　太郎,シンセイ　タロウ,,,,,,,"
D2 = "D2,2025-05-11,2025-05-12,{n},,,,,,360-0099,熊谷市試験町九丁目9番9号,,,"


def insured(n: str, category: str | None, operator):
    p = make_person(addressee_number=n, household=None, birth_date=date(1990, 4, 5))
    if category:
        QualificationRecord.objects.create(
            person=p,
            event=Event.ACQUISITION,
            held=Held.HELD,
            category=category,
            acquired_on=date(2015, 6, 14),
            acquisition_cause="01",
            operator=operator,
        )
    return p


def run(actor, *lines):
    text = "\r\n".join([HEADER, *lines]) + "\r\n"
    return residents_import(data=text.encode(), filename="f3.csv", actor=actor)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "category,listed",
    [("1", True), ("4", True), ("5", True), ("2", False), ("3", False), (None, False)],
)
@pytest.mark.parametrize("line,kind", [(D1, "name_change"), (D2, "address_change")])
def test_a_change_is_listed_only_for_the_categories_jps_must_know(
    cast, category, listed, line, kind
):
    p = insured("1000000001", category, cast["madoguchi"])
    result = run(cast["shintatsu"], line.format(n=p.addressee_number))
    assert result.ok and result.changes_to_report == (1 if listed else 0)
    rows = work_list_rows(WorkList.CHANGES)
    assert [(r.person.pk, r.kind) for r in rows] == (
        [(p.pk, f"qualifications.{kind}")] if listed else []
    )


@pytest.mark.django_db
def test_the_counter_clerk_confirms_the_name_change_pre_filled_and_the_row_leaves(cast, client_for):
    p = insured("1000000001", "1", cast["madoguchi"])
    assert run(cast["shintatsu"], D1.format(n=p.addressee_number)).ok
    client = client_for("madoguchi")
    page = client.get(reverse("qualifications:work_list", args=["changes"]) + "?office=all")
    body = page.content.decode()
    assert page.status_code == 200 and "氏名・住所変更の届出" in body and "新姓" in body
    (row,) = work_list_rows(WorkList.CHANGES)
    assert row.initial["changed_on"] == "2025-05-10"
    assert (row.initial["family_name"], row.initial["family_name_kana"]) == ("新姓", "シンセイ")
    url = reverse("verification:new", args=[row.kind, p.pk])
    form = client.get(url, row.initial).content.decode()
    assert 'value="新姓"' in form and 'value="シンセイ"' in form
    assert client.post(url, row.initial).status_code == 302
    entry = Entry.objects.get(person=p, kind="qualifications.name_change")
    assert entry.form_code == "04" and entry.payload["family_name"] == "新姓"
    assert work_list_rows(WorkList.CHANGES) == []


@pytest.mark.django_db
def test_the_address_change_row_pre_fills_the_05_intake(cast, client_for):
    p = insured("1000000001", "4", cast["madoguchi"])
    assert run(cast["shintatsu"], D2.format(n=p.addressee_number)).ok
    (row,) = work_list_rows(WorkList.CHANGES)
    assert row.initial["postal_code"] == "3600099"
    assert row.initial["address"] == "熊谷市試験町九丁目9番9号"
    client = client_for("kakunin")
    url = reverse("verification:new", args=[row.kind, p.pk])
    assert client.post(url, row.initial).status_code == 302
    assert Entry.objects.get(person=p).form_code == "05"
    assert work_list_rows(WorkList.CHANGES) == []


@pytest.mark.django_db
def test_the_report_clerk_who_imports_does_not_see_the_list(cast, client_for):
    url = reverse("qualifications:work_list", args=["changes"])
    assert client_for("shintatsu").get(url).status_code == 403
