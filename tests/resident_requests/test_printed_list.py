"""Issue 14, item 9: the open requests (本人からの請求 未決定の一覧) print as an A4 PDF by real
HTTP: the requests of the office chosen with their deadlines, who printed it and when; one print
event per person printed; a role without the permission is refused; no 個人番号."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import Action, AuditEvent
from kokumin_nenkin.identifiers import find_my_number_like
from kokumin_nenkin.wareki import format_date
from tests.factories import make_person
from tests.pdf import pdf_text

from .helpers import receive

pytestmark = pytest.mark.django_db


def test_the_open_requests_print_with_the_office_chosen(client_for, cast):
    today = timezone.localdate()
    late = receive(
        cast, make_person(family_name="期限", given_name="切子"), received_on=today - timedelta(40)
    )
    branch = {**cast, "madoguchi": cast["oosato"]}  # taken in at 大里行政センター
    other = receive(branch, make_person(family_name="大里", given_name="請求子"))
    counter = client_for("madoguchi")
    page = counter.get("/requests/", {"office": "honcho"}).content.decode()
    assert "/requests/print/?office=honcho" in page and f"第{other.pk}号" not in page

    response = counter.get("/requests/print/", {"office": "honcho"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = re.sub(r"\s+", "", pdf_text(response.content))  # pypdf may drop a space or not
    assert "本人からの請求未決定の一覧" in text and "本庁保険年金課" in text
    assert f"印刷者{cast['madoguchi'].full_name}".replace(" ", "") in text
    assert f"印刷日時{format_date(today)}" in text and "1/1" in text
    assert f"第{late.pk}号" in text and "切子" in text and "期限切れ" in text
    assert format_date(late.effective_deadline) in text
    assert f"第{other.pk}号" not in text and "請求子" not in text
    assert not find_my_number_like(text)

    printed = AuditEvent.objects.filter(action=Action.PRINT)
    assert [e.person_id for e in printed] == [late.person_id]
    assert printed[0].details["帳票"] == "本人からの請求 未決定の一覧"

    every = re.sub(r"\s+", "", pdf_text(counter.get("/requests/print/").content))
    assert f"第{other.pk}号" in every and "全事務所" in every


def test_the_open_requests_print_is_refused_without_the_permission(client_for, cast):
    receive(cast, make_person())
    for name in ("kanri", "kansa", "shintatsu"):
        assert client_for(name).get("/requests/print/").status_code == 403
    assert not AuditEvent.objects.filter(action=Action.PRINT).exists()
