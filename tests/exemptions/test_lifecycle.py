"""JPS's decision on a record, 審査中 → 承認 / 却下 / 返戻 → 取消: every pair, allowed or refused,
and the services an approved entry calls. The office's steps (受付, 確認, 進達) are the entry's."""

from datetime import date

import pytest

from audit.models import AuditEvent
from exemptions.models import (
    DECISION_TRANSITIONS,
    AdditionalPremium,
    DecisionChange,
    DecisionStatus,
    ExemptionApplication,
    ProcessingResult,
)
from exemptions.periods import Period
from exemptions.rules import ExemptionClass, RuleRefused
from exemptions.services import (
    TransitionRefused,
    additional_premium_apply,
    additional_premium_check,
    additional_premium_record_decision,
    additional_premium_withdraw,
    decision_transition,
    exemption_application_check,
    exemption_application_create,
    exemption_record_decision,
    exemption_revoke,
    maternity_exemption_check,
    maternity_exemption_create,
    statutory_exemption_check,
    statutory_exemption_create,
    statutory_exemption_end,
)
from qualifications.models import Sex

from .conftest import give_income, make_person, qualify

d = date
ALLOWED = {
    (DecisionStatus.AWAITING, DecisionStatus.APPROVED),
    (DecisionStatus.AWAITING, DecisionStatus.REJECTED),
    (
        DecisionStatus.AWAITING,
        DecisionStatus.RETURNED,
    ),  # JPS sent the 届書 back (処理結果 5 / 処理区分 04)
    (DecisionStatus.APPROVED, DecisionStatus.REVOKED),
}
PAIRS = [(a, b) for a in DecisionStatus for b in DecisionStatus if a != b]


def test_the_transition_table_is_exactly_the_documented_lifecycle():
    table = {(a, b) for a, targets in DECISION_TRANSITIONS.items() for b in targets}
    assert table == ALLOWED
    assert set(DECISION_TRANSITIONS) == set(DecisionStatus)


def new_application(person, actor, decision=DecisionStatus.AWAITING):
    return ExemptionApplication.objects.create(
        person=person,
        operator=actor,
        decision=decision,
        period_year=2024,
        exemption_class="01",
        applied_on=d(2024, 8, 1),
        start_month=d(2024, 7, 1),
        end_month=d(2025, 6, 1),
    )


@pytest.mark.django_db
@pytest.mark.parametrize("from_,to", PAIRS, ids=[f"{a.label}→{b.label}" for a, b in PAIRS])
def test_every_pair_of_states_is_allowed_or_refused(cast, from_, to):
    person = make_person()
    application = new_application(person, cast["madoguchi"], from_)
    actor = cast["kakunin"]
    if (from_, to) in ALLOWED:
        moved = decision_transition(application, to, actor=actor, reason="テスト")
        assert moved.decision == to
        change = DecisionChange.objects.get(record_id=application.pk)
        assert (change.from_decision, change.to_decision, change.actor) == (from_, to, actor)
        event = AuditEvent.objects.get(object_id=str(application.pk), action="update")
        assert event.person == person and event.actor == actor
        assert event.details["状態"] == f"{from_.label}→{to.label}"
    else:
        with pytest.raises(TransitionRefused, match=f"「{from_.label}」から「{to.label}」には"):
            decision_transition(application, to, actor=actor)
        application.refresh_from_db()
        assert application.decision == from_
        assert not DecisionChange.objects.exists()
        assert not AuditEvent.objects.filter(action="update").exists()


