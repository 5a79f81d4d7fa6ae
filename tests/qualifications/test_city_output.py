"""F5 to 市民課: each verified 取得 / 喪失 / 種別変更 queued once, written once (UTF-8 with BOM,
FORMATS.md F5, no 個人番号), stored with its SHA-256, audited per person."""

import hashlib
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from audit.models import AuditEvent
from kokumin_nenkin.identifiers import my_number_check_digit
from kokumin_nenkin.verification.services import entry_submit
from qualifications.city_output import NothingToWrite, city_file_write
from qualifications.models import CityNotice, CityNoticeFile
from tests.factories import make_person

from .factories import acquisition_payload, approve

NUMBER = "98765432109" + str(my_number_check_digit("98765432109"))
HEADER = "宛名番号,変更区分,被保険者種別,資格取得年月日,資格喪失年月日,基礎年金番号,変更年月日"


def submit(kind, person, payload, cast):
    entry = entry_submit(
        kind=f"qualifications.{kind}", person=person, payload=payload, actor=cast["madoguchi"]
    )
    return approve(entry, cast["kakunin"])


@pytest.mark.django_db
def test_each_change_kind_is_written_once_without_my_number(cast):
    p = make_person(
        addressee_number="1000000001",
        my_number_value=NUMBER,
        basic_pension_number="1234-567890",
        birth_date=date(1995, 6, 15),
        household=None,
    )
    submit("acquisition", p, acquisition_payload("2015-06-14"), cast)
    submit(
        "category_change",
        p,
        {"notified_on": "2020-04-02", "category": "2", "cause": "21", "changed_on": "2020-04-01"},
        cast,
    )
    submit(
        "category_change",
        p,
        {"notified_on": "2022-04-02", "category": "1", "cause": "23", "changed_on": "2022-04-01"},
        cast,
    )
    submit(
        "loss",
        p,
        {
            "notified_on": "2025-04-02",
            "cause": "11",
            "event_on": "2025-03-31",
            "lost_on": "2025-04-01",
            "reason": "",
        },
        cast,
    )
    assert CityNotice.objects.filter(file__isnull=True).count() == 4
    output = city_file_write(actor=cast["shintatsu"])
    text = bytes(output.content).decode("utf-8")
    assert text.startswith("\ufeff")
    assert text.splitlines() == [
        "\ufeff" + HEADER,
        "1000000001,取得,1,2015-06-14,,1234-567890,2015-06-14",
        "1000000001,種別変更,2,2015-06-14,,1234-567890,2020-04-01",
        "1000000001,種別変更,1,2015-06-14,,1234-567890,2022-04-01",
        "1000000001,喪失,1,2015-06-14,2025-04-01,1234-567890,2025-04-01",
    ]
    assert NUMBER not in text
    assert output.sha256 == hashlib.sha256(bytes(output.content)).hexdigest()
    events = AuditEvent.objects.filter(action="export", person_id=p.pk)
    assert events.count() == 1 and events.get().details["件数"] == 4
    with pytest.raises(NothingToWrite):
        city_file_write(actor=cast["shintatsu"])  # never twice


@pytest.mark.django_db
def test_the_command_writes_the_file_and_refuses_when_nothing_is_queued(cast, tmp_path):
    p = make_person(birth_date=date(1995, 6, 15), household=None)
    submit("acquisition", p, acquisition_payload("2015-06-14"), cast)
    out = tmp_path / "f5.csv"
    call_command("write_city_changes", str(out), "--user", "shintatsu")
    assert out.read_bytes().startswith("\ufeff".encode())
    with pytest.raises(CommandError, match="ありません"):
        call_command("write_city_changes", str(out), "--user", "shintatsu")


# --- the F5 screen: written by a 進達担当, downloaded only from a designated terminal --------
ALLOWED = "192.0.2.10"  # documentation ranges only
OUTSIDE = "198.51.100.7"
FILES_URL = "/persons/city-changes/"


@pytest.fixture
def terminals(settings):
    settings.EXPORT_ALLOWED_NETWORKS = ["192.0.2.0/28"]
    settings.TRUSTED_PROXIES = []
    return settings


@pytest.fixture
def queued(cast):
    p = make_person(addressee_number="1000000007", household=None, birth_date=date(1995, 6, 15))
    submit("acquisition", p, acquisition_payload("2015-06-14"), cast)
    return p


@pytest.mark.django_db
def test_the_f5_file_is_written_on_the_screen_and_downloaded_from_a_designated_terminal(
    terminals, client_for, queued
):
    client = client_for("shintatsu")
    page = client.get(FILES_URL, REMOTE_ADDR=ALLOWED)
    assert page.status_code == 200 and "未通知の異動: <strong>1件</strong>" in page.content.decode()
    assert client.post(FILES_URL, REMOTE_ADDR=ALLOWED).status_code == 302
    output = queued_file()
    page = client.get(FILES_URL, REMOTE_ADDR=ALLOWED).content.decode()
    assert output.filename in page and "未通知の異動: <strong>0件</strong>" in page
    response = client.get(f"{FILES_URL}{output.pk}/download/", REMOTE_ADDR=ALLOWED)
    assert response.status_code == 200 and response.content == bytes(output.content)
    assert response.content.decode("utf-8-sig").splitlines()[1].startswith("1000000007,取得,1,")
    served = AuditEvent.objects.get(action="export", details__結果="served")
    assert served.person_id == queued.pk and served.client_ip == ALLOWED


@pytest.mark.django_db
def test_the_f5_download_elsewhere_is_refused_and_audited(terminals, client_for, queued, cast):
    client = client_for("shintatsu")
    client.post(FILES_URL, REMOTE_ADDR=OUTSIDE)  # writing it is allowed anywhere
    output = queued_file()
    response = client.get(f"{FILES_URL}{output.pk}/download/", REMOTE_ADDR=OUTSIDE)
    assert response.status_code == 403
    body = response.content.decode()
    assert "この端末からは出力できません" in body and "1000000007" not in body
    refused = AuditEvent.objects.get(action="export", details__結果="refused")
    assert refused.actor == cast["shintatsu"] and refused.client_ip == OUTSIDE
    assert refused.details["目的"] == "市民課への通知ファイル（F5）の出力"
    assert not AuditEvent.objects.filter(action="export", details__結果="served").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["madoguchi", "kakunin", "kansa"])
def test_only_the_report_clerk_reaches_the_f5_screen(terminals, client_for, name):
    assert client_for(name).get(FILES_URL, REMOTE_ADDR=ALLOWED).status_code == 403


def queued_file():
    return CityNoticeFile.objects.get()
