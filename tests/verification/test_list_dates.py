"""Lists and histories show 和暦 dates with times (令和8年11月30日 08:24), never 2026-11-30."""

import re

import pytest
from django.utils import timezone

from kokumin_nenkin.verification import services
from kokumin_nenkin.wareki import format_datetime
from tests.jps_reporting.flow import ACQ, approved_acquisition
from tests.qualifications.factories import acquisition_payload, make_person

pytestmark = pytest.mark.django_db


def test_entry_pages_show_wareki_date_and_time(cast, client_for):
    entry = approved_acquisition(cast["madoguchi"], cast["kakunin"])
    created = format_datetime(entry.created_at)
    assert created.startswith("令和")
    pending = services.entry_submit(
        kind=ACQ,
        person=make_person(),
        payload=acquisition_payload("2010-06-14"),
        actor=cast["madoguchi"],
    )
    pages = {
        f"/entries/{entry.pk}/": created,
        "/entries/mine/": format_datetime(pending.created_at),
    }
    clerk = client_for("madoguchi")
    for path, shown in pages.items():
        html = clerk.get(path).content.decode()
        assert shown in html, path
        assert not re.search(r"\b20\d\d-\d\d-\d\d \d\d:\d\d", html), path
    assert timezone.is_aware(entry.created_at)
