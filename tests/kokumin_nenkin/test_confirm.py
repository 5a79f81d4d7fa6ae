"""Confirm before what cannot be undone (issue 14, item 6): 承認, 差戻し, 進達確定, the JPS results'
apply, password reset, second-factor reset and deactivation first answer with a confirmation
page (one mechanism, kokumin_nenkin.confirm); only its confirm button acts; a second submit of
the same confirmation does nothing twice."""

import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from jps_reporting.models import Batch
from kokumin_nenkin.accounts.kinds import STAFF_CHANGE
from kokumin_nenkin.accounts.models import Role
from kokumin_nenkin.confirm import ALREADY_DONE, EXPIRED
from kokumin_nenkin.verification import services
from kokumin_nenkin.verification.models import Entry, Status
from tests.conftest import (
    StaffClient,
    confirmation_fields,
    is_confirmation,
    login,
    make_staff,
    shown_version,
)
from tests.jps_reporting.flow import approved_acquisition
from tests.qualifications.factories import acquisition_payload, make_person
from tests.urlconf import ALL_PATTERNS

ACQ = "qualifications.acquisition"
REKEY = {"rekey-acquired_on": "2010-06-14", "rekey-cause": "01", "rekey-category": "1"}


@pytest.fixture
def pending(cast):
    person = make_person()
    return services.entry_submit(
        kind=ACQ, person=person, payload=acquisition_payload("2010-06-14"), actor=cast["madoguchi"]
    )


def ask(client, url, data=None):
    """Press the screen's button: the answer is the question, nothing done yet."""
    response = client.post(url, data or {}, confirm=False)
    assert response.status_code == 200
    assert is_confirmation(response), "the action ran without asking"
    return response


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def assert_confirmation_page(page: str, *, back: str) -> None:
    assert "この操作は取り消せません" in page
    assert re.search(r'<button type="submit" class="primary" autofocus', page)  # Enter confirms
    assert f'href="{back}">やめて戻る</a>' in page  # Tab reaches the way back
    assert "<script>" not in page and "onclick" not in page  # no inline script (CSP)


def test_approval_asks_first_then_approves_once(client_for, pending):
    checker = client_for("kakunin")
    url = reverse("verification:approve", args=[pending.pk])
    data = {**REKEY, "version": shown_version(pending)}
    question = ask(checker, url, data)
    page = question.content.decode()
    assert f"受付番号 {pending.receipt_number} を承認します" in page
    assert_confirmation_page(page, back=reverse("verification:detail", args=[pending.pk]))
    assert "2010-06-14" not in page  # what was typed travels sealed, not in the page
    assert Entry.objects.get(pk=pending.pk).status == Status.PENDING

    fields = confirmation_fields(question)
    done = checker.post(url, fields, confirm=False)
    assert done.status_code == 302
    assert Entry.objects.get(pk=pending.pk).status == Status.APPROVED

    again = checker.post(url, fields, confirm=False)  # a double click, a reload
    assert again.status_code == 302
    assert again["Location"] == reverse("verification:detail", args=[pending.pk])
    assert ALREADY_DONE in messages_of(again)
    assert pending.history.filter(to_status=Status.APPROVED).count() == 1


def test_return_asks_first_and_a_second_submit_changes_nothing(client_for, pending):
    checker = client_for("kakunin")
    url = reverse("verification:return", args=[pending.pk])
    question = ask(checker, url, {"reason": "届出日を確認してください"})
    assert "差し戻します" in question.content.decode()
    assert Entry.objects.get(pk=pending.pk).status == Status.PENDING
    fields = confirmation_fields(question)
    assert checker.post(url, fields, confirm=False).status_code == 302
    entry = Entry.objects.get(pk=pending.pk)
    assert entry.status == Status.RETURNED and entry.return_reason == "届出日を確認してください"
    checker.post(url, fields, confirm=False)
    assert pending.history.filter(to_status=Status.RETURNED).count() == 1


def test_a_tampered_confirmation_does_nothing(client_for, pending):
    checker = client_for("kakunin")
    url = reverse("verification:approve", args=[pending.pk])
    fields = confirmation_fields(ask(checker, url, {**REKEY, "version": shown_version(pending)}))
    fields["confirm_data"] = fields["confirm_data"][:-4] + "AAAA"
    response = checker.post(url, fields, confirm=False)
    assert response.status_code == 302 and EXPIRED in messages_of(response)
    assert Entry.objects.get(pk=pending.pk).status == Status.PENDING


