"""The 職権・勧奨 work lists: membership table-driven from DOMAIN_RULES §1 (age reached the day
before the birthday, born on the 1st → the previous month, 29 February, loss the next day after
death), rows leave the list by an entry or a dismissal, pages audited per person listed."""

from datetime import date

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from kokumin_nenkin.verification.models import Entry
from qualifications.codes import Event, Held
from qualifications.models import QualificationRecord, ResidenceStatus, WorkList
from qualifications.worklists import office_of, work_list_rows
from tests.factories import make_person

from .factories import approve


def hold(person, operator, category="1"):
    QualificationRecord.objects.filter(person=person).update(is_latest=False)
    return QualificationRecord.objects.create(
        person=person,
        event=Event.ACQUISITION,
        held=Held.HELD,
        category=category,
        acquired_on=date(1990, 1, 1) if person.birth_date.year < 1970 else date(2024, 1, 1),
        acquisition_cause="01",
        operator=operator,
    )


def person(birth, **kw):
    return make_person(registered=False, birth_date=birth, **kw)


# DOMAIN_RULES §1 and test vector 1: the day before the birthday.
AGE_20 = [
    # birth, (year, month) of the list, listed, reached on
    (date(2005, 4, 2), (2025, 4), True, date(2025, 4, 1)),
    (date(2005, 5, 1), (2025, 4), True, date(2025, 4, 30)),  # born on the 1st → April
    (date(2005, 4, 1), (2025, 4), False, None),  # reached 2025-03-31
    (date(2005, 4, 1), (2025, 3), True, date(2025, 3, 31)),
    (date(2005, 5, 2), (2025, 4), False, None),  # reached 2025-05-01
    (date(2004, 2, 29), (2024, 2), True, date(2024, 2, 28)),  # 29 Feb → 28 Feb
    (date(2004, 2, 29), (2024, 3), False, None),
    (date(2004, 3, 1), (2024, 2), True, date(2024, 2, 29)),  # leap year: the 29th
]


@pytest.mark.django_db
@pytest.mark.parametrize("birth,period,listed,reached", AGE_20)
def test_age_20_membership(birth, period, listed, reached):
    p = person(birth)
    rows = work_list_rows(WorkList.AGE_20, year=period[0], month=period[1])
    assert [r.person.pk for r in rows] == ([p.pk] if listed else [])
    if listed:
        assert rows[0].event_on == reached
        assert rows[0].initial["acquired_on"] == reached.isoformat()
        assert (rows[0].initial["cause"], rows[0].initial["category"]) == ("01", "1")


@pytest.mark.django_db
@pytest.mark.parametrize("category", ["2", "3"])
def test_age_20_leaves_out_a_second_or_third_category_and_non_residents(cast, category):
    employed = person(date(2005, 4, 2))
    hold(employed, cast["madoguchi"], category)
    person(date(2005, 4, 3), residence_status=ResidenceStatus.MOVED_OUT)
    assert work_list_rows(WorkList.AGE_20, year=2025, month=4) == []


# DOMAIN_RULES §1: 第1号 = age 20–59, "not 第2号/第3号". A 第2号 / 第3号 held keeps a resident
# off the 20歳 list, one lost before 20 does not; a 第1号 held means the row's entry was
# approved. Birthdays on the 1st and on 29 February as above.
AGE_20_RECORDS = [
    # birth, list month, the latest history row (held, category) or None, listed
    (date(2005, 5, 1), (2025, 4), None, True),
    (date(2005, 5, 1), (2025, 4), ("1", "2"), False),  # 第2号 held
    (date(2005, 5, 1), (2025, 4), ("1", "3"), False),  # 第3号 held
    (date(2005, 5, 1), (2025, 4), ("0", "2"), True),  # 第2号 lost before 20
    (date(2004, 2, 29), (2024, 2), ("1", "2"), False),
    (date(2004, 2, 29), (2024, 2), ("0", "3"), True),  # 第3号 lost before 20
    (date(2004, 2, 29), (2024, 2), ("1", "1"), False),  # 第1号 already: entry approved
    (date(2004, 3, 1), (2024, 2), ("1", "3"), False),
    (date(2004, 3, 1), (2024, 2), ("0", "2"), True),
]


