"""The exemption and 付加 届書 through the two-person verification, by real HTTP as the staff
use them: the counter takes the form in (受付番号, pending), a second person re-keys the key
fields from the paper and approves, and only then the record is written (受付 → 確認済)."""

from datetime import date

import pytest
from django.urls import reverse

from audit.models import Action, AuditEvent
from exemptions import services
from exemptions.models import (
    AdditionalPremium,
    DecisionChange,
    DecisionStatus,
    ExemptionApplication,
    MaternityExemption,
    StatutoryExemption,
)
from exemptions.periods import Period
from kokumin_nenkin.identifiers import contains_my_number_like
from kokumin_nenkin.verification.models import Entry
from kokumin_nenkin.verification.models import Status as EntryStatus
from kokumin_nenkin.verification.registry import get_kind
from qualifications.codes import Event, Held
from qualifications.models import QualificationRecord
from tests.conftest import StaffClient, shown_version

from .conftest import give_income, make_person, qualify
from .test_panel_and_pdf import pdf_text


@pytest.fixture
def insured(family, cast):
    """The family's applicant (born H4), insured 第1号, with low incomes for 令和6年."""
    for member in ("applicant", "spouse", "head"):
        give_income(family[member], 2024, 500_000)
    qualify(family["applicant"], cast["madoguchi"])
    return family["applicant"]


def new_url(kind, person):
    return reverse("verification:new", args=[f"exemptions.{kind}", person.pk])


def intake(client, kind, person, **data):
    return client.post(new_url(kind, person), data)


def approve(client, entry, **rekey):
    return client.post(
        reverse("verification:approve", args=[entry.pk]),
        {
            "version": shown_version(entry),
            **{f"rekey-{name}": value for name, value in rekey.items()},
        },
    )


def approved_application(person, actor, start=date(2025, 7, 1), end=date(2026, 6, 1)):
    """An application JPS has approved (through every state of the lifecycle)."""
    app = services.exemption_application_create(
        person=person,
        exemption_class="01",
        start=start,
        end=end,
        applied_on=date(2025, 8, 1),
        actor=actor,
    )
    return services.exemption_record_decision(
        application=app, result="1", approved=Period(start, end), actor=actor
    )


# --- every kind: intake → approve --------------------------------------------------------------
def _setup_statutory(person, actor):
    services.statutory_exemption_create(
        person=person,
        reason="disability",
        applies_on=date(2025, 4, 10),
        notified_on=date(2025, 4, 20),
        category="1",
        actor=actor,
    )


def _setup_additional(person, actor):
    services.additional_premium_apply(
        person=person, applied_on=date(2025, 5, 1), category="1", actor=actor
    )


def _setup_approved(person, actor):
    approved_application(person, actor)


def _app_pk(person):
    return str(ExemptionApplication.objects.get(person=person).pk)


