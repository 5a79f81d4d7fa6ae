"""被保険者の新規登録 (counter registration of a person not yet in the file), an entry kind of
the one verification mechanism. The entry has no person until its approval creates one.

- The 個人番号 is stored in the payload only as its keyed hash and encrypted (never as typed);
  the checker re-keys 生年月日 and the 個人番号 blind, compared through the hash.
- A duplicate is refused (same 宛名番号, same 個人番号) or warned (same フリガナ + 生年月日 +
  住所, or an open registration with the same 個人番号), with links to the candidates, before
  the entry is saved (`duplicates`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError

from kokumin_nenkin.verification.models import OPEN_STATUSES, Entry
from kokumin_nenkin.verification.registry import EntryKind, register

from . import my_number
from .models import Person
from .normalise import kana_key, name_key
from .register_forms import NewPersonForm

KIND_CODE = "qualifications.new_person"


@dataclass(frozen=True)
class Duplicates:
    same_number: list[Person]  # refused
    similar: list[Person]  # warned: same フリガナ, 生年月日 and 住所
    open_entries: list[Entry]  # warned: a registration of the same number waits

    @property
    def warned(self) -> bool:
        return bool(self.similar or self.open_entries)


def duplicates(payload: dict[str, Any]) -> Duplicates:
    digest = payload.get("my_number") or ""
    same = list(Person.objects.filter(my_number_hash=digest)) if digest else []
    similar = list(
        Person.objects.filter(
            kana_key=kana_key(payload["family_name_kana"] + payload["given_name_kana"]),
            birth_date=payload["birth_date"],
        )
    )
    address = name_key(payload["address"])
    similar = [p for p in similar if name_key(p.address) == address and p not in same]
    waiting = (
        list(
            Entry.objects.filter(kind=KIND_CODE, status__in=OPEN_STATUSES).filter(
                payload__my_number=digest
            )
        )
        if digest
        else []
    )
    return Duplicates(same, similar, waiting)


class NewPersonKind(EntryKind):
    code = KIND_CODE
    label = "被保険者の新規登録"
    form_code = "00"  # not a 届書 to JPS: the register's own intake (never reported)
    form_class = NewPersonForm
    key_fields = ("birth_date", "my_number")
    reported = False

    def encode(self, cleaned: dict[str, Any]) -> dict[str, Any]:
        number = cleaned.get("my_number") or ""
        out = super().encode({**cleaned, "my_number": None})
        try:
            out["my_number"] = my_number.lookup_hash(number) if number else ""
            out["my_number_encrypted"] = my_number.encrypt(number) if number else ""
        except ValidationError:  # a mistyped re-key: never equal to a stored hash
            out["my_number"], out["my_number_encrypted"] = "invalid", ""
        return out

    def decode(self, payload: dict[str, Any]) -> dict[str, Any]:
        return {**super().decode(payload), "my_number": "", "not_duplicate": False}

    def rekey_form(self, data=None):
        form = super().rekey_form(data)
        form.fields["my_number"].required = False  # a person without a known number
        form.fields["my_number"].help_text = "届書に記載がなければ空欄"
        return form

    def display(self, name: str, value: Any) -> str:
        if name == "my_number":
            return "登録あり" if value else "なし"
        if name == "not_duplicate":
            return "確認済み" if value == "True" else ""
        return super().display(name, value)

    def current_version(self, person) -> str:
        return "new"

    def validate(self, person, payload, *, supersedes=None) -> None:
        errors: dict[str, str] = {}
        if Person.objects.filter(addressee_number=payload["addressee_number"]).exists():
            errors["addressee_number"] = "この宛名番号の方は既に登録されています。"
        found = duplicates(payload)
        if found.same_number:
            errors["my_number"] = (
                f"この個人番号の方は既に登録されています（宛名番号 "
                f"{found.same_number[0].addressee_number}）。"
            )
        born = date.fromisoformat(payload["birth_date"])
        if born > date.today():
            errors["birth_date"] = "生年月日が未来の日付です。"
        if errors:
            raise ValidationError(errors)

    def apply(self, entry, *, actor) -> Person:
        p = entry.payload
        person = Person(
            addressee_number=p["addressee_number"],
            family_name=p["family_name"],
            given_name=p["given_name"],
            family_name_kana=p["family_name_kana"],
            given_name_kana=p["given_name_kana"],
            sex=p["sex"],
            birth_date=date.fromisoformat(p["birth_date"]),
            postal_code=p["postal_code"],
            address=p["address"],
            residence_event="",
        )
        if p.get("my_number"):
            person.my_number_hash = p["my_number"]
            person.my_number_encrypted = p["my_number_encrypted"]
        person.save()
        entry.person = person  # saved with the entry's transition
        from audit.models import Action
        from audit.services import record

        record(
            Action.CREATE,
            person=person,
            target=person,
            details={"個人番号の有無": bool(p.get("my_number"))},
            actor=actor,
        )
        return person

    def compare(self, person, payload):
        return [
            (self.field_label(n), "", self.display(n, payload.get(n)))
            for n in self.form_class.base_fields
        ]


NEW_PERSON = NewPersonKind()


def register_kind() -> None:
    register(NEW_PERSON)