@pytest.mark.django_db
@pytest.mark.parametrize("birth,period,latest,listed", AGE_20_RECORDS)
def test_age_20_leaves_out_only_a_second_or_third_category_held(
    cast, birth, period, latest, listed
):
    p = person(birth)
    if latest is not None:
        held, category = latest
        QualificationRecord.objects.create(
            person=p,
            event=Event.ACQUISITION if held == Held.HELD else Event.LOSS,
            held=held,
            category=category,
            acquired_on=date(birth.year + 18, 4, 1),
            acquisition_cause="03",
            lost_on=None if held == Held.HELD else date(birth.year + 19, 4, 1),
            loss_cause="" if held == Held.HELD else "99",
            operator=cast["madoguchi"],
        )
    rows = work_list_rows(WorkList.AGE_20, year=period[0], month=period[1])
    assert [r.person.pk for r in rows] == ([p.pk] if listed else [])


AGE_60 = [
    (date(1965, 4, 2), "1", (2025, 4), True),
    (date(1965, 5, 1), "4", (2025, 4), True),  # 任意加入, born on the 1st
    (date(1965, 4, 2), "2", (2025, 4), False),  # 第2号: not the city's
    (date(1965, 4, 2), None, (2025, 4), False),  # no qualification
    (date(1964, 2, 29), "1", (2024, 2), True),
]


@pytest.mark.django_db
@pytest.mark.parametrize("birth,category,period,listed", AGE_60)
def test_age_60_membership(cast, birth, category, period, listed):
    p = person(birth)
    if category:
        hold(p, cast["madoguchi"], category)
    rows = work_list_rows(WorkList.AGE_60, year=period[0], month=period[1])
    assert [r.person.pk for r in rows] == ([p.pk] if listed else [])
    if listed:
        assert rows[0].initial["cause"] == "13"
        assert rows[0].initial["lost_on"] == rows[0].event_on.isoformat()