KINDS = [
    # kind, setup, form data, re-key, check of the written record
    (
        "application",
        None,
        {
            "applied_on": "R7.8.1",
            "exemption_class": "01",
            "accept_lower_class": "1",
            "start": "R7.7",
            "end": "令和8年6月",
            "continuing": "0",
            "special_reason": "",
        },
        {"exemption_class": "01", "start": "2025-07"},
        lambda p: ExemptionApplication.objects.get(
            person=p,
            decision=DecisionStatus.AWAITING,
            exemption_class="01",
            start_month=date(2025, 7, 1),
            end_month=date(2026, 6, 1),
            accept_lower_class=True,
        ),
    ),
    (
        "student",
        None,
        {
            "applied_on": "R7.4.10",
            "school_name": "熊谷テスト大学",
            "start": "R7.4",
            "end": "R8.3",
            "continuing": "1",
            "special_reason": "",
        },
        {"start": "令和7年4月", "end": "R8.3.31"},
        lambda p: ExemptionApplication.objects.get(
            person=p,
            decision=DecisionStatus.AWAITING,
            exemption_class="06",
            school_name="熊谷テスト大学",
            continuing=True,
            start_month=date(2025, 4, 1),
            end_month=date(2026, 3, 1),
        ),
    ),
    (
        "statutory",
        None,
        {"notified_on": "R7.9.1", "reason": "disability", "applies_on": "R7.8.20"},
        {"reason": "disability", "applies_on": "2025-08-20"},
        lambda p: StatutoryExemption.objects.get(
            person=p, decision=DecisionStatus.AWAITING, start_month=date(2025, 7, 1), end_month=None
        ),
    ),
    (
        "statutory_end",
        _setup_statutory,
        {"notified_on": "R7.12.1", "ended_on": "R7.11.15", "end_reason": "障害等級の不該当"},
        {"ended_on": "R7.11.15"},
        lambda p: StatutoryExemption.objects.get(
            person=p,
            ended_on=date(2025, 11, 15),
            end_month=date(2025, 11, 1),
            end_notified_on=date(2025, 12, 1),
        ),
    ),
    (
        "maternity",
        None,
        {"notified_on": "R7.6.1", "due_date": "R7.10.15", "pregnancy": "1"},
        {"due_date": "R7.10.15", "pregnancy": "1"},
        lambda p: MaternityExemption.objects.get(
            person=p,
            decision=DecisionStatus.AWAITING,
            start_month=date(2025, 9, 1),
            end_month=date(2025, 12, 1),
        ),
    ),
    (
        "revocation",
        _setup_approved,
        {
            "applied_on": "R7.10.1",
            "application": _app_pk,
            "start": "R7.10",
            "end": "R8.6",
            "reason": "所得の修正申告",
        },
        {"start": "R7.10", "end": "R8.6"},
        lambda p: ExemptionApplication.objects.get(
            person=p,
            decision=DecisionStatus.REVOKED,
            revoked_start=date(2025, 10, 1),
            revoked_end=date(2026, 6, 1),
            revocation_applied_on=date(2025, 10, 1),
        ),
    ),
    (
        "additional",
        None,
        {"applied_on": "R7.8.5", "join_reason": "年金額を増やしたい", "national_pension_fund": "0"},
        {"applied_on": "R7.8.5"},
        lambda p: AdditionalPremium.objects.get(
            person=p, decision=DecisionStatus.AWAITING, applied_on=date(2025, 8, 5), ceased_on=None
        ),
    ),
    (
        "additional_withdrawal",
        _setup_additional,
        {"applied_on": "R7.9.1", "reason": "納付が困難"},
        {"applied_on": "R7.9.1"},
        lambda p: AdditionalPremium.objects.get(
            person=p, ceased_on=date(2025, 9, 1), withdrawal_reason="納付が困難"
        ),
    ),
]


@pytest.mark.parametrize(
    ("kind", "setup", "data", "rekey", "written"), KINDS, ids=[k[0] for k in KINDS]
)
def test_every_kind_is_written_only_after_a_second_person_approves(
    client_for, cast, insured, kind, setup, data, rekey, written
):
    if setup is not None:
        setup(insured, cast["kakunin2"])
    data = {k: (v(insured) if callable(v) else v) for k, v in data.items()}
    maker = client_for("madoguchi")
    form_page = maker.get(new_url(kind, insured))
    assert form_page.status_code == 200
    assert "autofocus" in form_page.content.decode()

    response = intake(maker, kind, insured, **data)
    assert response.status_code == 302, response.content.decode()[:3000]
    entry = Entry.objects.get(person=insured, kind=f"exemptions.{kind}")
    assert entry.status == EntryStatus.PENDING and len(entry.receipt_number) == 12
    with pytest.raises(AssertionError):
        # nothing is written before the verification (the check fails)
        _assert_written(written, insured)

    checker = client_for("kakunin")
    page = checker.get(reverse("verification:detail", args=[entry.pk])).content.decode()
    assert page.count("（届書から入力して照合）") == len(rekey)
    assert not contains_my_number_like(page, allow={entry.receipt_number})

    ok = approve(checker, entry, **rekey)
    assert ok.status_code == 302, ok.content.decode()[:3000]
    entry.refresh_from_db()
    assert entry.status == EntryStatus.APPROVED and entry.checker == cast["kakunin"]
    record = written(insured)
    assert str(record.pk) == entry.applied_object_id
    assert record.operator == cast["madoguchi"]  # 操作者ID: who took the form in
    verify_events = AuditEvent.objects.filter(
        action=Action.VERIFY, object_type="verification.Entry", object_id=str(entry.pk)
    )
    assert verify_events.count() == 1 and verify_events.get().actor == cast["kakunin"]


