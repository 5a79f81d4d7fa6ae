"""Issue 11, item 7 (rest): every free-text field of every entry kind's intake form, and of the
account and audit screens, refuses a valid 個人番号 however it is written, with the message next
to the field. Table-driven: walks every registered kind and every text field in its form, so a
kind or field added later is covered without touching this test."""

from datetime import date

import pytest
from django import forms
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from audit.forms import EventSearchForm
from kokumin_nenkin.accounts.forms import StaffCreateForm
from kokumin_nenkin.accounts.staff_views import ReturnForm as StaffReturnForm
from kokumin_nenkin.identifiers import MY_NUMBER_IN_FREE_TEXT
from kokumin_nenkin.identifiers.forms import FreeTextGuard, free_text_fields, is_free_text
from kokumin_nenkin.verification.models import Entry
from kokumin_nenkin.verification.registry import EntryKind, all_kinds, register
from kokumin_nenkin.verification.views import ReturnForm
from qualifications.forms import MemoForm
from qualifications.register_forms import DismissForm
from tests.exemptions.conftest import qualify
from tests.qualifications.factories import make_person

# One valid 個人番号 (check digit right), written as people write it.
WRITTEN = [
    "987654321093",
    "９８７６５４３２１０９３",
    "9876 5432 1093",
    "9876-5432-1093",
    "9876.5432.1093",
    "9876・5432・1093",
    "９８７６・５４３２・１０９３",
    "9876　5432　1093",
]
#: fields that take an identifier on purpose (the only text fields not checked)
IDENTIFIER_FIELDS = {
    ("qualifications.new_person", "my_number"),  # the 個人番号 itself
    ("jps_reporting.results", "first_receipt_number"),  # a 受付番号 (12 digits)
}
OTHER_FORMS = {
    "メモ": MemoForm,
    "差戻し理由": ReturnForm,
    "差戻し理由（職員）": StaffReturnForm,
    "記録から外す理由": DismissForm,
    "職員の登録": StaffCreateForm,
    "監査ログの検索": EventSearchForm,
}


def kind_fields():
    rows = []
    for code, kind in sorted(all_kinds().items()):
        for name, field in kind.form_class.base_fields.items():
            if is_free_text(field):
                rows.append((code, name))
    return rows


KIND_FIELDS = kind_fields()


def test_the_walk_sees_every_app_and_a_free_text_field_in_each():
    apps = {code.split(".")[0] for code, _ in KIND_FIELDS}
    assert {"qualifications", "exemptions", "benefits", "jps_reporting", "accounts"} <= apps
    names = {name for _, name in KIND_FIELDS}
    assert {"reason", "end_reason", "join_reason", "school_name", "claimant_name"} <= names


@pytest.mark.django_db
@pytest.mark.parametrize("code,name", KIND_FIELDS, ids=[f"{c}.{n}" for c, n in KIND_FIELDS])
def test_every_text_field_of_every_kind_refuses_a_my_number(code, name):
    kind = all_kinds()[code]
    person = make_person(birth_date=date(1980, 4, 2))
    form = kind.make_form(person)
    if (code, name) in IDENTIFIER_FIELDS:
        assert name not in free_text_fields(form)
        return
    assert name in free_text_fields(form)
    field = form.fields[name]
    for written in WRITTEN:
        value = f"本人 {written} 申出"[: field.max_length or None]
        bound = kind.make_form(person, data={name: value})
        assert MY_NUMBER_IN_FREE_TEXT in bound.errors.get(name, []), (code, name, written)
    # an ordinary text with digits (a date, a phone number) is not refused for that reason
    bound = kind.make_form(person, data={name: "令和7.4.1 090-1234-5678"[: field.max_length]})
    assert MY_NUMBER_IN_FREE_TEXT not in bound.errors.get(name, [])


@pytest.mark.django_db
@pytest.mark.parametrize("label", OTHER_FORMS, ids=list(OTHER_FORMS))
def test_the_text_fields_of_memos_returns_accounts_and_audit_screens_refuse_it(label):
    form_class = OTHER_FORMS[label]
    names = [n for n, f in form_class.base_fields.items() if is_free_text(f)]
    assert names, label
    for name in names:
        for written in WRITTEN:
            form = form_class(data={name: f"{written}"})
            assert MY_NUMBER_IN_FREE_TEXT in form.errors.get(name, []), (label, name, written)


def test_a_kind_whose_form_forgets_the_guard_cannot_be_registered():
    class Bare(forms.Form):
        note = forms.CharField()

    class Careless(EntryKind):
        code = "tests.careless"
        form_code = "99"
        form_class = Bare

    with pytest.raises(ImproperlyConfigured):
        register(Careless())
    assert "tests.careless" not in all_kinds()


def test_the_rekey_form_is_guarded_too():
    kind = all_kinds()["qualifications.acquisition"]
    form = kind.rekey_form()
    assert isinstance(form, FreeTextGuard)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "code,field,extra",
    [
        ("qualifications.acquisition", "reason", {}),
        # a 第1号 person: the 付加 application is open to them before anything is typed
        ("exemptions.additional", "join_reason", {"insured": True}),
    ],
)
def test_over_http_the_message_is_next_to_the_field_and_nothing_is_stored(
    client_for, cast, code, field, extra
):
    person = make_person(birth_date=date(1980, 4, 2))
    if extra.pop("insured", False):
        qualify(person, cast["madoguchi"])
    response = client_for("madoguchi").post(
        reverse("verification:new", args=[code, person.pk]),
        {field: "電話で聞いた番号 ９８７６・５４３２・１０９３", **extra},
    )
    assert response.status_code in (200, 400)
    body = response.content.decode()
    # The field's own block holds the message (partials/field.html).
    block = body.split(f'<label for="id_{field}"', 1)[1].split('<div class="field', 1)[0]
    assert MY_NUMBER_IN_FREE_TEXT in block
    assert not Entry.objects.filter(person=person).exists()
    # The text comes back for correcting, the number in it masked: the page never carries it.
    assert "電話で聞いた番号 ＊＊＊＊＊＊＊＊＊＊＊＊" in block
    assert "9876" not in body and "９８７６" not in body
