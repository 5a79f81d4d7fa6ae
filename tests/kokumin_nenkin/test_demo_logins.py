"""`make run` prints the address it really serves on (HOST / PORT), not a fixed one."""

from io import StringIO

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_the_demo_logins_name_the_host_and_port_given(settings):
    settings.DEMO_MODE = True
    out = StringIO()
    call_command("demo_logins", host="192.0.2.5", port="8123", stdout=out)
    assert "http://192.0.2.5:8123/" in out.getvalue() and ":8000" not in out.getvalue()
