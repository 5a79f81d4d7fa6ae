"""Each exemption or 付加 record maps to its 届書種類 and F1 period fields."""

from datetime import date

import pytest

from exemptions.reporting import report_fields
from exemptions.services import (
    additional_premium_apply,
    additional_premium_withdraw,
    exemption_application_create,
    maternity_exemption_create,
    statutory_exemption_create,
    statutory_exemption_end,
)
from kokumin_nenkin import wareki

from .conftest import make_person

d = date


@pytest.mark.django_db
def test_every_record_kind_maps_to_its_form_and_period(cast):
    actor = cast["madoguchi"]
    person = make_person()
    full = exemption_application_create(
        person=person,
        exemption_class="02",
        start=d(2024, 7, 1),
        end=d(2025, 6, 1),
        applied_on=d(2024, 8, 5),
        category="1",
        actor=actor,
    )
    f = report_fields(full)
    assert (f.form_kind, f.form_label, f.exemption_class) == (
        "11",
        "保険料免除・納付猶予申請書",
        "02",
    )
    assert wareki.to_jps_month(f.period_start.year, f.period_start.month) == "90607"
    assert wareki.to_jps_month(f.period_end.year, f.period_end.month) == "90706"

    student = exemption_application_create(
        person=make_person(),
        exemption_class="06",
        start=d(2024, 4, 1),
        end=d(2025, 3, 1),
        applied_on=d(2024, 5, 1),
        category="1",
        school_name="熊谷テスト大学",
        actor=actor,
    )
    assert report_fields(student).form_kind == "12"

    statutory = statutory_exemption_create(
        person=make_person(),
        reason="livelihood",
        applies_on=d(2025, 4, 10),
        notified_on=d(2025, 4, 20),
        category="1",
        actor=actor,
    )
    f = report_fields(statutory)
    assert (f.form_kind, f.exemption_class, f.period_start, f.period_end) == (
        "13",
        "07",
        d(2025, 3, 1),
        None,
    )
    statutory = statutory_exemption_end(
        exemption=statutory, ended_on=d(2025, 9, 1), end_reason="廃止", actor=actor
    )
    f = report_fields(statutory)
    assert (f.form_kind, f.effective_date, f.period_end) == ("14", d(2025, 9, 1), d(2025, 9, 1))

    maternity = maternity_exemption_create(
        person=make_person(),
        due_date=d(2025, 8, 15),
        multiple=False,
        notified_on=d(2025, 5, 1),
        category="1",
        actor=actor,
    )
    f = report_fields(maternity)
    assert (f.form_kind, f.exemption_class, f.period_start, f.period_end) == (
        "15",
        "08",
        d(2025, 7, 1),
        d(2025, 10, 1),
    )

    payer = make_person()
    premium = additional_premium_apply(
        person=payer, applied_on=d(2025, 7, 10), category="1", actor=actor
    )
    f = report_fields(premium)
    assert (f.form_kind, f.exemption_class, f.period_start) == ("21", "00", d(2025, 7, 1))
    premium = additional_premium_withdraw(
        premium=premium, applied_on=d(2025, 12, 3), reason="本人の申出", actor=actor
    )
    assert report_fields(premium).form_kind == "22"
    with pytest.raises(TypeError):
        report_fields(payer)
