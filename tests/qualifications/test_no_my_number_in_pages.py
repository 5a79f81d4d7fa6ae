"""No page but the audited reveal ever shows a 個人番号 (SECURITY.md): every screen of the
person register and the verification queues is scanned for 12-digit runs. The 受付番号 (also
12 digits) is the one allowed run."""

from datetime import date

from django.urls import reverse

from kokumin_nenkin.identifiers import find_my_number_like
from kokumin_nenkin.verification import services
from kokumin_nenkin.verification.models import Entry
from qualifications.services import memo_create
from tests.qualifications.factories import acquisition_payload, make_person

NUMBER = "987654321093"


def test_no_screen_shows_a_my_number(client_for, cast, db):
    person = make_person(my_number_value=NUMBER, birth_date=date(1990, 6, 15))
    memo_create(person=person, registered_on=date(2025, 1, 1), remarks="メモ", actor=cast["oosato"])
    entry = services.entry_submit(
        kind="qualifications.acquisition",
        person=person,
        payload=acquisition_payload("2010-06-14"),
        actor=cast["madoguchi"],
    )
    allow = set(Entry.objects.values_list("receipt_number", flat=True))
    pages = {
        "madoguchi": [
            reverse("home"),
            reverse("qualifications:search") + "?q=シケン",
            reverse("qualifications:person", args=[person.pk]),
            reverse("qualifications:memo_new", args=[person.pk]),
            reverse("verification:mine"),
            reverse("verification:detail", args=[entry.pk]),
            reverse("verification:new", args=["qualifications.loss", person.pk]),
        ],
        "kakunin": [
            reverse("home"),
            reverse("verification:queue"),
            reverse("verification:detail", args=[entry.pk]),
            reverse("qualifications:person", args=[person.pk]),
        ],
    }
    for who, urls in pages.items():
        client = client_for(who)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            assert find_my_number_like(response.content.decode(), allow=allow) == [], url