def _assert_written(written, person):
    try:
        written(person)
    except Exception as exc:  # DoesNotExist
        raise AssertionError(str(exc)) from None


def test_an_approved_entry_writes_a_record_awaiting_jps_with_its_receipt_number(
    client_for, cast, insured
):
    data = dict(KINDS[0][2])
    assert intake(client_for("madoguchi"), "application", insured, **data).status_code == 302
    entry = Entry.objects.get(person=insured)
    approve(client_for("kakunin"), entry, exemption_class="01", start="R7.7")
    app = ExemptionApplication.objects.get(person=insured)
    assert app.receipt_number == entry.receipt_number
    # The record holds JPS's decision only: it starts 審査中 and has moved nowhere yet; the
    # office's steps stand in the entry's own history.
    assert app.decision == DecisionStatus.AWAITING
    assert not DecisionChange.objects.filter(record_id=app.pk).exists()
    assert list(entry.history.values_list("to_status", flat=True)) == ["pending", "approved"]
    assert "全額免除相当" in app.screening_summary


# --- the 被保険者種別 comes from the qualification history --------------------------------------
def test_category_is_read_from_the_qualification_and_not_typed(client_for, cast, insured):
    page = client_for("madoguchi").get(new_url("application", insured)).content.decode()
    assert "被保険者種別（資格の記録から）: 第1号" in page
    assert 'name="category"' not in page


# --- conflicts and period rules, refused at intake next to the field --------------------------
APP = {
    "applied_on": "R7.8.1",
    "exemption_class": "01",
    "accept_lower_class": "1",
    "start": "R7.7",
    "end": "R8.6",
    "continuing": "0",
    "special_reason": "",
}
ADD = {"applied_on": "R7.8.5", "join_reason": "", "national_pension_fund": "0"}


def _voluntary(person, cast):
    qualify(person, cast["madoguchi"], category="4")


def _special_voluntary(person, cast):
    qualify(person, cast["madoguchi"], category="5")


def _exempt(person, cast):
    approved_application(person, cast["kakunin2"])


def _pending_application(person, cast):
    services.exemption_application_create(
        person=person,
        exemption_class="03",
        start=date(2025, 10, 1),
        end=date(2026, 3, 1),
        applied_on=date(2025, 8, 1),
        actor=cast["kakunin2"],
    )


def _statutory(person, cast):
    _setup_statutory(person, cast["kakunin2"])


