"""Each report line comes from its own entry: two entries of one person approved before the
same 進達 (該当届 and 消滅届, 申出 and 辞退, 取得 and 喪失) give two lines, each with its own
届書種類, 異動年月日 and period — never the record's latest state on both."""

from datetime import date

import pytest
from django.utils import timezone

from jps_reporting.formats.f1 import parse_f1
from jps_reporting.models import BatchOutput
from kokumin_nenkin import wareki
from kokumin_nenkin.verification import services
from tests.qualifications.factories import acquisition_payload, approve

from .flow import insured, make_person

pytestmark = pytest.mark.django_db


def submit(kind, person, payload, cast):
    entry = services.entry_submit(
        kind=kind, person=person, payload=payload, actor=cast["madoguchi"]
    )
    return approve(entry, cast["kakunin"])


def report(client_for, entries) -> dict[str, dict[str, str]]:
    """Confirm one 進達 of these entries over HTTP; the F1 data lines by 受付番号."""
    data = {"cutoff": timezone.localdate().isoformat(), "entry": [e.pk for e in entries]}
    data |= {f"message-{e.pk}": "" for e in entries}
    response = client_for("shintatsu").post("/jps/batches/new/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    f1 = bytes(BatchOutput.objects.get(kind="f1").content)
    return {r["受付番号"]: r for r in parse_f1(f1) if r["レコード区分"] == "2"}


def fields(line: dict[str, str]) -> tuple[str, str, str, str, str]:
    return (
        line["届書種類"],
        line["異動年月日"],
        line["免除区分"],
        line["期間開始"],
        line["期間終了"],
    )


def test_statutory_notice_and_its_end_in_one_batch_give_two_lines(client_for, cast):
    person = insured(cast["madoguchi"])
    arose = submit(
        "exemptions.statutory",
        person,
        {"notified_on": "2025-04-20", "reason": "livelihood", "applies_on": "2025-04-10"},
        cast,
    )
    ended = submit(
        "exemptions.statutory_end",
        person,
        {"notified_on": "2025-11-20", "ended_on": "2025-11-05", "end_reason": "生活扶助の廃止"},
        cast,
    )
    lines = report(client_for, [arose, ended])
    assert fields(lines[arose.receipt_number]) == (
        "13",
        wareki.to_jps_date(date(2025, 4, 10)),
        "07",
        "90703",
        "00000",
    )
    assert fields(lines[ended.receipt_number]) == (
        "14",
        wareki.to_jps_date(date(2025, 11, 5)),
        "07",
        "90703",
        "90711",
    )


def test_additional_premium_and_its_withdrawal_in_one_batch_give_two_lines(client_for, cast):
    person = insured(cast["madoguchi"])
    applied = submit(
        "exemptions.additional",
        person,
        {"applied_on": "2025-07-10", "join_reason": "", "national_pension_fund": "0"},
        cast,
    )
    withdrawn = submit(
        "exemptions.additional_withdrawal",
        person,
        {"applied_on": "2025-12-03", "reason": "納付が困難"},
        cast,
    )
    lines = report(client_for, [applied, withdrawn])
    assert fields(lines[applied.receipt_number]) == (
        "21",
        wareki.to_jps_date(date(2025, 7, 10)),
        "00",
        "90707",
        "00000",
    )
    assert fields(lines[withdrawn.receipt_number]) == (
        "22",
        wareki.to_jps_date(date(2025, 12, 3)),
        "00",
        "00000",
        "00000",
    )


def test_acquisition_and_loss_in_one_batch_give_two_lines(client_for, cast):
    person = make_person()
    acquired = submit("qualifications.acquisition", person, acquisition_payload("2010-06-14"), cast)
    lost = submit(
        "qualifications.loss",
        person,
        {
            "notified_on": "2025-10-05",
            "cause": "14",
            "event_on": "2025-10-01",
            "lost_on": "2025-10-01",
            "reason": "",
        },
        cast,
    )
    lines = report(client_for, [acquired, lost])
    acq, loss = lines[acquired.receipt_number], lines[lost.receipt_number]
    assert (acq["届書種類"], acq["異動年月日"], acq["事由コード"]) == (
        "01",
        wareki.to_jps_date(date(2010, 6, 14)),
        "01",
    )
    assert (loss["届書種類"], loss["異動年月日"], loss["事由コード"]) == (
        "02",
        wareki.to_jps_date(date(2025, 10, 1)),
        "14",
    )
