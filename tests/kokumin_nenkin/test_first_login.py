"""First login: temporary password → new password → authenticator enrolment by QR code → in.
The same enrolment follows an administrator's second-factor reset."""

import base64
import re
import time
from urllib.parse import parse_qs, unquote, urlparse

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from kokumin_nenkin.accounts.models import Office, Role
from kokumin_nenkin.accounts.services import staff_create, staff_reset_second_factor
from kokumin_nenkin.accounts.signals import second_factor_passed
from kokumin_nenkin.accounts.totp import current_code
from tests.conftest import PASSWORD, totp_for
from tests.kokumin_nenkin.test_lockout import Caught

LOGIN = reverse("accounts:login")
OTP = reverse("accounts:otp")
ENROL = reverse("accounts:enrol")
CHANGE = reverse("accounts:password_change")
NEW_PASSWORD = "Fresh-Start-Pass-31"


@pytest.fixture
def newcomer(cast):
    return staff_create(
        username="shinnin",
        full_name="新任 花子",
        office=Office.objects.get(code="oosato"),
        role=Role.COUNTER,
        actor=cast["kanri"],
    )


def enrolment_device(user) -> TOTPDevice:
    return TOTPDevice.objects.get(user=user, confirmed=False)


@pytest.mark.django_db
def test_the_whole_first_login(newcomer, monkeypatch):
    # The authenticator's clock is held in the middle of a 30-second step, so a slow run
    # cannot cross a step between typing a code and sending it.
    clock = [time.time() // 30 * 30 + 10]
    monkeypatch.setattr("django_otp.oath.time", lambda: clock[0])
    user, temporary = newcomer.staff, newcomer.password
    client = Client()
    response = client.post(LOGIN, {"username": "shinnin", "password": temporary})
    assert response["Location"] == CHANGE
    assert client.get("/")["Location"] == CHANGE
    assert client.get(OTP)["Location"] == CHANGE
    assert client.get(ENROL)["Location"] == CHANGE

    response = client.post(
        CHANGE,
        {"old_password": temporary, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response["Location"] == ENROL
    assert client.get("/")["Location"] == ENROL

    page = client.get(ENROL)
    html = page.content.decode()
    assert page.status_code == 200 and "認証アプリの登録" in html
    qr = re.search(r'<img src="(data:image/svg\+xml[^"]+)"', html)
    assert qr, "the QR code is an inline data: image (the CSP allows img data: only)"
    device = enrolment_device(user)
    secret = base64.b32encode(device.bin_key).decode()
    shown = re.search(r'<code class="secret">([A-Z2-7 ]+)</code>', html).group(1)
    assert shown.replace(" ", "") == secret
    # The QR code carries the otpauth URL with the same secret and our issuer.
    svg = unquote(qr.group(1))
    assert "<svg" in svg
    params = parse_qs(urlparse(device.config_url).query)
    assert params["secret"] == [secret] and "国民年金事務システム" in params["issuer"][0]

    with Caught(second_factor_passed) as passed:
        enrolment_code = current_code(device)
        response = client.post(ENROL, {"token": enrolment_code})
    assert response["Location"] == "/"
    assert passed.calls
    home = client.get("/")
    assert home.status_code == 200 and "大里行政センター" in home.content.decode()
    device.refresh_from_db()
    assert device.confirmed
    assert TOTPDevice.objects.filter(user=user).count() == 1

    # Next time: password, then the code from the enrolled app.
    again = Client()
    assert again.post(LOGIN, {"username": "shinnin", "password": NEW_PASSWORD})["Location"] == OTP
    # The code used for the enrolment cannot be replayed; the next step's code works.
    assert again.post(OTP, {"token": enrolment_code}).status_code == 200
    device.refresh_from_db()
    device.throttling_failure_timestamp = None
    device.save()
    clock[0] += device.step
    assert again.post(OTP, {"token": current_code(device)})["Location"] == "/"


@pytest.mark.django_db
def test_the_qr_code_stays_the_same_until_confirmed(newcomer):
    user = newcomer.staff
    user.must_change_password = False
    user.save(update_fields=["must_change_password"])
    client = Client()
    client.post(LOGIN, {"username": "shinnin", "password": newcomer.password})
    first = client.get(ENROL).content
    second = client.get(ENROL).content
    assert re.search(rb'<code class="secret">[^<]+', first).group(0) == re.search(
        rb'<code class="secret">[^<]+', second
    ).group(0)
    assert TOTPDevice.objects.filter(user=user).count() == 1


@pytest.mark.django_db
def test_a_wrong_enrolment_code_is_refused_and_throttled(newcomer):
    user = newcomer.staff
    user.must_change_password = False
    user.save(update_fields=["must_change_password"])
    client = Client()
    client.post(LOGIN, {"username": "shinnin", "password": newcomer.password})
    client.get(ENROL)
    device = enrolment_device(user)
    wrong = f"{(int(current_code(device)) + 500_000) % 1_000_000:06d}"
    response = client.post(ENROL, {"token": wrong})
    assert "確認コードが正しくありません" in response.content.decode()
    response = client.post(ENROL, {"token": current_code(device)})
    assert "しばらく入力できません" in response.content.decode()
    assert client.get("/")["Location"] == ENROL


@pytest.mark.django_db
def test_a_user_with_a_device_cannot_enrol_another(cast):
    client = Client()
    client.post(LOGIN, {"username": "kakunin", "password": PASSWORD})
    assert client.get(ENROL)["Location"] == OTP
    assert not TOTPDevice.objects.filter(user=cast["kakunin"], confirmed=False).exists()


@pytest.mark.django_db
def test_after_a_second_factor_reset_the_user_enrols_again(cast):
    user = cast["madoguchi"]
    old_code = totp_for(user)
    assert staff_reset_second_factor(staff=user, actor=cast["kanri"]) == 1
    client = Client()
    response = client.post(LOGIN, {"username": "madoguchi", "password": PASSWORD})
    assert response["Location"] == ENROL
    assert client.post(OTP, {"token": old_code})["Location"] == ENROL
    client.get(ENROL)
    response = client.post(ENROL, {"token": current_code(enrolment_device(user))})
    assert response["Location"] == "/"
