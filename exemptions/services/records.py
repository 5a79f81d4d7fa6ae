"""Writing a record's decision: the one transition function, the 最新フラグ step-down and
the creation event every record service uses.
"""

from __future__ import annotations

from django.db import transaction

from audit.models import Action
from audit.services import record
from qualifications.models import Person

from ..models import (
    DECISION_TRANSITIONS,
    DecisionChange,
    DecisionRecord,
    DecisionStatus,
)
from ..rules import (
    RuleRefused,
)


class TransitionRefused(RuleRefused):
    pass


# --- the lifecycle ----------------------------------------------------------------------------
@transaction.atomic
def decision_transition[R: DecisionRecord](
    record_: R, to: DecisionStatus | str, *, actor, reason: str = "", changes: dict | None = None
) -> R:
    """Move a record to `to` if `TRANSITIONS` allows it; write a history row and an audit event.

    The row is locked first, so two clerks cannot both move it from the same state."""
    model = type(record_)
    locked = model.objects.select_for_update().get(pk=record_.pk)
    to = DecisionStatus(to)
    current = DecisionStatus(locked.decision)
    if to not in DECISION_TRANSITIONS[current]:
        allowed = (
            "・".join(DecisionStatus(s).label for s in sorted(DECISION_TRANSITIONS[current]))
            or "なし"
        )
        raise TransitionRefused(
            f"「{current.label}」から「{to.label}」には変更できません"
            f"（変更できる状態: {allowed}）。"
        )
    for name, value in (changes or {}).items():
        setattr(locked, name, value)
    locked.decision = to
    locked.save()
    DecisionChange.objects.create(
        record_type=model._meta.label,
        record_id=locked.pk,
        person_id=locked.person_id,
        from_decision=current,
        to_decision=to,
        actor=actor,
        reason=reason[:200],
    )
    record(
        Action.UPDATE,
        person=locked.person,
        target=locked,
        details={"状態": f"{current.label}→{to.label}", "理由": reason[:200]},
        actor=actor,
    )
    return locked


def new_latest(model: type[DecisionRecord], person: Person) -> None:
    """The new row becomes the person's latest (最新フラグ): the previous one steps down."""
    model.objects.select_for_update().filter(person=person, is_latest=True).update(is_latest=False)


def record_created(obj: DecisionRecord, actor, details: dict) -> None:
    record(Action.CREATE, person=obj.person, target=obj, details=details, actor=actor)
