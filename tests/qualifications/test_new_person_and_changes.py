"""Counter registration of a new person (blind re-key of 生年月日 and 個人番号, duplicates
refused or warned before saving) and the 氏名変更届 (04) / 住所変更届 (05) kinds."""

from datetime import date

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from kokumin_nenkin.identifiers import my_number_check_digit
from kokumin_nenkin.verification.models import Entry
from kokumin_nenkin.verification.services import RekeyMismatch, entry_approve, entry_submit
from qualifications import my_number
from qualifications.codes import Event, Held
from qualifications.models import Person, QualificationRecord
from tests.factories import make_person

URL = "/persons/new/"
NUMBER = "12345678901" + str(my_number_check_digit("12345678901"))


def form(**over):
    data = {
        "addressee_number": "3000000001",
        "family_name": "窓口",
        "given_name": "新子",
        "family_name_kana": "マドグチ",
        "given_name_kana": "シンコ",
        "sex": "2",
        "birth_date": "H12.5.1",
        "postal_code": "360-0003",
        "address": "熊谷市試験町四丁目4番4号",
        "my_number": NUMBER,
    }
    data.update(over)
    return data


@pytest.mark.django_db
def test_a_new_person_is_registered_only_after_a_blind_re_key(client_for, cast):
    response = client_for("madoguchi").post(URL, form())
    assert response.status_code == 302, response.content.decode()
    entry = Entry.objects.get(kind="qualifications.new_person")
    assert entry.person is None and NUMBER not in str(entry.payload)
    assert entry.payload["my_number"] == my_number.lookup_hash(NUMBER)
    assert not Person.objects.exists()
    page = client_for("kakunin").get(reverse("verification:detail", args=[entry.pk]))
    assert NUMBER not in page.content.decode()
    with pytest.raises(RekeyMismatch):
        entry_approve(
            entry_id=entry.pk,
            rekeyed={"birth_date": date(2000, 5, 1), "my_number": "123456789018"[:11] + "0"},
            actor=cast["kakunin"],
        )
    with pytest.raises(RekeyMismatch):
        entry_approve(
            entry_id=entry.pk,
            rekeyed={"birth_date": date(2000, 5, 2), "my_number": NUMBER},
            actor=cast["kakunin"],
        )
    entry_approve(
        entry_id=entry.pk,
        rekeyed={"birth_date": date(2000, 5, 1), "my_number": NUMBER},
        actor=cast["kakunin"],
    )
    person = Person.objects.get(addressee_number="3000000001")
    entry.refresh_from_db()
    assert entry.person == person and entry.status == "approved"
    assert my_number.decrypt(person.my_number_encrypted) == NUMBER
    assert AuditEvent.objects.filter(action="create", person_id=person.pk).exists()


@pytest.mark.django_db
def test_the_same_number_is_refused_and_a_similar_person_warned_with_links(client_for):
    same = make_person(addressee_number="1000000001", my_number_value=NUMBER, household=None)
    client = client_for("madoguchi")
    response = client.post(URL, form())
    body = response.content.decode()
    assert response.status_code == 400
    assert "この個人番号の方は既に登録されています" in body
    assert reverse("qualifications:person", args=[same.pk]) in body
    similar = make_person(
        addressee_number="1000000002",
        family_name_kana="マドグチ",
        given_name_kana="シンコ",
        birth_date=date(2000, 5, 1),
        address="熊谷市試験町四丁目4番4号",
        household=None,
    )
    response = client.post(URL, form(my_number=""))
    body = response.content.decode()
    assert response.status_code == 400 and "重複の可能性がある方" in body
    assert reverse("qualifications:person", args=[similar.pk]) in body
    assert AuditEvent.objects.filter(action="view", person_id=similar.pk).exists()
    assert not Entry.objects.exists()
    confirmed = client.post(URL, form(my_number="", not_duplicate="on"))
    assert confirmed.status_code == 302
    assert Entry.objects.filter(kind="qualifications.new_person").count() == 1


def insured(cast, category="1", **kw):
    p = make_person(household=None, **kw)
    QualificationRecord.objects.create(
        person=p,
        event=Event.ACQUISITION,
        held=Held.HELD,
        category=category,
        acquired_on=date(2015, 6, 14),
        acquisition_cause="01",
        operator=cast["madoguchi"],
    )
    return p


@pytest.mark.django_db
def test_a_name_change_is_verified_applied_with_a_diff_and_reported_as_04(cast):
    from auditlog.models import LogEntry

    p = insured(cast)
    payload = {
        "notified_on": "2025-04-02",
        "changed_on": "2025-04-01",
        "family_name": "新姓",
        "given_name": p.given_name,
        "family_name_kana": "シンセイ",
        "given_name_kana": "タロウ",
    }
    entry = entry_submit(
        kind="qualifications.name_change", person=p, payload=payload, actor=cast["madoguchi"]
    )
    assert entry.form_code == "04"
    entry_approve(
        entry_id=entry.pk,
        rekeyed={
            "changed_on": date(2025, 4, 1),
            "family_name": "新姓",
            "given_name": p.given_name,
        },
        actor=cast["kakunin"],
    )
    p.refresh_from_db()
    assert (p.family_name, p.family_name_kana) == ("新姓", "シンセイ")
    assert LogEntry.objects.filter(object_pk=str(p.pk), action=LogEntry.Action.UPDATE).exists()
    from kokumin_nenkin.verification.registry import get_kind

    fields = get_kind(entry.kind).report_fields(entry)
    assert fields["effective_date"] == date(2025, 4, 1) and fields["insured_category"] == "1"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "category,accepted", [("1", True), ("4", True), ("2", False), (None, False)]
)
def test_an_address_change_is_for_the_first_category_and_voluntary_only(cast, category, accepted):
    from django.core.exceptions import ValidationError

    p = insured(cast, category) if category else make_person(household=None)
    payload = {
        "notified_on": "2025-04-02",
        "changed_on": "2025-04-01",
        "postal_code": "3600009",
        "address": "熊谷市新住所九丁目",
    }
    if accepted:
        entry = entry_submit(
            kind="qualifications.address_change", person=p, payload=payload, actor=cast["madoguchi"]
        )
        assert entry.form_code == "05"
    else:
        with pytest.raises(ValidationError, match="第1号・任意加入"):
            entry_submit(
                kind="qualifications.address_change",
                person=p,
                payload=payload,
                actor=cast["madoguchi"],
            )