@pytest.mark.django_db
def test_intake_registers_the_application_with_its_screening_and_audit(cast, family):
    applicant = family["applicant"]
    qualify(applicant, cast["madoguchi"])
    give_income(applicant, 2023, 500_000)
    give_income(family["spouse"], 2023, 600_000)
    give_income(family["head"], 2023, 650_000)
    app = exemption_application_create(
        person=applicant,
        exemption_class=ExemptionClass.FULL,
        start=d(2024, 7, 1),
        end=d(2025, 6, 1),
        applied_on=d(2024, 8, 5),
        actor=cast["madoguchi"],
    )
    assert app.decision == DecisionStatus.AWAITING and app.is_latest and app.period_year == 2024
    assert "事前審査の結果: 全額免除相当" in app.screening_summary
    assert "世帯主: 所得650,000円" in app.screening_summary
    assert AuditEvent.objects.filter(action="create", person=applicant).count() == 1
    second = exemption_application_create(
        person=applicant,
        exemption_class=ExemptionClass.FULL,
        start=d(2023, 7, 1),
        end=d(2024, 6, 1),
        applied_on=d(2024, 8, 5),
        actor=cast["madoguchi"],
    )
    app.refresh_from_db()
    assert second.is_latest and not app.is_latest


@pytest.mark.django_db
@pytest.mark.parametrize(
    "kwargs,message",
    [
        ({"category": "4"}, "任意加入"),
        ({"start": d(2022, 6, 1), "end": d(2022, 6, 1)}, "2年1か月前（令和4年7月）"),
        ({"exemption_class": "05", "birth": d(1974, 9, 1)}, "50歳"),
        ({"exemption_class": "06"}, "学校名"),
    ],
)
def test_intake_refuses_with_a_clear_message(cast, kwargs, message):
    birth = kwargs.pop("birth", d(1990, 5, 10))
    person = make_person(birth=birth)
    qualify(person, cast["madoguchi"], category=kwargs.pop("category", "1"))
    args = {
        "person": person,
        "exemption_class": "01",
        "start": d(2024, 7, 1),
        "end": d(2025, 6, 1),
        "applied_on": d(2024, 8, 5),
        "actor": cast["madoguchi"],
    }
    args.update(kwargs)
    if args["exemption_class"] == "06":
        args["start"], args["end"] = d(2024, 4, 1), d(2025, 3, 1)
    with pytest.raises(RuleRefused, match=message):
        exemption_application_create(**args)
    assert not ExemptionApplication.objects.exists()


@pytest.mark.django_db
def test_decision_partly_approved_then_revoked(cast):
    person = make_person()
    app = new_application(person, cast["madoguchi"], DecisionStatus.AWAITING)
    app = exemption_record_decision(
        application=app,
        result=ProcessingResult.PARTLY_APPROVED,
        approved=Period(d(2024, 7, 1), d(2024, 12, 1)),
        rejected=Period(d(2025, 1, 1), d(2025, 6, 1)),
        result_type_code="11",
        actor=cast["shintatsu"],
    )
    assert (
        app.decision == DecisionStatus.APPROVED and app.result == ProcessingResult.PARTLY_APPROVED
    )
    assert (app.approved_start, app.rejected_end) == (d(2024, 7, 1), d(2025, 6, 1))
    with pytest.raises(RuleRefused, match="承認期間"):
        exemption_revoke(
            application=app,
            period=Period(d(2024, 10, 1), d(2025, 2, 1)),
            actor=cast["kakunin"],
            reason="所得更正",
        )
    app = exemption_revoke(
        application=app,
        period=Period(d(2024, 10, 1), d(2024, 12, 1)),
        actor=cast["kakunin"],
        reason="所得更正",
    )
    assert app.decision == DecisionStatus.REVOKED and app.result == ProcessingResult.REVOKED
    assert app.revoked_start == d(2024, 10, 1)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "kwargs,message",
    [
        ({"result": "1"}, "承認には承認期間のみ"),
        ({"result": "3", "approved": Period(d(2024, 7, 1), d(2024, 9, 1))}, "両方"),
        ({"result": "1", "approved": Period(d(2024, 6, 1), d(2024, 9, 1))}, "申請期間"),
        ({"result": "5"}, "返戻"),
    ],
)
def test_a_decision_that_does_not_fit_the_application_is_refused(cast, kwargs, message):
    app = new_application(make_person(), cast["madoguchi"], DecisionStatus.AWAITING)
    with pytest.raises(RuleRefused, match=message):
        exemption_record_decision(application=app, actor=cast["shintatsu"], **kwargs)
    app.refresh_from_db()
    assert app.decision == DecisionStatus.AWAITING


