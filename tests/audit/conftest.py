"""Helpers for the audit tests: a few events in a chain, a synthetic person, tampering."""

import pytest
from django.db import connection

from audit.models import Action, AuditEvent
from audit.services import record
from audit.triggers import maintenance
from qualifications.models import Person
from tests import factories


def make_person(number: str | None = None, *, diffed: bool = False, **extra) -> Person:
    """A synthetic person (tests.factories) as a plain row with no audit event of its own, and
    without a django-auditlog diff (nor the chained event that binds it) unless `diffed`, so
    the chain tests count only their own events. `number` is the 宛名番号."""
    from auditlog.context import disable_auditlog

    if number is not None:
        extra["addressee_number"] = number
    if diffed:
        return factories.make_person(registered=False, **extra)
    with disable_auditlog():
        return factories.make_person(registered=False, **extra)


@pytest.fixture
def person(db) -> Person:
    return make_person()


@pytest.fixture
def chain_of_five(db, person) -> list[AuditEvent]:
    return [
        record(Action.VIEW, person=person, details={"画面": "person", "ページ": i})
        for i in range(5)
    ]


def tamper(sql: str, params=()) -> None:
    """Run SQL on the audit table with the triggers out of the way (as a superuser would)."""
    with maintenance(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def record_at(when, action, **kwargs):
    """record() as if it ran at `when` (an aware datetime): for seeding the abnormal report."""
    from unittest import mock

    with mock.patch("audit.services.timezone.now", return_value=when):
        return record(action, **kwargs)


def as_actor(user):
    """Bind the audit context as if `user` were making a request."""
    import contextlib

    from audit import context

    @contextlib.contextmanager
    def _bound():
        token = context.bind(
            context.AuditContext(
                actor_id=user.pk, office_id=user.office_id, client_ip="192.0.2.1", request_id="t"
            )
        )
        try:
            yield
        finally:
            context.reset(token)

    return _bound()
