"""The date rules of DOMAIN_RULES.md §1, in one module. Every check returns errors keyed by
the form field they belong next to, in Japanese.

- Age is reached on the day before the birthday (年齢計算ニ関スル法律): born 2005-04-02 → 20 on
  2025-04-01; born 29 Feb → 28 Feb.
- Coverage starts on the day of the event (20歳到達, entry from abroad, leaving 第2号/第3号,
  the 任意加入 申出 — never retroactive) [LAW 8条].
- Coverage ends the next day after death or moving abroad; that day on 60歳到達 or on
  becoming 厚生年金 insured / entitled to its old-age benefit [LAW 9条].
"""

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from kokumin_nenkin.wareki import format_date

from .codes import (
    VOLUNTARY_CATEGORIES,
    AcquisitionCause,
    Held,
    InsuredCategory,
    LossCause,
)


def age_reached_on(birth: date, age: int) -> date:
    """The day a person reaches `age`: the day before the birthday."""
    try:
        birthday = birth.replace(year=birth.year + age)
    except ValueError:  # 29 Feb in a common year: the birthday is taken as 1 Mar
        birthday = date(birth.year + age, 3, 1)
    return birthday - timedelta(days=1)


def age_on(birth: date, on: date) -> int:
    """Age in whole years on a date, counted the same way (a year more from the day before the
    birthday)."""
    age = on.year - birth.year
    if on < age_reached_on(birth, age):
        age -= 1
    return age


def _same_day(event: date | None, birth: date) -> date | None:
    return event


def _next_day(event: date | None, birth: date) -> date | None:
    return event + timedelta(days=1) if event else None


# Cause → (rule text, date the qualification starts). None: no date rule (typed as on the form).
ACQUISITION_DATE_RULES: dict[str, tuple[str, Callable[[date | None, date], date | None]]] = {
    AcquisitionCause.AGE_20: ("20歳に達した日（誕生日の前日）", lambda e, b: age_reached_on(b, 20)),
    AcquisitionCause.ENTRY_FROM_ABROAD: ("事由発生日（転入日）の当日", _same_day),
    AcquisitionCause.LEFT_EMPLOYEE_PENSION: ("事由発生日（厚生年金等の喪失日）の当日", _same_day),
    AcquisitionCause.FROM_THIRD_CATEGORY: ("事由発生日の当日", _same_day),
    AcquisitionCause.NATIONALITY: ("事由発生日の当日", _same_day),
}

LOSS_DATE_RULES: dict[str, tuple[str, Callable[[date | None, date], date | None]]] = {
    LossCause.DEATH: ("死亡日の翌日", _next_day),
    LossCause.EMIGRATION: ("国外転出日の翌日", _next_day),
    LossCause.NATIONALITY_LOSS: ("事由発生日の翌日", _next_day),
    LossCause.AGE_60: ("60歳に達した日（誕生日の前日）", lambda e, b: age_reached_on(b, 60)),
    LossCause.JOINED_EMPLOYEE_PENSION: ("厚生年金等の資格取得日の当日", _same_day),
    LossCause.OLD_AGE_ENTITLEMENT: ("受給権を取得した日の当日", _same_day),
    # [GK] 任意加入の脱退: lost on the day after the 申出 (事由発生日 = 申出日).
    LossCause.VOLUNTARY_WITHDRAWAL: ("脱退の申出日の翌日", _next_day),
}

NEEDS_EVENT_DATE = frozenset(
    c
    for c, (_, fn) in {**ACQUISITION_DATE_RULES, **LOSS_DATE_RULES}.items()
    if fn in (_same_day, _next_day)
)


def _d(d: date | None) -> str:
    return format_date(d) if d else ""


def _expect(rules, cause, event_on, birth, field, typed, errors, label):
    rule = rules.get(cause)
    if rule is None:
        return
    text, fn = rule
    if cause in NEEDS_EVENT_DATE and event_on is None:
        errors.setdefault("event_on", "この事由では事由発生日を入力してください。")
        return
    expected = fn(event_on, birth)
    if expected is not None and typed is not None and typed != expected:
        errors.setdefault(field, f"{label}は{text}で、{_d(expected)}です（入力: {_d(typed)}）。")


