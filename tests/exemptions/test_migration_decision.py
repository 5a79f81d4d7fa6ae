"""Migration 0005 carries every exemption and 付加 record over to JPS's decision: the office's
steps (受付・確認済・進達済) become 審査中, JPS's answers stay, nothing is lost."""

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from .conftest import make_person

BEFORE = [("exemptions", "0004_jps_results_returned_renewal")]
AFTER = [("exemptions", "0005_decision_status")]

pytestmark = pytest.mark.django_db(transaction=True)


def test_old_states_become_decisions_and_no_row_is_lost(cast):
    person = make_person()
    operator = cast["madoguchi"]
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    application = old.get_model("exemptions", "ExemptionApplication")
    premium = old.get_model("exemptions", "AdditionalPremium")
    change = old.get_model("exemptions", "StatusChange")
    states = ["received", "verified", "reported", "approved", "rejected", "returned", "revoked"]
    ids = {}
    for n, state in enumerate(states):
        ids[state] = application.objects.create(
            person_id=person.pk,
            operator_id=operator.pk,
            status=state,
            is_latest=n == len(states) - 1,
            period_year=2020 + n,
            exemption_class="01",
            applied_on=date(2020 + n, 8, 1),
            start_month=date(2020 + n, 7, 1),
            end_month=date(2021 + n, 6, 1),
        ).pk
    fuka = premium.objects.create(
        person_id=person.pk,
        operator_id=operator.pk,
        status="reported",
        applied_on=date(2025, 7, 1),
        applies_on=date(2025, 7, 1),
    ).pk
    moves = [("received", "verified"), ("verified", "reported"), ("reported", "approved")]
    for from_, to in moves:
        change.objects.create(
            record_type="exemptions.ExemptionApplication",
            record_id=ids["approved"],
            person_id=person.pk,
            from_status=from_,
            to_status=to,
            actor_id=operator.pk,
        )

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    application = new.get_model("exemptions", "ExemptionApplication")
    decisions = dict(application.objects.values_list("pk", "decision"))
    assert {state: decisions[pk] for state, pk in ids.items()} == {
        "received": "awaiting",
        "verified": "awaiting",
        "reported": "awaiting",
        "approved": "approved",
        "rejected": "rejected",
        "returned": "returned",
        "revoked": "revoked",
    }
    assert new.get_model("exemptions", "AdditionalPremium").objects.get(pk=fuka).decision == (
        "awaiting"
    )
    # JPS's decision stays in the history; the office's steps are the entry's history.
    history = new.get_model("exemptions", "DecisionChange").objects.values_list(
        "record_id", "from_decision", "to_decision"
    )
    assert list(history) == [(ids["approved"], "awaiting", "approved")]
    # Leave the schema as the other tests expect it, whatever migrations come after 0005.
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes("exemptions"))
