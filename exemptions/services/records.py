"""Writing a record's decision: the one transition function, the 最新フラグ step-down and
the creation event every record service uses.
"""

from __future__ import annotations

from django.db import transaction

from audit import diffs
from audit.models import Action
from audit.services import record
from kokumin_nenkin.decisions import TransitionRefused as TransitionRefused
from kokumin_nenkin.decisions import checked_move
from qualifications.models import Person

from ..models import (
    DecisionChange,
    DecisionRecord,
    DecisionStatus,
)


# --- the lifecycle ----------------------------------------------------------------------------
@transaction.atomic
def decision_transition[R: DecisionRecord](
    record_: R, to: DecisionStatus | str, *, actor, reason: str = "", changes: dict | None = None
) -> R:
    """Move a record to `to` if the decisions allow it (`kokumin_nenkin.decisions`); write a
    history row and an audit event. The row is locked first, so two clerks cannot both move it
    from the same state."""
    model = type(record_)
    locked = model.objects.select_for_update().get(pk=record_.pk)
    current, to = checked_move(locked.decision, to)
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
    diffs.logged_update(
        model.objects.select_for_update().filter(person=person, is_latest=True), is_latest=False
    )


def record_created(obj: DecisionRecord, actor, details: dict) -> None:
    record(Action.CREATE, person=obj.person, target=obj, details=details, actor=actor)
