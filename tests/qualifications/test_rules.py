"""DOMAIN_RULES.md §1 date rules and test vectors 1 and 2, checked through the rule module and
through the whole intake → approval path."""

from datetime import date
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError

from kokumin_nenkin.verification import services
from qualifications.codes import Held
from qualifications.rules import (
    age_on,
    age_reached_on,
    check_acquisition,
    check_category_change,
    check_loss,
)
from tests.qualifications.factories import acquisition_payload, approve, make_person


@pytest.mark.parametrize(
    "birth,age,reached",
    [
        (date(2005, 4, 2), 20, date(2025, 4, 1)),  # vector 1
        (date(2005, 4, 1), 20, date(2025, 3, 31)),  # born on the 1st: previous month
        (date(2004, 2, 29), 20, date(2024, 2, 28)),  # leap-day birth in a leap year
        (date(2004, 2, 29), 21, date(2025, 2, 28)),  # and in a common year
        (date(1965, 1, 1), 60, date(2024, 12, 31)),
    ],
)
def test_age_is_reached_on_the_day_before_the_birthday(birth, age, reached):
    assert age_reached_on(birth, age) == reached


@pytest.mark.parametrize(
    "birth,on,age",
    [
        (date(2005, 4, 2), date(2025, 3, 31), 19),
        (date(2005, 4, 2), date(2025, 4, 1), 20),  # vector 1: 20 the day before the birthday
        (date(2004, 2, 29), date(2025, 2, 27), 20),
        (date(2004, 2, 29), date(2025, 2, 28), 21),  # leap-day birth, common year
        (date(1990, 6, 15), date(1990, 6, 15), 0),
    ],
)
def test_age_on_a_date_counts_from_the_day_before_the_birthday(birth, on, age):
    assert age_on(birth, on) == age


def _person(birth=date(2005, 4, 2)):
    return SimpleNamespace(birth_date=birth)


def _held(acquired=date(2025, 4, 1), category="1", changed=None):
    return SimpleNamespace(
        held=Held.HELD,
        acquired_on=acquired,
        category=category,
        category_changed_on=changed,
        lost_on=None,
    )


def test_vector_1_twenty_years_acquisition_on_2025_04_01():
    ok = {
        "cause": "01",
        "category": "1",
        "acquired_on": date(2025, 4, 1),
        "notified_on": date(2025, 4, 10),
    }
    assert check_acquisition(_person(), None, ok) == {}
    wrong = {**ok, "acquired_on": date(2025, 4, 2)}
    errors = check_acquisition(_person(), None, wrong)
    assert "令和7年4月1日" in errors["acquired_on"]
    assert "誕生日の前日" in errors["acquired_on"]


def test_vector_2_death_on_2025_03_31_loses_on_2025_04_01():
    data = {"cause": "11", "event_on": date(2025, 3, 31), "lost_on": date(2025, 4, 1)}
    assert check_loss(_person(date(1970, 1, 1)), _held(date(1990, 1, 1)), data) == {}
    errors = check_loss(
        _person(date(1970, 1, 1)), _held(date(1990, 1, 1)), {**data, "lost_on": date(2025, 3, 31)}
    )
    assert "死亡日の翌日" in errors["lost_on"] and "令和7年4月1日" in errors["lost_on"]


def test_emigration_loses_the_next_day_and_needs_the_event_date():
    state = _held(date(2010, 1, 1))
    data = {"cause": "12", "event_on": None, "lost_on": date(2025, 5, 2)}
    assert "event_on" in check_loss(_person(date(1980, 1, 1)), state, data)
    data["event_on"] = date(2025, 5, 1)
    assert check_loss(_person(date(1980, 1, 1)), state, data) == {}


def test_sixty_is_reached_that_day():
    birth = date(1965, 8, 20)
    state = _held(date(1985, 8, 19))
    data = {"cause": "13", "lost_on": date(2025, 8, 19)}
    assert check_loss(_person(birth), state, data) == {}
    assert "lost_on" in check_loss(_person(birth), state, {**data, "lost_on": date(2025, 8, 20)})


def test_loss_never_before_acquisition():
    errors = check_loss(
        _person(), _held(date(2025, 4, 1)), {"cause": "99", "lost_on": date(2025, 3, 1)}
    )
    assert "資格取得年月日" in errors["lost_on"]


def test_loss_without_a_held_qualification_is_refused():
    assert "lost_on" in check_loss(_person(), None, {"cause": "99", "lost_on": date(2025, 3, 1)})


