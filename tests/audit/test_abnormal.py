"""The abnormal-access report finds seeded holiday, late-night, failure, bulk-lookup and reveal
events — and not ordinary ones."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest

from audit.abnormal import Kind, closed_day_reason, report
from audit.models import Action

from .conftest import as_actor, make_person, record_at

JST = ZoneInfo("Asia/Tokyo")
pytestmark = pytest.mark.django_db


def at(day: str, hm: str) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{hm}:00").replace(tzinfo=JST)


# 2026-11-17 is a Tuesday; 11-21 a Saturday; 11-22 a Sunday; 11-23 勤労感謝の日 (a Monday).
CASES = [
    # (day, time, action, expected kinds)
    ("2026-11-17", "10:00", Action.VIEW, set()),
    ("2026-11-17", "08:30", Action.VIEW, set()),
    ("2026-11-17", "17:14", Action.SEARCH, set()),
    ("2026-11-17", "08:29", Action.VIEW, {Kind.OFF_HOURS}),
    ("2026-11-17", "17:15", Action.VIEW, {Kind.OFF_HOURS}),
    ("2026-11-17", "22:30", Action.PRINT, {Kind.OFF_HOURS}),
    ("2026-11-18", "03:05", Action.LOGIN, {Kind.OFF_HOURS}),
    ("2026-11-21", "11:00", Action.VIEW, {Kind.HOLIDAY}),
    ("2026-11-22", "09:00", Action.VIEW, {Kind.HOLIDAY}),
    ("2026-11-23", "10:00", Action.UPDATE, {Kind.HOLIDAY}),
    ("2026-11-19", "11:00", Action.REVEAL_MY_NUMBER, {Kind.REVEAL}),
    ("2026-11-19", "23:00", Action.REVEAL_MY_NUMBER, {Kind.REVEAL, Kind.OFF_HOURS}),
    # The event binding a field diff into the chain rides with the change it records, which has
    # its own event (and finding): it is not counted twice.
    ("2026-11-17", "22:30", Action.FIELD_CHANGES, set()),
]


@pytest.mark.parametrize("day,hm,action,kinds", CASES)
def test_one_staff_event(cast, day, hm, action, kinds):
    person = make_person()
    with as_actor(cast["kakunin"]):
        record_at(at(day, hm), action, person=person)
    found = report(dt.date(2026, 11, 16), dt.date(2026, 11, 30)).findings
    assert {f.kind for f in found} == kinds
    for finding in found:
        assert finding.actor == "kakunin"


def test_holiday_finding_names_the_holiday(cast):
    with as_actor(cast["madoguchi"]):
        record_at(at("2026-11-23", "10:00"), Action.VIEW, person=make_person())
    (finding,) = report(dt.date(2026, 11, 23), dt.date(2026, 11, 23)).findings
    assert "勤労感謝の日" in finding.description


@pytest.mark.parametrize(
    "day,reason",
    [
        (dt.date(2026, 1, 1), "祝日（元日）"),
        (dt.date(2026, 12, 29), "年末年始"),
        (dt.date(2027, 1, 3), "日曜日"),
        (dt.date(2026, 5, 6), "祝日（振替休日）"),
        (dt.date(2026, 11, 24), None),
    ],
)
def test_closed_days_come_from_the_holiday_library(day, reason):
    assert closed_day_reason(day) == reason


@pytest.mark.parametrize(
    "action", [Action.LOGIN_FAILURE, Action.SECOND_FACTOR_FAILURE, Action.LOCKOUT]
)
def test_login_failures_and_lockouts_in_office_hours_are_reported(cast, action):
    if action == Action.SECOND_FACTOR_FAILURE:
        with as_actor(cast["madoguchi"]):
            record_at(at("2026-11-17", "10:00"), action)
    else:
        record_at(at("2026-11-17", "10:00"), action, details={"ユーザーID": "madoguchi"})
    (finding,) = report(dt.date(2026, 11, 17), dt.date(2026, 11, 17)).findings
    assert finding.kind == Kind.LOGIN_FAILURE


def test_one_user_looking_up_more_than_n_distinct_persons_in_an_hour(cast, settings):
    settings.AUDIT_BULK_LOOKUP_PER_HOUR = 5
    persons = [make_person(f"9000000000001{i:02d}") for i in range(8)]
    start = at("2026-11-17", "10:00")
    with as_actor(cast["kakunin"]):  # 6 distinct persons within 50 minutes → reported
        for i, p in enumerate(persons[:6]):
            record_at(start + dt.timedelta(minutes=10 * i), Action.VIEW, person=p)
    with as_actor(cast["madoguchi"]):  # 8 persons over 3.5 hours → not reported
        for i, p in enumerate(persons):
            record_at(start + dt.timedelta(minutes=30 * i), Action.VIEW, person=p)
    with as_actor(cast["kakunin2"]):  # the same person 20 times → not reported
        for i in range(20):
            record_at(start + dt.timedelta(minutes=i), Action.VIEW, person=persons[0])
    found = report(dt.date(2026, 11, 17), dt.date(2026, 11, 17)).findings
    bulk = [f for f in found if f.kind == Kind.BULK_LOOKUP]
    assert [(f.actor, len(f.person_numbers)) for f in bulk] == [("kakunin", 6)]
    assert "6 人" in bulk[0].description
    assert {f.kind for f in found} == {Kind.BULK_LOOKUP}


def test_events_outside_the_period_are_not_reported(cast):
    with as_actor(cast["kakunin"]):
        record_at(at("2026-11-21", "11:00"), Action.VIEW)
    assert report(dt.date(2026, 11, 16), dt.date(2026, 11, 20)).findings == []
    assert len(report(dt.date(2026, 11, 21), dt.date(2026, 11, 21)).findings) == 1


class TestHomeSummary:
    """The 監査担当 home page counts the last 7 days in SQL — the same counts as the report."""

    @pytest.fixture
    def busy_week(self, cast):
        from django.utils import timezone

        today = timezone.localdate()
        persons = [make_person(f"90000000010{i:04d}") for i in range(36)]
        days = [today - dt.timedelta(days=n) for n in range(8)]  # the 8th is outside the window
        for day in days:
            with as_actor(cast["kakunin"]):
                for hm in ("03:00", "08:29", "10:00", "17:15", "22:45"):
                    record_at(at(day.isoformat(), hm), Action.VIEW, person=persons[0])
                record_at(at(day.isoformat(), "11:00"), Action.REVEAL_MY_NUMBER, person=persons[1])
                record_at(at(day.isoformat(), "23:00"), Action.FIELD_CHANGES)
            record_at(
                at(day.isoformat(), "09:00"), Action.LOGIN_FAILURE, details={"ユーザーID": "x"}
            )
        yesterday = days[1].isoformat()
        with as_actor(cast["kakunin2"]):
            # A burst: 35 persons in 35 minutes, across a clock hour.
            for i, p in enumerate(persons[:35]):
                record_at(at(yesterday, "10:40") + dt.timedelta(minutes=i), Action.VIEW, person=p)
            # Not a burst: 20 persons spread over the afternoon.
            for i, p in enumerate(persons[:20]):
                record_at(
                    at(yesterday, "13:00") + dt.timedelta(minutes=10 * i), Action.VIEW, person=p
                )
        # An account set up (created, first login) and used to approve within the day.
        target = cast["kansa"]  # any row: the SUBMIT and VERIFY name the same object
        with as_actor(cast["kanri"]):
            record_at(
                at(yesterday, "09:10"),
                Action.ACCOUNT_CHANGE,
                details={"変更内容": "created", "職員": "kakunin2"},
            )
        with as_actor(cast["kakunin2"]):
            record_at(
                at(yesterday, "09:20"),
                Action.ACCOUNT_CHANGE,
                details={"変更内容": "second_factor_enrolled", "職員": "kakunin2"},
            )
        with as_actor(cast["madoguchi"]):
            record_at(at(yesterday, "09:30"), Action.SUBMIT, target=target)
        with as_actor(cast["kakunin2"]):
            record_at(at(yesterday, "09:40"), Action.VERIFY, target=target)
        return days

    def test_counts_in_sql_equal_the_report(self, busy_week, settings):
        from audit.abnormal import summary, summary_counts

        settings.AUDIT_BULK_LOOKUP_PER_HOUR = 30
        expected = summary(7).counts()
        assert expected[Kind.BULK_LOOKUP] == 1 and expected[Kind.LOGIN_FAILURE] == 7
        assert min(expected.values()) > 0
        assert summary_counts(7) == expected

    def test_the_number_of_queries_does_not_grow_with_the_events(self, busy_week, cast):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from audit.abnormal import summary_counts

        with CaptureQueriesContext(connection) as quiet:
            summary_counts(7)
        with as_actor(cast["kakunin"]):
            for _ in range(50):
                record_at(at(busy_week[2].isoformat(), "21:00"), Action.VIEW, person=None)
        with CaptureQueriesContext(connection) as busier:
            summary_counts(7)
        # One aggregate, one grouped count per staff and hour, the one suspect's touches; the
        # account changes, the approvals, and the makers of those entries.
        assert len(busier) == len(quiet) == 6


def test_the_report_screen_groups_per_staff_member_and_day_with_a_drill_down(cast, client_for):
    """Issue 14, item 4: one row per staff member and day with the count per kind, the events
    behind it in a drill-down (a <details>: keyboard reachable, no script), not one row each."""
    with as_actor(cast["kakunin"]):
        for hm in ("22:00", "22:10", "23:30"):
            record_at(at("2026-11-17", hm), Action.VIEW, person=make_person())
        record_at(at("2026-11-21", "11:00"), Action.VIEW, person=make_person())
    with as_actor(cast["madoguchi"]):
        record_at(at("2026-11-17", "07:00"), Action.VIEW, person=make_person())
    html = (
        client_for("kansa")
        .get("/audit/abnormal/", {"date_from": "R8.11.16", "date_to": "R8.11.22"})
        .content.decode()
    )
    rows = re.findall(r'<tr id="group-([^"]+)">(.*?)</details>', html, re.S)
    assert [key for key, _ in rows] == [
        "kakunin-20261117",
        "madoguchi-20261117",
        "kakunin-20261121",
    ]
    first = rows[0][1]
    assert "令和8年11月17日" in first and "3 件" in first and "時間外 3件" in first
    assert "<summary>明細（3件）</summary>" in first
    assert first.count('class="kind-off_hours"') == 3  # the events, in the drill-down
    assert "休日 1件" in rows[2][1]