@pytest.mark.django_db
def test_a_second_decision_is_refused_by_the_state_machine(cast):
    app = new_application(make_person(), cast["madoguchi"], DecisionStatus.REJECTED)
    with pytest.raises(TransitionRefused, match="「却下」から「却下」には"):
        exemption_record_decision(
            application=app,
            result="2",
            rejected=Period(d(2024, 7, 1), d(2025, 6, 1)),
            actor=cast["shintatsu"],
        )


@pytest.mark.django_db
def test_statutory_exemption_from_the_month_before_until_it_ends(cast):
    person = make_person()
    rec = statutory_exemption_create(
        person=person,
        reason="livelihood",
        applies_on=d(2025, 4, 10),
        notified_on=d(2025, 4, 20),
        category="1",
        actor=cast["madoguchi"],
    )
    assert rec.start_month == d(2025, 3, 1) and rec.end_month is None
    rec = statutory_exemption_end(
        exemption=rec, ended_on=d(2025, 11, 5), end_reason="生活扶助の廃止", actor=cast["madoguchi"]
    )
    assert rec.end_month == d(2025, 11, 1) and rec.ended_on == d(2025, 11, 5)
    with pytest.raises(RuleRefused, match="既に消滅"):
        statutory_exemption_end(
            exemption=rec, ended_on=d(2025, 12, 1), end_reason="", actor=cast["madoguchi"]
        )


@pytest.mark.django_db
def test_maternity_exemption_single_and_multiple(cast):
    mother = make_person()
    single = maternity_exemption_create(
        person=mother,
        due_date=d(2025, 8, 15),
        multiple=False,
        notified_on=d(2025, 5, 1),
        category="1",
        actor=cast["madoguchi"],
    )
    assert (single.start_month, single.end_month) == (d(2025, 7, 1), d(2025, 10, 1))
    twins = maternity_exemption_create(
        person=make_person(),
        due_date=d(2025, 8, 15),
        multiple=True,
        notified_on=d(2025, 5, 1),
        category="1",
        actor=cast["madoguchi"],
    )
    assert (twins.start_month, twins.end_month) == (d(2025, 5, 1), d(2025, 10, 1))
    with pytest.raises(RuleRefused, match="出産する被保険者本人"):
        maternity_exemption_create(
            person=make_person(sex=Sex.MALE),
            due_date=d(2025, 8, 15),
            multiple=False,
            notified_on=d(2025, 5, 1),
            category="1",
            actor=cast["madoguchi"],
        )


@pytest.mark.django_db
def test_additional_premium_refused_while_exempt_allowed_during_maternity(cast):
    person = make_person()
    actor = cast["madoguchi"]
    app = new_application(person, actor, DecisionStatus.AWAITING)
    exemption_record_decision(
        application=app, result="1", approved=Period(d(2024, 7, 1), d(2025, 6, 1)), actor=actor
    )
    with pytest.raises(RuleRefused, match="全額免除の期間中は付加保険料を納付できません"):
        additional_premium_apply(
            person=person, applied_on=d(2025, 3, 10), category="1", actor=actor
        )
    premium = additional_premium_apply(
        person=person, applied_on=d(2025, 7, 10), category="1", actor=actor
    )
    assert premium.applies_on == d(2025, 7, 10) and premium.decision == DecisionStatus.AWAITING
    with pytest.raises(RuleRefused, match="既に付加保険料の申出"):
        additional_premium_apply(person=person, applied_on=d(2025, 8, 1), category="1", actor=actor)
    premium = additional_premium_withdraw(
        premium=premium, applied_on=d(2025, 12, 1), reason="本人の申出", actor=actor
    )
    assert premium.ceased_on == d(2025, 12, 1)

    mother = make_person()
    maternity_exemption_create(
        person=mother,
        due_date=d(2025, 8, 15),
        multiple=False,
        notified_on=d(2025, 5, 1),
        category="1",
        actor=actor,
    )
    assert additional_premium_apply(
        person=mother, applied_on=d(2025, 8, 1), category="1", actor=actor
    ).pk
    assert AdditionalPremium.objects.count() == 2