def test_a_confirmation_of_another_url_does_nothing(client_for, pending, cast):
    checker = client_for("kakunin")
    other = services.entry_submit(
        kind=ACQ,
        person=make_person(),
        payload=acquisition_payload("2010-06-14"),
        actor=cast["madoguchi"],
    )
    url = reverse("verification:approve", args=[pending.pk])
    fields = confirmation_fields(ask(checker, url, {**REKEY, "version": shown_version(pending)}))
    response = checker.post(reverse("verification:approve", args=[other.pk]), fields, confirm=False)
    assert EXPIRED in messages_of(response)
    assert Entry.objects.get(pk=other.pk).status == Status.PENDING


def test_batch_confirmation_asks_first_and_makes_one_batch(client_for, cast):
    entry = approved_acquisition(cast["madoguchi"], cast["kakunin"])
    clerk = client_for("shintatsu")
    data = {"cutoff": timezone.localdate().isoformat(), "entry": [entry.pk]}
    question = ask(clerk, "/jps/batches/new/", data)
    assert "受付 1件で進達を確定します" in question.content.decode()
    assert not Batch.objects.exists()
    fields = confirmation_fields(question)
    assert clerk.post("/jps/batches/new/", fields, confirm=False).status_code == 302
    again = clerk.post("/jps/batches/new/", fields, confirm=False)
    assert ALREADY_DONE in messages_of(again)
    assert Batch.objects.count() == 1


@pytest.mark.parametrize(
    ("name", "asks", "effect"),
    [
        ("accounts:staff_deactivate", "を無効にします", "deactivated"),
        ("accounts:staff_reset_password", "パスワードのリセットを依頼します", "requested"),
        ("accounts:staff_reset_second_factor", "二要素認証のリセットを依頼します", "requested"),
    ],
)
def test_account_actions_ask_first_and_act_once(client_for, cast, name, asks, effect):
    admin = client_for("kanri")
    target = cast["kansa"]
    url = reverse(name, args=[target.pk])
    question = ask(admin, url)
    page = question.content.decode()
    assert asks in page and "kansa" in page
    assert_confirmation_page(page, back=reverse("accounts:staff_detail", args=[target.pk]))
    target.refresh_from_db()
    assert target.is_active and not Entry.objects.filter(kind=STAFF_CHANGE).exists()
    fields = confirmation_fields(question)
    admin.post(url, fields, confirm=False)
    again = admin.post(url, fields, confirm=False)
    assert ALREADY_DONE in messages_of(again)
    target.refresh_from_db()
    if effect == "deactivated":
        assert not target.is_active
    else:
        assert Entry.objects.filter(kind=STAFF_CHANGE).count() == 1


def test_approving_an_account_change_asks_first_without_showing_the_user_id(client_for, cast):
    client_for("kanri").post(reverse("accounts:staff_reset_password", args=[cast["kansa"].pk]))
    entry = Entry.objects.get(kind=STAFF_CHANGE)
    second = login(StaffClient(), make_staff("kanri2", Role.ADMIN))
    url = reverse("accounts:staff_request_decide", args=[entry.pk, "approve"])
    question = ask(second, url, {"rekey-username": "kansa", "version": entry.version()})
    page = question.content.decode()
    assert "パスワードリセット" in page or "パスワードの" in page
    assert "kansa" not in page  # the approver types the user ID blind
    assert Entry.objects.get(pk=entry.pk).status == Status.PENDING
    done = second.post(url, confirmation_fields(question), confirm=False)
    assert done.status_code == 200 and "temporary-password" in done.content.decode()
    assert Entry.objects.get(pk=entry.pk).status == Status.APPROVED


# The URL conf: every button that cannot be undone goes through the one confirmation step.
MUST_CONFIRM = {
    "verification:approve",
    "verification:return",
    "jps_reporting:batch_new",
    "accounts:staff_deactivate",
    "accounts:staff_reset_password",
    "accounts:staff_reset_second_factor",
    "accounts:staff_request_decide",
    "resident_requests:purge_approve",
}


def test_every_irreversible_action_uses_the_confirmation_step():
    views = {url.name: url.view for url in ALL_PATTERNS if url.name}
    missing = {n for n in MUST_CONFIRM if not _confirms(views[n])}
    assert not missing


def _confirms(view) -> bool:
    while view is not None:
        if getattr(view, "confirms", False):
            return True
        view = getattr(view, "__wrapped__", None)
    return False