# DOMAIN_RULES test vector 2 and the last day of a month.
LEAVING = [
    (WorkList.DIED, "C1", ResidenceStatus.DECEASED, date(2025, 3, 31), "11", date(2025, 4, 1)),
    (WorkList.DIED, "C1", ResidenceStatus.DECEASED, date(2024, 2, 29), "11", date(2024, 3, 1)),
    (WorkList.DIED, "C1", ResidenceStatus.DECEASED, date(2025, 12, 31), "11", date(2026, 1, 1)),
    (
        WorkList.MOVED_ABROAD,
        "B2",
        ResidenceStatus.MOVED_OUT,
        date(2025, 4, 30),
        "12",
        date(2025, 5, 1),
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize("work_list,code,status,on,cause,lost", LEAVING)
def test_death_and_emigration_list_the_insured_with_the_legal_loss_date(
    cast, work_list, code, status, on, cause, lost
):
    p = person(
        date(1980, 6, 15), residence_status=status, residence_event=code, residence_event_on=on
    )
    hold(p, cast["madoguchi"], "1")
    employed = person(
        date(1980, 6, 16), residence_status=status, residence_event=code, residence_event_on=on
    )
    hold(employed, cast["madoguchi"], "2")
    person(date(1980, 6, 17), residence_status=status, residence_event=code, residence_event_on=on)
    moved_in_country = person(
        date(1980, 6, 18),
        residence_status=ResidenceStatus.MOVED_OUT,
        residence_event="B1",
        residence_event_on=on,
    )
    hold(moved_in_country, cast["madoguchi"], "1")
    rows = work_list_rows(work_list)
    assert [r.person.pk for r in rows] == [p.pk]
    assert rows[0].initial == {
        "notified_on": rows[0].initial["notified_on"],
        "cause": cause,
        "event_on": on.isoformat(),
        "lost_on": lost.isoformat(),
    }


MOVED_IN = [
    # birth, code, moved in on, listed, cause
    (date(2000, 1, 1), "A2", date(2025, 4, 10), True, "02"),
    (date(2000, 1, 1), "A1", date(2025, 4, 10), True, "99"),
    (date(2005, 4, 11), "A2", date(2025, 4, 9), False, None),  # 19 on the day
    (date(2005, 4, 11), "A2", date(2025, 4, 10), True, "02"),  # 20 from the day before
    (date(1965, 4, 11), "A2", date(2025, 4, 9), True, "02"),  # still 59
    (date(1965, 4, 11), "A2", date(2025, 4, 10), False, None),  # 60 from the day before
]


@pytest.mark.django_db
@pytest.mark.parametrize("birth,code,on,listed,cause", MOVED_IN)
def test_moved_in_membership(birth, code, on, listed, cause):
    p = person(birth, residence_event=code, residence_event_on=on)
    rows = work_list_rows(WorkList.MOVED_IN)
    assert [r.person.pk for r in rows] == ([p.pk] if listed else [])
    if listed:
        assert rows[0].initial["cause"] == cause


@pytest.mark.django_db
def test_a_moved_in_person_already_insured_is_not_listed(cast):
    p = person(date(2000, 1, 1), residence_event="A2", residence_event_on=date(2025, 4, 10))
    hold(p, cast["madoguchi"], "1")
    assert work_list_rows(WorkList.MOVED_IN) == []


@pytest.mark.parametrize(
    "address,office",
    [
        ("熊谷市大里地区一丁目", "oosato"),
        ("熊谷市妻沼一丁目", "menuma"),
        ("熊谷市江南一丁目", "konan"),
        ("熊谷市試験町一丁目", "honcho"),
    ],
)
def test_office_of_an_address(address, office):
    assert office_of(address) == office


# --- HTTP: list → pre-filled intake → entry; dismissal; audit -----------------------------
def list_url(code="age20", **query):
    from urllib.parse import urlencode

    return reverse("qualifications:work_list", args=[code]) + "?" + urlencode(query)


@pytest.mark.django_db
def test_a_row_opens_the_intake_pre_filled_and_the_entry_removes_it(client_for, cast):
    p = person(date(2005, 4, 2))
    client = client_for("madoguchi")
    page = client.get(list_url(month="2025-04", office="all"))
    body = page.content.decode()
    assert page.status_code == 200 and p.full_name in body
    events = AuditEvent.objects.filter(action="view", person_id=p.pk)
    assert events.count() == 1 and events.get().details["件数"] == 1
    row = work_list_rows(WorkList.AGE_20, year=2025, month=4)[0]
    form = client.get(reverse("verification:new", args=[row.kind, p.pk]), row.initial)
    html = form.content.decode()
    assert 'value="2025-04-01"' in html or "令和7年4月1日" in html
    posted = client.post(reverse("verification:new", args=[row.kind, p.pk]), row.initial)
    assert posted.status_code == 302, posted.content.decode()
    entry = Entry.objects.get(person=p)
    assert entry.payload["acquired_on"] == "2025-04-01" and entry.payload["cause"] == "01"
    assert p.full_name not in client.get(list_url(month="2025-04", office="all")).content.decode()
    approve(entry, cast["kakunin"])
    assert work_list_rows(WorkList.AGE_20, year=2025, month=4) == []


@pytest.mark.django_db
def test_a_dismissed_row_leaves_the_list_with_its_reason_audited(client_for):
    p = person(date(2005, 4, 2))
    client = client_for("kakunin")
    data = {"person": p.pk, "event_on": "2025-04-01", "month": "2025-04", "office": "all"}
    refused = client.post(list_url(), {**data, "reason": ""})
    assert refused.status_code == 400
    assert "対象外とする理由を入力してください。" in refused.content.decode()
    response = client.post(list_url(), {**data, "reason": "海外留学中（本人申出）"})
    assert response.status_code == 302
    assert work_list_rows(WorkList.AGE_20, year=2025, month=4) == []
    event = AuditEvent.objects.get(action="update", person_id=p.pk)
    assert event.details == {"種類": "一覧の対象外:age20", "理由": "海外留学中（本人申出）"}


@pytest.mark.django_db
def test_the_list_is_per_office_and_printable(client_for):
    home = person(date(2005, 4, 2), address="熊谷市試験町一丁目1番1号")
    branch = person(date(2005, 4, 3), address="熊谷市大里地区二丁目2番2号")
    oosato = client_for("oosato")
    body = oosato.get(list_url(month="2025-04")).content.decode()
    assert branch.full_name in body and home.full_name not in body
    pdf = oosato.get(reverse("qualifications:work_list_pdf", args=["age20"]) + "?month=2025-04")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    printed = AuditEvent.objects.filter(action="print")
    assert [e.person_id for e in printed] == [branch.pk]


@pytest.mark.django_db
def test_counts_show_on_the_home_page_and_the_index(client_for, monkeypatch):
    from django.utils import timezone

    today = timezone.localdate()
    birth = date(today.year - 20, today.month, 15)
    person(birth)
    client = client_for("madoguchi")
    home = client.get("/").content.decode()
    assert "職権・勧奨一覧" in home and "20歳到達者</a> 1件" in home
    index = client.get(reverse("qualifications:work_lists"))
    assert index.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["shintatsu", "kansa", "kanri"])
def test_others_do_not_see_work_lists(client_for, name):
    assert client_for(name).get(list_url()).status_code == 403