@pytest.mark.django_db
def test_additional_premium_refused_for_special_voluntary(cast):
    with pytest.raises(RuleRefused, match="特例任意加入"):
        additional_premium_apply(
            person=make_person(birth=d(1958, 1, 1)),
            applied_on=d(2025, 3, 10),
            category="5",
            actor=cast["madoguchi"],
        )


@pytest.mark.django_db
def test_the_person_page_block_shows_the_exemption_history(cast):
    from django.template.loader import render_to_string

    from exemptions.selectors import exemption_history

    person = make_person()
    actor = cast["madoguchi"]
    app = new_application(person, actor, DecisionStatus.AWAITING)
    exemption_record_decision(
        application=app,
        result="3",
        approved=Period(d(2024, 7, 1), d(2024, 12, 1)),
        rejected=Period(d(2025, 1, 1), d(2025, 6, 1)),
        actor=actor,
    )
    statutory_exemption_create(
        person=person,
        reason="disability",
        applies_on=d(2025, 8, 2),
        notified_on=d(2025, 8, 20),
        category="1",
        actor=actor,
    )
    html = render_to_string("exemptions/_history.html", {"history": exemption_history(person)})
    assert "令和6年7月〜令和6年12月" in html  # 承認期間
    assert "令和7年1月〜令和7年6月" in html  # 却下期間
    assert "一部承認" in html
    assert "障害基礎年金等の受給（1・2級）" in html and "令和7年7月〜" in html
    empty = render_to_string(
        "exemptions/_history.html", {"history": exemption_history(make_person())}
    )
    assert "免除・付加の記録はありません" in empty


@pytest.mark.django_db
def test_additional_premium_result_from_jps(cast):
    actor = cast["shintatsu"]
    premium = additional_premium_apply(
        person=make_person(), applied_on=d(2025, 7, 10), category="1", actor=cast["madoguchi"]
    )
    assert premium.decision == DecisionStatus.AWAITING
    with pytest.raises(RuleRefused, match="一部承認"):
        additional_premium_record_decision(premium=premium, result="3", actor=actor)
    premium = additional_premium_record_decision(premium=premium, result="1", actor=actor)
    assert premium.decision == DecisionStatus.APPROVED and premium.get_result_display() == "承認"
    with pytest.raises(TransitionRefused, match="「承認」から「却下」には"):
        additional_premium_record_decision(premium=premium, result="2", actor=actor)
    assert list(
        DecisionChange.objects.filter(record_id=premium.pk).values_list("to_decision", flat=True)
    ) == [DecisionStatus.APPROVED]


@pytest.mark.django_db
def test_an_unknown_special_reason_is_refused(cast):
    with pytest.raises(RuleRefused, match="特例"):
        exemption_application_create(
            person=make_person(),
            exemption_class="01",
            start=d(2024, 7, 1),
            end=d(2025, 6, 1),
            applied_on=d(2024, 8, 5),
            special_reason="病気",
            actor=cast["madoguchi"],
        )


@pytest.mark.django_db
def test_the_check_functions_compute_everything_and_write_nothing(cast, family):
    give_income(family["applicant"], 2023, 880_000)
    qualify(family["applicant"], cast["madoguchi"])
    events = AuditEvent.objects.count()  # the fixture's field diffs are chained (audit)
    check = exemption_application_check(
        person=family["applicant"],
        exemption_class="01",
        start=d(2024, 7, 1),
        end=d(2025, 6, 1),
        applied_on=d(2024, 8, 5),
    )
    assert check.year == 2024 and check.period.months == 12
    assert check.screening.summary.startswith("判定保留")  # spouse and householder: no income
    assert statutory_exemption_check(applies_on=d(2025, 4, 10), category="1") == d(2025, 3, 1)
    period = maternity_exemption_check(
        person=family["applicant"],
        due_date=d(2025, 8, 15),
        multiple=False,
        notified_on=d(2025, 5, 1),
        category="1",
    )
    assert period.months == 4
    start = additional_premium_check(
        person=family["applicant"], applied_on=d(2025, 7, 10), category="1"
    )
    assert start == d(2025, 7, 1)
    assert not ExemptionApplication.objects.exists()
    assert AuditEvent.objects.count() == events
