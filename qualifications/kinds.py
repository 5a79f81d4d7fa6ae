"""The entry kinds of the qualification file, registered with the one verification mechanism.

| kind | 届書種類 | re-keyed blind |
|---|---|---|
| 資格取得届 | 01 | 資格取得年月日, 資格取得事由, 被保険者種別 |
| 資格喪失届 | 02 | 資格喪失年月日, 資格喪失事由 |
| 種別変更届 | 03 | 種別変更の年月日, 変更後の種別 |
| 基礎年金番号通知書再交付申請書 | 41 | 申請年月日 |
"""

from collections.abc import Callable
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError

from kokumin_nenkin.verification.registry import EntryKind, register

from . import rules, services
from .codes import Event
from .forms import AcquisitionForm, CategoryChangeForm, LossForm, ReissueForm
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


ACQUISITION = AcquisitionKind()
LOSS = LossKind()
CATEGORY_CHANGE = CategoryChangeKind()
REISSUE = ReissueKind()


def register_all() -> None:
    for kind in (ACQUISITION, LOSS, CATEGORY_CHANGE, REISSUE):
        register(kind)