def check_acquisition(person, state, data: dict[str, Any]) -> dict[str, str]:
    """資格取得: no overlap with a held period, cause-specific start, 任意加入 not retroactive."""
    errors: dict[str, str] = {}
    acquired = data.get("acquired_on")
    notified = data.get("notified_on")
    cause = data.get("cause")
    category = data.get("category")
    if acquired and acquired < person.birth_date:
        errors["acquired_on"] = "資格取得年月日が生年月日より前です。"
    if state is not None and state.held == Held.HELD:
        errors["acquired_on"] = (
            f"既に資格があります（{_d(state.acquired_on)} 取得、"
            f"{InsuredCategory(state.category).label}）。期間が重なるため取得できません。"
        )
    elif state is not None and state.lost_on and acquired and acquired < state.lost_on:
        errors["acquired_on"] = (
            f"前の資格期間（{_d(state.lost_on)} 喪失）と重なります。"
            "資格取得年月日を確認してください。"
        )
    if cause == AcquisitionCause.VOLUNTARY_APPLICATION:
        if category not in VOLUNTARY_CATEGORIES:
            errors["category"] = "任意加入申出の場合、種別は任意加入または特例任意加入です。"
        if acquired and notified and acquired != notified:
            errors.setdefault(
                "acquired_on",
                f"任意加入は申出の日に加入し、遡ることはできません（申出日 {_d(notified)}）。",
            )
    elif category in VOLUNTARY_CATEGORIES:
        errors["cause"] = "任意加入・特例任意加入の取得事由は「任意加入申出」です。"
    _expect(
        ACQUISITION_DATE_RULES,
        cause,
        data.get("event_on"),
        person.birth_date,
        "acquired_on",
        acquired,
        errors,
        "資格取得年月日",
    )
    return errors


def check_loss(person, state, data: dict[str, Any]) -> dict[str, str]:
    """資格喪失: only while held, never before the acquisition, cause-specific loss date."""
    errors: dict[str, str] = {}
    lost = data.get("lost_on")
    cause = data.get("cause")
    if state is None or state.held != Held.HELD:
        errors["lost_on"] = "資格がないため、喪失を受け付けられません。"
        return errors
    if lost and state.acquired_on and lost < state.acquired_on:
        errors["lost_on"] = (
            f"資格喪失年月日は資格取得年月日（{_d(state.acquired_on)}）より前にできません。"
        )
    elif lost and state.category_changed_on and lost < state.category_changed_on:
        errors["lost_on"] = (
            f"資格喪失年月日は種別変更日（{_d(state.category_changed_on)}）より前にできません。"
        )
    if cause == LossCause.VOLUNTARY_WITHDRAWAL and state.category not in VOLUNTARY_CATEGORIES:
        errors["cause"] = "任意加入ではないため「任意加入の脱退」は選べません。"
    _expect(
        LOSS_DATE_RULES,
        cause,
        data.get("event_on"),
        person.birth_date,
        "lost_on",
        lost,
        errors,
        "資格喪失年月日",
    )
    return errors


def check_category_change(person, state, data: dict[str, Any]) -> dict[str, str]:
    """種別変更: only while held, to another category, not before the acquisition or last change."""
    errors: dict[str, str] = {}
    changed = data.get("changed_on")
    category = data.get("category")
    if state is None or state.held != Held.HELD:
        errors["changed_on"] = "資格がないため、種別変更を受け付けられません。"
        return errors
    if category == state.category:
        errors["category"] = f"現在の種別（{InsuredCategory(state.category).label}）と同じです。"
    if category in VOLUNTARY_CATEGORIES or state.category in VOLUNTARY_CATEGORIES:
        errors["category"] = "任意加入は種別変更ではなく、資格取得・喪失で受け付けてください。"
    if changed and state.acquired_on and changed < state.acquired_on:
        errors["changed_on"] = (
            f"種別変更日は資格取得年月日（{_d(state.acquired_on)}）より前にできません。"
        )
    elif changed and state.category_changed_on and changed <= state.category_changed_on:
        errors["changed_on"] = (
            f"種別変更日は前回の種別変更日（{_d(state.category_changed_on)}）より後にしてください。"
        )
    return errors
