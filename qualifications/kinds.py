"""The entry kinds of the qualification file, registered with the one verification mechanism.

| kind | 届書種類 | re-keyed blind |
|---|---|---|
| 資格取得届 | 01 | 資格取得年月日, 資格取得事由, 被保険者種別 |
| 資格喪失届 | 02 | 資格喪失年月日, 資格喪失事由 |
| 種別変更届 | 03 | 種別変更の年月日, 変更後の種別 |
| 氏名変更届 | 04 | 変更年月日, 新しい氏, 新しい名 |
| 住所変更届 | 05 | 変更年月日, 新しい郵便番号 |
| 基礎年金番号通知書再交付申請書 | 41 | 申請年月日 |

氏名変更届 and 住所変更届 are taken for persons whose change JPS must know: a held 第1号,
任意加入 or 特例任意加入 qualification.
"""

import hashlib
from collections.abc import Callable
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError

from kokumin_nenkin.verification.registry import EntryKind, register

from . import rules, services
from .codes import REPORTED_CHANGE_CATEGORIES, Event, Held
from .forms import (
    AcquisitionForm,
    AddressChangeForm,
    CategoryChangeForm,
    LossForm,
    NameChangeForm,
    ReissueForm,
)
from .models import QualificationRecord
from .selectors import latest_record, qualification_state


class QualificationKind(EntryKind):
    event: str
    check: Callable[..., dict[str, str]]
    # form field → history-row field, for the side-by-side screen
    row_fields: dict[str, str]

    def current_version(self, person) -> str:
        latest = latest_record(person)
        return f"qualification:{latest.pk if latest else 0}"

    def validate(self, person, payload: dict[str, Any], *, supersedes=None) -> None:
        data = self.decode(payload)
        data = {k: (v or None) for k, v in data.items()}
        state = qualification_state(person, supersedes)
        errors = type(self).check(person, state, data)
        if errors:
            raise ValidationError(errors)

    def precheck(self, person) -> str:
        """The kind's own rules with nothing typed: what they refuse is about the person
        (資格がない, 既に資格がある, 任意加入は種別変更できない)."""
        errors = type(self).check(person, qualification_state(person, None), {})
        return " ".join(errors.values())

    def apply(self, entry, *, actor) -> QualificationRecord:
        return services.qualification_apply(entry=entry, event=self.event, actor=actor)

    def compare(self, person, payload):
        latest = latest_record(person)
        rows = []
        for name in self.form_class.base_fields:
            current = ""
            row_field = self.row_fields.get(name)
            if latest is not None and row_field:
                value = getattr(latest, row_field)
                if isinstance(value, date):
                    value = value.isoformat()
                current = self.display(name, value)
            rows.append((self.field_label(name), current, self.display(name, payload.get(name))))
        return rows


class AcquisitionKind(QualificationKind):
    code = "qualifications.acquisition"
    label = "資格取得届"
    form_code = "01"
    form_class = AcquisitionForm
    key_fields = ("acquired_on", "cause", "category")
    effective_field = "acquired_on"
    event = Event.ACQUISITION
    check = staticmethod(rules.check_acquisition)
    row_fields = {
        "notified_on": "acquisition_notified_on",
        "category": "category",
        "cause": "acquisition_cause",
        "acquired_on": "acquired_on",
        "reason": "acquisition_reason",
    }


class LossKind(QualificationKind):
    code = "qualifications.loss"
    label = "資格喪失届"
    form_code = "02"
    form_class = LossForm
    key_fields = ("lost_on", "cause")
    effective_field = "lost_on"
    event = Event.LOSS
    check = staticmethod(rules.check_loss)
    row_fields = {
        "notified_on": "loss_notified_on",
        "cause": "loss_cause",
        "lost_on": "lost_on",
        "reason": "loss_reason",
    }


