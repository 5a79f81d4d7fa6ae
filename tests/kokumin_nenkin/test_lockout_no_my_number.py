"""Issue 11, item 12: a 個人番号 typed into the user-ID box by mistake is never stored in the
lock-out tables (nor the audit log); the lock-out still counts it."""

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.test import Client
from django.urls import reverse

from audit.models import AuditEvent

NUMBER = "987654321093"


@pytest.mark.django_db
def test_a_my_number_typed_as_the_user_id_is_not_stored(settings):
    settings.AXES_FAILURE_LIMIT = 3
    client = Client()
    for typed in (NUMBER, "9876 5432 1093", NUMBER):
        client.post(reverse("accounts:login"), {"username": typed, "password": "x-wrong-1234"})
    stored = [
        *AccessAttempt.objects.values_list("username", "post_data", "get_data"),
        *AccessFailureLog.objects.values_list("username", "path_info"),
    ]
    assert stored
    for row in stored:
        for value in row:
            assert "9876" not in str(value), row
    assert not any("9876" in str(e.details) for e in AuditEvent.objects.all())
    # still counted: the third try is locked out
    assert (
        client.post(
            reverse("accounts:login"), {"username": NUMBER, "password": "x-wrong-1234"}
        ).status_code
        == 429
    )