def test_no_overlapping_periods():
    data = {
        "cause": "02",
        "category": "1",
        "event_on": date(2026, 1, 5),
        "acquired_on": date(2026, 1, 5),
        "notified_on": date(2026, 1, 6),
    }
    assert "重なる" in check_acquisition(_person(), _held(), data)["acquired_on"]
    lost = SimpleNamespace(
        held=Held.NOT_HELD,
        lost_on=date(2026, 2, 1),
        acquired_on=None,
        category="1",
        category_changed_on=None,
    )
    assert "重なります" in check_acquisition(_person(), lost, data)["acquired_on"]
    later = {**data, "event_on": date(2026, 2, 1), "acquired_on": date(2026, 2, 1)}
    assert check_acquisition(_person(), lost, later) == {}


@pytest.mark.parametrize(
    "acquired,notified,ok",
    [
        (date(2025, 6, 1), date(2025, 6, 1), True),
        (date(2025, 5, 1), date(2025, 6, 1), False),  # retroactive
    ],
)
def test_voluntary_membership_is_never_retroactive(acquired, notified, ok):
    data = {"cause": "05", "category": "4", "acquired_on": acquired, "notified_on": notified}
    errors = check_acquisition(_person(date(1963, 1, 1)), None, data)
    assert (errors == {}) is ok
    if not ok:
        assert "遡る" in errors["acquired_on"]


def test_voluntary_category_needs_the_voluntary_cause():
    data = {
        "cause": "02",
        "category": "4",
        "event_on": date(2025, 6, 1),
        "acquired_on": date(2025, 6, 1),
        "notified_on": date(2025, 6, 1),
    }
    assert "cause" in check_acquisition(_person(date(1963, 1, 1)), None, data)


def test_category_change_rules():
    state = _held(date(2025, 4, 1), "1")
    assert (
        check_category_change(_person(), state, {"category": "2", "changed_on": date(2025, 10, 1)})
        == {}
    )
    assert "category" in check_category_change(
        _person(), state, {"category": "1", "changed_on": date(2025, 10, 1)}
    )
    assert "changed_on" in check_category_change(
        _person(), state, {"category": "2", "changed_on": date(2025, 3, 1)}
    )


def test_rule_errors_block_intake_and_name_the_field(cast, db):
    person = make_person(birth_date=date(2005, 4, 2))
    with pytest.raises(ValidationError) as exc:
        services.entry_submit(
            kind="qualifications.acquisition",
            person=person,
            payload=acquisition_payload("2025-04-02"),
            actor=cast["madoguchi"],
        )
    assert "acquired_on" in exc.value.error_dict


def test_full_history_acquisition_change_loss(cast, db):
    person = make_person(birth_date=date(2005, 4, 2))
    e = services.entry_submit(
        kind="qualifications.acquisition",
        person=person,
        payload=acquisition_payload("2025-04-01"),
        actor=cast["madoguchi"],
    )
    approve(e, cast["kakunin"])
    e = services.entry_submit(
        kind="qualifications.category_change",
        person=person,
        payload={
            "notified_on": "2025-10-05",
            "category": "2",
            "cause": "21",
            "changed_on": "2025-10-01",
        },
        actor=cast["madoguchi"],
    )
    approve(e, cast["kakunin"])
    e = services.entry_submit(
        kind="qualifications.loss",
        person=person,
        payload={
            "notified_on": "2026-01-05",
            "cause": "11",
            "event_on": "2025-12-31",
            "lost_on": "2026-01-01",
            "reason": "",
        },
        actor=cast["madoguchi"],
    )
    approve(e, cast["kakunin"])
    rows = list(person.qualifications.order_by("id"))
    assert [r.event for r in rows] == ["acquisition", "category_change", "loss"]
    assert [r.is_latest for r in rows] == [False, False, True]
    last = rows[-1]
    assert (last.held, last.category, last.acquired_on, last.lost_on) == (
        "0",
        "2",
        date(2025, 4, 1),
        date(2026, 1, 1),
    )
    assert last.category_changed_on == date(2025, 10, 1)


@pytest.mark.parametrize(
    "typed,iso,shown",
    [  # DOMAIN_RULES.md test vector 7, through the intake form and the verification screen
        ("2019-04-30", "2019-04-30", "平成31年4月30日"),
        ("R1.5.1", "2019-05-01", "令和元年5月1日"),
        ("平成元年1月8日", "1989-01-08", "平成元年1月8日"),
    ],
)
def test_vector_7_wareki_through_the_intake_form(typed, iso, shown):
    from qualifications.kinds import REISSUE

    form = REISSUE.make_form(None, data={"applied_on": typed, "reason": "紛失"})
    assert form.is_valid(), form.errors
    payload = REISSUE.encode(form.cleaned_data)
    assert payload["applied_on"] == iso
    assert REISSUE.display("applied_on", payload["applied_on"]) == shown
