"""Free text never holds a 個人番号: the one form mixin every intake form uses.

    class MemoForm(FreeTextGuard, forms.Form):
        identifier_fields = ("my_number",)  # a field that takes a 個人番号 on purpose

Every text field of the form (a `CharField` or any of its subclasses, whatever the widget:
memos, 連絡欄, reasons, 備考, names) refuses a valid 個人番号 however it is written — full-width
digits, spaces, hyphens, dots or 「・」 between the groups — with `MY_NUMBER_IN_FREE_TEXT` next
to the field; the refused text is shown back with the number masked (＊), never echoed. The
verification registry refuses an entry kind whose form does not use it, so a new kind cannot
forget it. Fields named in `identifier_fields` (the 個人番号 field itself, a
受付番号, the search box that looks up by 個人番号) are left alone; a password field too.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms

from . import MY_NUMBER_LIKE, is_valid_my_number, no_my_number_in_text

MASK = "＊" * 12


def mask_valid_my_numbers(text: str) -> str:
    """The text with every valid 個人番号 in it replaced by ＊ (what the form shows back)."""
    return MY_NUMBER_LIKE.sub(
        lambda m: MASK if is_valid_my_number(m.group()) else m.group(), text or ""
    )


def is_free_text(field: forms.Field) -> bool:
    """A field a person types words into: any CharField but a password."""
    return isinstance(field, forms.CharField) and not isinstance(field.widget, forms.PasswordInput)


class FreeTextGuard:
    """Form mixin: every free-text field refuses a valid 個人番号 (see the module docstring)."""

    #: fields that take an identifier on purpose and are not checked
    identifier_fields: tuple[str, ...] = ()

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name in self.identifier_fields or not is_free_text(field):
                continue
            if no_my_number_in_text not in field.validators:
                field.validators.append(no_my_number_in_text)

    def full_clean(self) -> None:
        """Validate; a field refused for a 個人番号 is shown back with the number masked, so
        the page answering the refusal does not carry the number either."""
        super().full_clean()  # type: ignore[misc]
        errors = getattr(self, "_errors", None) or {}
        refused = [
            name
            for name, field_errors in errors.items()
            if name in self.fields
            and any(getattr(e, "code", "") == "my_number_in_text" for e in field_errors.data)
        ]
        if refused:
            form = cast(forms.BaseForm, self)
            data = form.data.copy()  # type: ignore[attr-defined]  # a QueryDict or a dict
            for name in refused:
                key = form.add_prefix(name)
                data[key] = mask_valid_my_numbers(str(data.get(key, "")))
            form.data = data


def free_text_fields(form: forms.BaseForm) -> list[str]:
    """The fields of `form` the guard checks (for the tests that walk every form)."""
    return [
        name
        for name, field in form.fields.items()
        if is_free_text(field) and no_my_number_in_text in field.validators
    ]