CONFLICTS = [
    # id, setup, kind, data, field (None = above the form), message
    (
        "exempt_voluntary",
        _voluntary,
        "application",
        APP,
        None,
        "任意加入の方は保険料の免除・猶予の対象外です",
    ),
    (
        "additional_special_voluntary",
        _special_voluntary,
        "additional",
        ADD,
        "applied_on",
        "特例任意加入の方は付加保険料を納付できません",
    ),
    (
        "additional_while_exempt",
        _exempt,
        "additional",
        ADD,
        "applied_on",
        "全額免除の期間中は付加保険料を納付できません",
    ),
    (
        "additional_while_statutory",
        _statutory,
        "additional",
        ADD,
        "applied_on",
        "法定免除の期間中は付加保険料を納付できません",
    ),
    (
        "additional_with_fund",
        None,
        "additional",
        {**ADD, "national_pension_fund": "1"},
        "national_pension_fund",
        "国民年金基金の加入員は付加保険料を納付できません",
    ),
    (
        "additional_twice",
        lambda p, c: _setup_additional(p, c["kakunin2"]),
        "additional",
        ADD,
        "applied_on",
        "既に付加保険料の申出があります",
    ),
    (
        "too_far_back",
        None,
        "application",
        {**APP, "start": "R5.6", "end": "R5.6"},
        "start",
        "令和5年7月）の分からです",
    ),
    (
        "across_the_year",
        None,
        "application",
        {**APP, "end": "R8.7"},
        "start",
        "1つの免除年度（7月〜翌6月）の中で",
    ),
    (
        "year_not_begun",
        None,
        "application",
        {**APP, "applied_on": "R7.6.20", "start": "R7.7"},
        "start",
        "その年度が始まってから申請できます",
    ),
    (
        "end_before_start",
        None,
        "application",
        {**APP, "start": "R8.1", "end": "R7.8"},
        "end",
        "終期が始期より前になっています",
    ),
    (
        "overlapping_application",
        _pending_application,
        "application",
        APP,
        "start",
        "期間が重なる半額免除の申請",
    ),
    (
        "student_across_march",
        None,
        "student",
        {
            "applied_on": "R7.4.10",
            "school_name": "熊谷テスト大学",
            "start": "R7.4",
            "end": "R8.4",
            "continuing": "0",
            "special_reason": "",
        },
        "start",
        "学生納付特例の年度（4月〜翌3月）",
    ),
    (
        "maternity_too_early",
        None,
        "maternity",
        {"notified_on": "R7.3.1", "due_date": "R7.10.15", "pregnancy": "1"},
        "due_date",
        "出産予定日の6か月前",
    ),
    (
        "statutory_twice",
        _statutory,
        "statutory",
        {"notified_on": "R7.9.1", "reason": "livelihood", "applies_on": "R7.8.20"},
        "applies_on",
        "既に法定免除",
    ),
    (
        "statutory_end_without_one",
        None,
        "statutory_end",
        {"notified_on": "R7.12.1", "ended_on": "R7.11.15", "end_reason": "不該当"},
        "ended_on",
        "消滅させる法定免除",
    ),
    (
        "statutory_end_before_start",
        _statutory,
        "statutory_end",
        {"notified_on": "R7.12.1", "ended_on": "R7.3.1", "end_reason": "不該当"},
        "ended_on",
        "該当年月日より前",
    ),
    (
        "withdraw_without_additional",
        None,
        "additional_withdrawal",
        {"applied_on": "R7.9.1", "reason": "納付困難"},
        "applied_on",
        "辞退できる付加保険料の申出がありません",
    ),
]


# refusals known from the person alone (issue 14, item 5): the intake page says them instead of
# the form
DEAD_ENDS = {
    "消滅させる法定免除",
    "辞退できる付加保険料の申出がありません",
    "任意加入の方は保険料の免除・猶予の対象外です",
    "特例任意加入の方は付加保険料を納付できません",
    "法定免除の期間中は付加保険料を納付できません",
    "既に付加保険料の申出があります",
}


@pytest.mark.parametrize(
    ("setup", "kind", "data", "field", "message"),
    [c[1:] for c in CONFLICTS],
    ids=[c[0] for c in CONFLICTS],
)
def test_conflict_is_refused_at_intake_with_its_message(
    client_for, cast, insured, setup, kind, data, field, message
):
    if setup is not None:
        setup(insured, cast)
    before = Entry.objects.count()
    response = intake(client_for("madoguchi"), kind, insured, **data)
    html = response.content.decode()
    assert message in html
    if response.status_code == 409:  # known from the person alone: said instead of the form
        assert message in DEAD_ENDS and "この届書は受け付けられません" in html
    else:
        assert response.status_code == 200 and message not in DEAD_ENDS
    if field is not None and response.status_code == 200:
        block = html.split(f'for="id_{field}"')[1].split('class="field')[0]
        assert message in block
    assert Entry.objects.count() == before


