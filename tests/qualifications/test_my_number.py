"""個人番号: encrypted at rest with a keyed hash for lookup, validated, masked on screen,
revealed only by a 確認担当 and audited (DOMAIN_RULES.md vector 8, SECURITY.md)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from audit.models import AuditEvent
from kokumin_nenkin.identifiers import contains_my_number_like, is_valid_municipality_code
from qualifications import my_number
from qualifications.services import person_find_by_my_number
from tests.qualifications.factories import make_person

VALID = "987654321093"  # DOMAIN_RULES.md test vector 8


def test_vector_8_identifiers():
    assert my_number.lookup_hash(VALID)
    with pytest.raises(ValidationError):
        my_number.lookup_hash("987654321090")
    assert is_valid_municipality_code("131016")


def test_encrypted_at_rest_and_found_by_hash(db):
    person = make_person(my_number_value="９８７６ ５４３２ １０９３")
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM qualifications_person WHERE id = %s", [person.pk])
        columns = [str(v) for v in cursor.fetchone()]
    assert not any(VALID in c or contains_my_number_like(c) for c in columns)
    assert my_number.decrypt(person.my_number_encrypted) == VALID
    assert person_find_by_my_number(VALID) == person
    assert person_find_by_my_number("123456789018") is None


def test_two_encryptions_differ_but_hash_is_stable(db):
    assert my_number.encrypt(VALID) != my_number.encrypt(VALID)
    assert my_number.lookup_hash(VALID) == my_number.lookup_hash(VALID)


def test_invalid_check_digit_is_refused(db):
    with pytest.raises(ValidationError) as exc:
        make_person(my_number_value="123456789011")
    assert "検査用数字" in str(exc.value)
    assert "123456789011" not in str(exc.value)


def test_masked_on_the_person_page(client_for, db):
    person = make_person(my_number_value=VALID)
    html = client_for("madoguchi").get(reverse("qualifications:person", args=[person.pk]))
    text = html.content.decode()
    assert "＊＊＊＊" in text
    assert not contains_my_number_like(text)
    assert "表示（記録されます）" not in text  # counter staff get no reveal button


def test_reveal_only_by_supervisor_and_audited(client_for, cast, db):
    person = make_person(my_number_value=VALID)
    url = reverse("qualifications:reveal_my_number", args=[person.pk])
    assert client_for("madoguchi").post(url).status_code == 403
    response = client_for("kakunin").post(url)
    assert response.status_code == 200
    assert VALID in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    event = AuditEvent.objects.get(action="reveal_my_number", person=person)
    assert event.actor == cast["kakunin"]
    assert not contains_my_number_like(str(event.details))


def test_basic_pension_number_is_normalised(db):
    person = make_person(basic_pension_number="１２３４５６７８９０")
    assert person.basic_pension_number == "1234-567890"
    with pytest.raises(ValidationError):
        make_person(basic_pension_number="12-34")


def test_furigana_is_stored_full_width(db):
    person = make_person(family_name_kana="ﾔﾏﾀﾞ", given_name_kana="たろう")
    assert (person.family_name_kana, person.given_name_kana) == ("ヤマダ", "タロウ")
    assert person.kana_key == "ヤマダタロウ"
