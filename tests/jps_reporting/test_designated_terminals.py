"""Designated terminals: the F1 file only from EXPORT_ALLOWED_NETWORKS; refusals audited."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from audit.models import Action, AuditEvent
from kokumin_nenkin.terminals import is_designated_terminal

pytestmark = pytest.mark.urls("tests.jps_reporting.terminal_urls")

ALLOWED = "192.0.2.10"  # documentation ranges only: no traffic is sent anywhere
OUTSIDE = "198.51.100.7"
PROXY = "203.0.113.1"
URL = "/test-export/f1"


@pytest.fixture
def terminals(settings):
    settings.EXPORT_ALLOWED_NETWORKS = ["192.0.2.0/28", "2001:db8:1::/64"]
    settings.TRUSTED_PROXIES = []
    return settings


def refusals():
    return AuditEvent.objects.filter(action=Action.EXPORT, details__結果="refused")


def test_export_from_a_designated_terminal_is_served(terminals, client_for):
    response = client_for("shintatsu").get(URL, REMOTE_ADDR=ALLOWED)
    assert response.status_code == 200 and response.content == b"F1"
    assert not refusals().exists()


def test_export_from_elsewhere_is_refused_and_the_refusal_is_audited(terminals, client_for, cast):
    response = client_for("shintatsu").get(URL, REMOTE_ADDR=OUTSIDE)
    assert response.status_code == 403
    assert "この端末からは出力できません" in response.content.decode()
    assert response.content != b"F1"
    event = refusals().get()
    assert event.actor == cast["shintatsu"]
    assert event.client_ip == OUTSIDE
    assert event.details["目的"] == "電子媒体ファイル（F1）の作成"


def test_a_forged_forwarded_for_header_does_not_make_a_terminal_designated(terminals, client_for):
    response = client_for("shintatsu").get(URL, REMOTE_ADDR=OUTSIDE, HTTP_X_FORWARDED_FOR=ALLOWED)
    assert response.status_code == 403
    assert refusals().get().client_ip == OUTSIDE


@pytest.mark.parametrize(
    ("forwarded", "status"),
    [
        (ALLOWED, 200),  # the proxy says the client is a designated terminal
        (OUTSIDE, 403),
        (f"{ALLOWED}, {OUTSIDE}", 403),  # the client forged the left-most hop
    ],
)
def test_behind_a_trusted_proxy_the_proxy_names_the_client(
    terminals, client_for, forwarded, status
):
    terminals.TRUSTED_PROXIES = [f"{PROXY}/32"]
    response = client_for("shintatsu").get(URL, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)
    assert response.status_code == status


def test_staff_without_the_permission_never_reaches_the_terminal_check(terminals, client_for):
    response = client_for("madoguchi").get(URL, REMOTE_ADDR=ALLOWED)
    assert response.status_code == 403
    assert not refusals().exists()


@pytest.mark.parametrize(
    ("networks", "address", "allowed"),
    [
        ([], "127.0.0.1", False),  # nothing configured: nowhere
        (["192.0.2.0/28"], "192.0.2.15", True),
        (["192.0.2.0/28"], "192.0.2.16", False),
        (["2001:db8:1::/64"], "2001:db8:1::5", True),
        (["2001:db8:1::/64"], "2001:db8:2::5", False),
    ],
)
def test_the_setting_is_a_list_of_networks(settings, networks, address, allowed):
    settings.EXPORT_ALLOWED_NETWORKS = networks
    settings.TRUSTED_PROXIES = []
    request = RequestFactory().get("/", REMOTE_ADDR=address)
    assert is_designated_terminal(request) is allowed


def test_a_malformed_network_is_a_configuration_error(settings):
    settings.EXPORT_ALLOWED_NETWORKS = ["192.0.2.0/33"]
    with pytest.raises(ImproperlyConfigured, match="EXPORT_ALLOWED_NETWORKS"):
        is_designated_terminal(RequestFactory().get("/", REMOTE_ADDR=ALLOWED))