def test_postponement_refused_from_the_month_the_applicant_reaches_50(client_for, cast, family):
    older = make_person(given="和子", birth=date(1975, 9, 1))  # reaches 50 on 2025-08-31
    give_income(older, 2024, 100_000)
    qualify(older, cast["madoguchi"])
    maker = client_for("madoguchi")
    data = {**APP, "exemption_class": "05"}
    html = intake(maker, "application", older, **{**data, "start": "R7.9"}).content.decode()
    assert "50歳以上のため申請できません" in html
    html = intake(maker, "application", older, **data).content.decode()
    assert "令和7年7月まで" in html
    assert not Entry.objects.filter(person=older).exists()
    ok = intake(maker, "application", older, **{**data, "end": "R7.7"})
    assert ok.status_code == 302


def test_revocation_lists_only_approved_applications(client_for, cast, insured):
    maker = client_for("madoguchi")
    page = maker.get(new_url("revocation", insured)).content.decode()
    assert "承認済みの免除等がありません" in page
    approved_application(insured, cast["kakunin2"])
    page = maker.get(new_url("revocation", insured)).content.decode()
    assert "全額免除 承認期間 令和7年7月〜令和8年6月" in page
    html = intake(
        maker,
        "revocation",
        insured,
        applied_on="R7.10.1",
        application=_app_pk(insured),
        start="R7.5",
        end="R7.9",
        reason="修正申告",
    ).content.decode()
    assert "承認期間（令和7年7月〜令和8年6月）の外にあります" in html


# --- the verification decisions on one kind ----------------------------------------------------
def test_rekey_mismatch_writes_nothing(client_for, cast, insured):
    intake(client_for("madoguchi"), "application", insured, **APP)
    entry = Entry.objects.get(person=insured)
    response = approve(client_for("kakunin"), entry, exemption_class="02", start="R7.7")
    assert response.status_code == 409
    assert "一致しません（申請する区分）" in response.content.decode()
    entry.refresh_from_db()
    assert entry.status == EntryStatus.PENDING
    assert not ExemptionApplication.objects.exists()


