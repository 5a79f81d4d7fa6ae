"""No bare error pages: a button's URL opened by GET goes back to the entry with a message; the
message of an empty 差戻し reason is shown once."""

import pytest

from kokumin_nenkin.verification import services
from tests.jps_reporting.flow import ACQ
from tests.qualifications.factories import acquisition_payload, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending(cast):
    return services.entry_submit(
        kind=ACQ,
        person=make_person(),
        payload=acquisition_payload("2010-06-14"),
        actor=cast["madoguchi"],
    )


@pytest.mark.parametrize("action,who", [("approve", "kakunin"), ("return", "kakunin")])
def test_a_get_of_a_button_url_goes_back_to_the_entry_with_a_message(
    client_for, pending, action, who
):
    client = client_for(who)
    response = client.get(f"/entries/{pending.pk}/{action}/")
    assert response.status_code == 302 and response["Location"] == f"/entries/{pending.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "この操作は画面のボタンから行ってください。" in page


def test_withdraw_by_get_goes_back_too(client_for, pending):
    response = client_for("madoguchi").get(f"/entries/{pending.pk}/withdraw/")
    assert response.status_code == 302 and response["Location"] == f"/entries/{pending.pk}/"


def test_an_empty_return_reason_is_said_once(client_for, pending):
    response = client_for("kakunin").post(f"/entries/{pending.pk}/return/", {"reason": ""})
    assert response.status_code == 409
    assert response.content.decode().count("差戻しの理由を入力してください。") == 1


def test_a_checker_without_a_decision_time_has_no_empty_brackets(client_for, pending, cast):
    from kokumin_nenkin.verification.models import Entry

    Entry.objects.filter(pk=pending.pk).update(checker=cast["kakunin"], decided_at=None)
    page = client_for("kakunin").get(f"/entries/{pending.pk}/").content.decode()
    assert f"確認者 {cast['kakunin']}" in page and "（）" not in page