class CategoryChangeKind(QualificationKind):
    code = "qualifications.category_change"
    label = "種別変更届"
    form_code = "03"
    form_class = CategoryChangeForm
    key_fields = ("changed_on", "category")
    effective_field = "changed_on"
    event = Event.CATEGORY_CHANGE
    check = staticmethod(rules.check_category_change)
    row_fields = {
        "notified_on": "category_change_notified_on",
        "category": "category",
        "cause": "category_change_cause",
        "changed_on": "category_changed_on",
    }


class ReissueKind(EntryKind):
    code = "qualifications.reissue"
    label = "基礎年金番号通知書再交付申請書"
    form_code = "41"
    form_class = ReissueForm
    key_fields = ("applied_on",)
    effective_field = "applied_on"

    def current_version(self, person) -> str:
        return f"reissue:{person.basic_pension_number}"

    def validate(self, person, payload, *, supersedes=None) -> None:
        applied = self.decode(payload).get("applied_on")
        if applied and applied < person.birth_date:
            raise ValidationError({"applied_on": "申請年月日が生年月日より前です。"})

    def apply(self, entry, *, actor):
        return services.reissue_apply(entry=entry, actor=actor)


class PersonChangeKind(EntryKind):
    """A change of the person's own data that JPS must know (氏名変更届, 住所変更届)."""

    # form field → Person field
    person_fields: dict[str, str]
    effective_field = "changed_on"

    def current_version(self, person) -> str:
        values = "\x1f".join(str(getattr(person, f)) for f in self.person_fields.values())
        return f"{self.code}:" + hashlib.sha256(values.encode()).hexdigest()[:16]

    def validate(self, person, payload, *, supersedes=None) -> None:
        errors = {}
        state = latest_record(person)
        if (
            state is None
            or state.held != Held.HELD
            or state.category not in REPORTED_CHANGE_CATEGORIES
        ):
            errors["__all__"] = (
                f"{self.label}は第1号・任意加入の資格がある方について届け出ます"
                "（現在この方には該当する資格がありません）。"
            )
        changed = self.values(payload).get("changed_on")
        if changed and changed < person.birth_date:
            errors["changed_on"] = "変更年月日が生年月日より前です。"
        if errors:
            raise ValidationError(errors)

    def precheck(self, person) -> str:
        """The kind's own validation with nothing typed: only the person-level rule remains."""
        try:
            self.validate(person, {})
        except ValidationError as exc:
            return " ".join(exc.messages)
        return ""

    def apply(self, entry, *, actor):
        return services.person_change_apply(
            entry=entry, fields=self.person_fields, form_code=self.form_code, actor=actor
        )

    def compare(self, person, payload):
        rows = []
        for name in self.form_class.base_fields:
            attr = self.person_fields.get(name)
            current = str(getattr(person, attr)) if attr else ""
            rows.append((self.field_label(name), current, self.display(name, payload.get(name))))
        return rows

    def report_fields(self, entry) -> dict[str, Any]:
        fields = super().report_fields(entry)
        state = latest_record(entry.person)
        if state is not None and state.category:
            fields["insured_category"] = state.category
        return fields


class NameChangeKind(PersonChangeKind):
    code = "qualifications.name_change"
    label = "氏名変更届"
    form_code = "04"
    form_class = NameChangeForm
    key_fields = ("changed_on", "family_name", "given_name")
    person_fields = {
        "family_name": "family_name",
        "given_name": "given_name",
        "family_name_kana": "family_name_kana",
        "given_name_kana": "given_name_kana",
    }


class AddressChangeKind(PersonChangeKind):
    code = "qualifications.address_change"
    label = "住所変更届"
    form_code = "05"
    form_class = AddressChangeForm
    key_fields = ("changed_on", "postal_code")
    person_fields = {"postal_code": "postal_code", "address": "address"}


ACQUISITION = AcquisitionKind()
LOSS = LossKind()
CATEGORY_CHANGE = CategoryChangeKind()
REISSUE = ReissueKind()
NAME_CHANGE = NameChangeKind()
ADDRESS_CHANGE = AddressChangeKind()


def register_all() -> None:
    for kind in (ACQUISITION, LOSS, CATEGORY_CHANGE, REISSUE, NAME_CHANGE, ADDRESS_CHANGE):
        register(kind)
