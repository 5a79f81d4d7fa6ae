"""Issue 11, item 5: an approval names the version of the entry the checker was shown. An entry
changed since (returned and re-entered with another value in any field) is refused with a
message to look again; so is an approval that names no version."""

import re
from datetime import date

import pytest
from django.urls import reverse

from kokumin_nenkin.verification.models import Entry, Status
from tests.qualifications.factories import make_person
from tests.verification.test_http import intake

REKEY = {"rekey-acquired_on": "2025-04-01", "rekey-cause": "01", "rekey-category": "1"}


def version_on(page) -> str:
    return re.search(r'name="version" value="([a-p]+)"', page.content.decode()).group(1)


@pytest.mark.django_db
def test_an_entry_re_entered_after_the_checker_looked_is_not_approved(client_for):
    person = make_person(birth_date=date(2005, 4, 2))
    maker = client_for("madoguchi")
    assert intake(maker, person).status_code == 302
    entry = Entry.objects.get(person=person)
    checker = client_for("kakunin")
    seen = version_on(checker.get(reverse("verification:detail", args=[entry.pk])))

    # Meanwhile another checker returns it and the maker re-enters it, changing a field that is
    # not re-keyed (the notification date).
    other = client_for("kakunin2")
    other.post(reverse("verification:return", args=[entry.pk]), {"reason": "届出日を確認"})
    response = maker.post(
        reverse("verification:edit", args=[entry.pk]),
        {
            "notified_on": "R7.4.20",
            "category": "1",
            "cause": "01",
            "event_on": "",
            "acquired_on": "令和7年4月1日",
            "reason": "",
        },
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.status == Status.PENDING and entry.payload["notified_on"] == "2025-04-20"

    stale = checker.post(
        reverse("verification:approve", args=[entry.pk]), {**REKEY, "version": seen}
    )
    assert stale.status_code == 409
    assert "もう一度内容を確認してから承認してください" in stale.content.decode()
    entry.refresh_from_db()
    assert entry.status == Status.PENDING

    # No version at all: refused too.
    blind = checker.post(reverse("verification:approve", args=[entry.pk]), REKEY)
    assert blind.status_code == 409 and Entry.objects.get(pk=entry.pk).status == Status.PENDING

    # The page shown again carries the new version: now it is approved.
    fresh = version_on(stale)
    assert fresh != seen
    ok = checker.post(reverse("verification:approve", args=[entry.pk]), {**REKEY, "version": fresh})
    assert ok.status_code == 302
    assert Entry.objects.get(pk=entry.pk).status == Status.APPROVED


FIELDS = {
    "notified_on": "2025-04-21",
    "category": "3",
    "cause": "02",
    "event_on": "2025-03-31",
    "acquired_on": "2025-04-02",
    "reason": "窓口で訂正",
}


@pytest.mark.django_db
@pytest.mark.parametrize("field", FIELDS)
def test_a_change_to_any_field_after_the_checker_looked_refuses_the_approval(client_for, field):
    """Issue 11, item 5, for every field of the form (not only the re-keyed ones): the entry is
    amended in the database after the checker opened it; the approval naming what they saw is
    refused and nothing is applied."""
    person = make_person(birth_date=date(2005, 4, 2))
    assert intake(client_for("madoguchi"), person).status_code == 302
    entry = Entry.objects.get(person=person)
    checker = client_for("kakunin")
    seen = version_on(checker.get(reverse("verification:detail", args=[entry.pk])))
    assert entry.payload.get(field) != FIELDS[field]
    Entry.objects.filter(pk=entry.pk).update(payload={**entry.payload, field: FIELDS[field]})
    stale = checker.post(
        reverse("verification:approve", args=[entry.pk]), {**REKEY, "version": seen}
    )
    assert stale.status_code == 409
    assert "もう一度内容を確認してから承認してください" in stale.content.decode()
    assert Entry.objects.get(pk=entry.pk).status == Status.PENDING