def test_return_and_reentry_then_approval(client_for, cast, insured):
    maker, checker = client_for("madoguchi"), client_for("kakunin")
    intake(maker, "application", insured, **APP)
    entry = Entry.objects.get(person=insured)
    response = checker.post(
        reverse("verification:return", args=[entry.pk]), {"reason": "区分を届書で確認してください"}
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.status == EntryStatus.RETURNED
    assert AuditEvent.objects.filter(
        action=Action.RETURN, object_id=str(entry.pk), actor=cast["kakunin"]
    ).exists()
    assert not ExemptionApplication.objects.exists()
    edit = maker.get(reverse("verification:edit", args=[entry.pk])).content.decode()
    assert "区分を届書で確認してください" in edit and "令和7年7月" in edit
    response = maker.post(
        reverse("verification:edit", args=[entry.pk]), {**APP, "exemption_class": "03"}
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.status == EntryStatus.PENDING and entry.payload["exemption_class"] == "03"
    assert approve(checker, entry, exemption_class="03", start="R7.7").status_code == 302
    assert ExemptionApplication.objects.get(person=insured).exemption_class == "03"


def test_stale_entry_is_not_applied(client_for, cast, insured):
    """A 付加 申出 taken in, then an exemption approved for the same months: the 付加 entry is
    stale and cannot be approved (the rule would now refuse it)."""
    maker, checker = client_for("madoguchi"), client_for("kakunin")
    intake(maker, "additional", insured, **ADD)
    additional = Entry.objects.get(person=insured)
    intake(maker, "application", insured, **APP)
    application = Entry.objects.get(person=insured, kind="exemptions.application")
    assert approve(checker, application, exemption_class="01", start="R7.7").status_code == 302
    response = approve(checker, additional, applied_on="R7.8.5")
    assert response.status_code == 409
    assert "受付の後に記録が変更されています" in response.content.decode()
    additional.refresh_from_db()
    assert additional.status == EntryStatus.PENDING
    assert not AdditionalPremium.objects.exists()


def test_approval_applies_exactly_once(client_for, cast, insured):
    intake(client_for("madoguchi"), "application", insured, **APP)
    entry = Entry.objects.get(person=insured)
    first, second = client_for("kakunin"), client_for("kakunin2")
    assert approve(first, entry, exemption_class="01", start="R7.7").status_code == 302
    again = approve(second, entry, exemption_class="01", start="R7.7")
    assert again.status_code == 409
    assert ExemptionApplication.objects.filter(person=insured).count() == 1
    assert AuditEvent.objects.filter(action=Action.VERIFY, object_id=str(entry.pk)).count() == 1


def test_an_approved_exemption_entry_cannot_be_corrected_silently(client_for, cast, insured):
    maker = client_for("madoguchi")
    intake(maker, "maternity", insured, notified_on="R7.6.1", due_date="R7.10.15", pregnancy="1")
    entry = Entry.objects.get(person=insured)
    approve(client_for("kakunin"), entry, due_date="R7.10.15", pregnancy="1")
    response = maker.post(
        reverse("verification:edit", args=[entry.pk]),
        {"notified_on": "R7.6.1", "due_date": "R7.11.15", "pregnancy": "1"},
    )
    assert response.status_code == 200
    assert "承認後に訂正できません" in response.content.decode()
    assert Entry.objects.filter(person=insured).count() == 1


# --- the person page -----------------------------------------------------------------------
def test_person_page_shows_history_and_new_entry_links_for_the_counter(client_for, cast, insured):
    maker, checker = client_for("madoguchi"), client_for("kakunin")
    intake(maker, "application", insured, **APP)
    entry = Entry.objects.get(person=insured)
    approve(checker, entry, exemption_class="01", start="R7.7")
    page = maker.get(reverse("qualifications:person", args=[insured.pk])).content.decode()
    assert "免除・付加の履歴" in page
    assert "令和7年7月〜令和8年6月" in page and "審査中" in page and entry.receipt_number in page
    assert reverse("exemptions:household_panel", args=[insured.pk]) in page
    for code in ("application", "student", "statutory", "maternity"):
        assert new_url(code, insured) in page
    # not offered, with the reason, when they cannot apply to this person (issue 14, item 5)
    for code in ("statutory_end", "additional_withdrawal"):
        assert new_url(code, insured) not in page
        label = get_kind(f"exemptions.{code}").label
        assert f'<span class="label">{label}</span> <span class="reason">受付できません' in page
    assert not contains_my_number_like(page, allow={entry.receipt_number})
    pdf = maker.get(reverse("exemptions:application_pdf", args=[insured.pk]))
    text = pdf_text(pdf.content)
    assert insured.family_name in text and not contains_my_number_like(text)
    queue = checker.get(reverse("verification:queue")).content.decode()
    assert not contains_my_number_like(queue, allow={entry.receipt_number})


def test_person_page_has_no_entry_links_without_enter_entry(client_for, cast, insured):
    """A reader who may search but not take forms in sees the history and no links."""
    from django.contrib.auth.models import Permission

    from kokumin_nenkin.accounts.roles import Role
    from tests.conftest import login, make_staff

    reader = make_staff("etsuran", Role.AUDITOR)
    reader.user_permissions.add(Permission.objects.get(codename="search_person"))
    client = login(StaffClient(), reader)
    approved_application(insured, cast["kakunin2"])
    html = client.get(reverse("qualifications:person", args=[insured.pk])).content.decode()
    assert "免除・付加の履歴" in html and "全額免除" in html
    assert new_url("application", insured) not in html
    assert reverse("exemptions:household_panel", args=[insured.pk]) not in html
    assert client_for("kansa").get(new_url("application", insured)).status_code == 403


EXEMPTION_FORMS = {
    "application": APP,
    "student": {
        "applied_on": "R7.4.10",
        "school_name": "熊谷テスト大学",
        "start": "R7.4",
        "end": "R8.3",
        "continuing": "0",
        "special_reason": "",
    },
    "statutory": {"notified_on": "R7.9.1", "reason": "disability", "applies_on": "R7.8.20"},
    "maternity": {"notified_on": "R7.6.1", "due_date": "R7.10.15", "pregnancy": "1"},
}
NOT_FIRST = [
    ("4", "任意加入被保険者の期間は"),
    ("5", "特例任意加入被保険者の期間は"),
    ("2", "第2号の方は国民年金保険料の"),
    ("3", "第3号の方は国民年金保険料の"),
]


@pytest.mark.parametrize("kind", sorted(EXEMPTION_FORMS))
@pytest.mark.parametrize(("category", "message"), NOT_FIRST)
def test_exemptions_are_refused_above_the_form_unless_first_category(
    client_for, cast, insured, kind, category, message
):
    qualify(insured, cast["madoguchi"], category=category)
    response = intake(client_for("madoguchi"), kind, insured, **EXEMPTION_FORMS[kind])
    html = response.content.decode()
    # known from the person alone (issue 14, item 5): said instead of the form
    assert response.status_code == 409 and message in html
    assert "この届書は受け付けられません" in html and 'for="id_' not in html
    assert not Entry.objects.exists()


@pytest.mark.parametrize(
    ("kind", "data", "message"),
    [
        ("application", APP, "資格の記録がない（または喪失している）ため、免除・納付猶予の対象外"),
        ("additional", ADD, "資格の記録がない（または喪失している）ため、付加保険料を納付でき"),
    ],
)
def test_no_qualification_means_no_exemption_nor_additional(
    client_for, family, kind, data, message
):
    html = intake(client_for("madoguchi"), kind, family["spouse"], **data).content.decode()
    assert message in html
    assert not Entry.objects.exists()


def test_additional_premium_is_allowed_during_a_maternity_exemption(client_for, cast, insured):
    services.maternity_exemption_create(
        person=insured,
        due_date=date(2025, 9, 20),
        multiple=False,
        notified_on=date(2025, 6, 1),
        category="1",
        actor=cast["kakunin2"],
    )
    assert intake(client_for("madoguchi"), "additional", insured, **ADD).status_code == 302


def test_voluntary_member_over_65_cannot_apply_for_additional_premium(client_for, cast, family):
    older = make_person(given="和子", birth=date(1960, 1, 5))
    qualify(older, cast["madoguchi"], category="4")
    html = intake(client_for("madoguchi"), "additional", older, **ADD).content.decode()
    assert "任意加入の方が付加保険料を納付できるのは65歳未満の間です" in html


def test_lower_class_wish_is_kept_only_for_a_full_exemption(client_for, cast, insured):
    maker = client_for("madoguchi")
    intake(maker, "application", insured, **{**APP, "exemption_class": "03"})
    entry = Entry.objects.get(person=insured)
    assert entry.payload["accept_lower_class"] == ""
    assert (
        approve(client_for("kakunin"), entry, exemption_class="03", start="R7.7").status_code == 302
    )
    assert ExemptionApplication.objects.get(person=insured).accept_lower_class is False


# --- every kind joins a JPS report batch with its own codes ---------------------------------------
# kind → F1 届書種類, 異動年月日, 免除区分, 期間開始, 期間終了 (FORMATS.md F1; months in 和暦 code)
REPORT_LINES = {
    "application": ("11", date(2025, 8, 1), "01", "90707", "90806"),
    "student": ("12", date(2025, 4, 10), "06", "90704", "90803"),
    "statutory": ("13", date(2025, 8, 20), "07", "90707", "00000"),
    "statutory_end": ("14", date(2025, 11, 15), "07", "90703", "90711"),
    "maternity": ("15", date(2025, 10, 15), "08", "90709", "90712"),
    "revocation": ("16", date(2025, 10, 1), "01", "90710", "90806"),
    "additional": ("21", date(2025, 8, 5), "00", "90708", "00000"),
    "additional_withdrawal": ("22", date(2025, 9, 1), "00", "00000", "00000"),
}


@pytest.mark.parametrize("kind,setup,data,rekey,written", KINDS, ids=[k[0] for k in KINDS])
def test_every_kind_goes_to_jps_with_its_form_exemption_class_and_period(
    client_for, cast, insured, kind, setup, data, rekey, written
):
    from django.utils import timezone

    from jps_reporting.formats.f1 import parse_f1
    from jps_reporting.models import BatchItem, BatchOutput
    from kokumin_nenkin import wareki

    if setup is not None:
        setup(insured, cast["kakunin2"])
    data = {k: (v(insured) if callable(v) else v) for k, v in data.items()}
    assert intake(client_for("madoguchi"), kind, insured, **data).status_code == 302
    entry = Entry.objects.get(person=insured, kind=f"exemptions.{kind}")
    assert approve(client_for("kakunin"), entry, **rekey).status_code == 302
    record = written(insured)
    decision_before = record.decision
    form, effective, exemption_class, start, end = REPORT_LINES[kind]

    clerk = client_for("shintatsu")
    response = clerk.post(
        "/jps/batches/new/",
        {
            "cutoff": timezone.localdate().isoformat(),
            "entry": [entry.pk],
            f"message-{entry.pk}": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]

    entry.refresh_from_db()
    record.refresh_from_db()
    assert entry.status == EntryStatus.REPORTED
    # Only the entry goes 進達済: the record keeps JPS's decision (審査中, or 承認・取消 for a
    # notice that changed a record JPS had already decided) as it was.
    assert record.decision == decision_before
    item = BatchItem.objects.get(entry=entry)
    assert item.form_code == form == entry.form_code
    line = next(
        r
        for r in parse_f1(bytes(BatchOutput.objects.get(kind="f1").content))
        if r["レコード区分"] == "2"
    )
    assert line["受付番号"] == entry.receipt_number
    assert line["届書種類"] == form
    assert line["免除区分"] == exemption_class
    assert line["異動年月日"] == wareki.to_jps_date(effective)
    assert (line["期間開始"], line["期間終了"]) == (start, end)
    assert line["被保険者種別"] == "1"


# --- the 被保険者種別 of the months applied for, from the qualification history ------------------
def _became_second_category(person, operator, on: date):
    """A 種別変更 row: 第1号 → 第2号 from `on` (the person joined an employer's pension)."""
    QualificationRecord.objects.filter(person=person).update(is_latest=False)
    QualificationRecord.objects.create(
        person=person,
        event=Event.CATEGORY_CHANGE,
        held=Held.HELD,
        category="2",
        acquired_on=date(2012, 5, 9),
        category_changed_on=on,
        category_change_cause="21",
        category_change_notified_on=on,
        operator=operator,
    )


def test_a_person_now_second_category_applies_for_the_first_category_months_before(
    client_for, cast, insured
):
    _became_second_category(insured, cast["madoguchi"], date(2025, 10, 1))
    maker = client_for("madoguchi")
    data = {**APP, "applied_on": "R7.11.10", "start": "R7.7", "end": "R7.9"}
    assert intake(maker, "application", insured, **data).status_code == 302
    entry = Entry.objects.get(person=insured)
    assert (
        approve(client_for("kakunin"), entry, exemption_class="01", start="R7.7").status_code == 302
    )
    app = ExemptionApplication.objects.get(person=insured)
    assert (app.start_month, app.end_month) == (date(2025, 7, 1), date(2025, 9, 1))


def test_months_in_the_second_category_are_named_and_refused_next_to_the_period(
    client_for, cast, insured
):
    _became_second_category(insured, cast["madoguchi"], date(2025, 10, 1))
    data = {**APP, "applied_on": "R7.11.10", "start": "R7.7", "end": "R8.6"}
    response = intake(client_for("madoguchi"), "application", insured, **data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "令和7年10月〜令和8年6月の分: 第2号の方は国民年金保険料の全額免除の対象外です" in html
    assert not Entry.objects.exists()


def test_months_before_the_first_category_acquisition_are_refused(client_for, cast, family):
    person = family["applicant"]
    qualify(person, cast["madoguchi"], acquired_on=date(2025, 9, 1))
    data = {**APP, "applied_on": "R7.9.10", "start": "R7.7", "end": "R8.6"}
    html = intake(client_for("madoguchi"), "application", person, **data).content.decode()
    assert "令和7年7月〜令和7年8月の分: 国民年金の資格の記録がない" in html
    assert not Entry.objects.exists()
