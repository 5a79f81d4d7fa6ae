"""The home page: each role sees its own blocks, counted by the view through selectors and the
apps' registered summaries; rendering the page writes nothing."""

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory

from audit.models import AuditEvent
from audit.selectors import abnormal_summary
from kokumin_nenkin.accounts.models import Role
from kokumin_nenkin.home import registered_summaries


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name, shown, hidden",
    [
        ("shintatsu", ["未進達の受付 0件"], ["確認待ち", "異常アクセスの概要", "継続申請"]),
        ("kakunin", ["確認待ち 0件", "継続申請（全額免除・納付猶予）の作成"], ["未進達の受付"]),
        ("madoguchi", ["受付中 0件（差戻し 0件）"], ["未進達の受付", "継続申請"]),
        ("kansa", ["異常アクセスの概要"], ["未進達の受付", "受付中", "継続申請"]),
    ],
)
def test_each_role_sees_its_own_home_blocks(client_for, name, shown, hidden):
    page = client_for(name).get("/").content.decode()
    for text in shown:
        assert text in page
    for text in hidden:
        assert text not in page


def test_the_apps_register_their_home_blocks():
    codes = [s.code for s in registered_summaries()]
    assert {"exemptions.renewals", "jps_reporting.unreported"} <= set(codes)


@pytest.mark.django_db
def test_rendering_the_home_template_writes_no_audit_row(cast):
    request = RequestFactory().get("/")
    request.user = cast["kansa"]
    request.user.is_verified = lambda: True  # as OTPMiddleware would have marked it
    before = AuditEvent.objects.count()
    html = render_to_string(
        "home.html",
        {"role": Role.AUDITOR, "Role": Role, "summaries": [], "abnormal": abnormal_summary(7)},
        request=request,
    )
    assert "直近7日間" in html
    assert AuditEvent.objects.count() == before  # only the view records that it was seen
