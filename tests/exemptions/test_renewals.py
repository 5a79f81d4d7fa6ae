"""継続申請 (DOMAIN_RULES §2: 全額免除 and 納付猶予 renewed yearly without a new form), through
real HTTP: the 確認担当's work list with the new year's pre-screening, the renewal entries made
from it, and a second 確認担当 verifying them (maker ≠ checker)."""

from datetime import date

import pytest

from exemptions import services
from exemptions.models import DecisionStatus, ExemptionApplication
from exemptions.periods import Period
from kokumin_nenkin.identifiers import contains_my_number_like
from kokumin_nenkin.verification.models import Entry
from kokumin_nenkin.verification.models import Status as EntryStatus
from tests.conftest import shown_version

from .conftest import give_income, make_person
from .test_intake import qualify

URL = "/exemptions/renewals/?year=2026"


@pytest.fixture
def client_for(client_for):
    clients = {}

    def get(name):
        if name not in clients:
            clients[name] = client_for(name)
        return clients[name]

    return get


def approved_last_year(person, actor, *, cls="01", continuing=True):
    """An application for 令和7年度 (R7.7–R8.6) that JPS approved."""
    app = services.exemption_application_create(
        person=person,
        exemption_class=cls,
        start=date(2025, 7, 1),
        end=date(2026, 6, 1),
        applied_on=date(2025, 8, 1),
        actor=actor,
        continuing=continuing,
    )
    return services.exemption_record_decision(
        application=app,
        result="1",
        approved=Period(date(2025, 7, 1), date(2026, 6, 1)),
        actor=actor,
    )


@pytest.fixture
def candidates(family, cast):
    """The family's applicant (low 令和7年 income, 継続 asked), a single person whose income
    rose (継続 asked), and one who did not ask for 継続."""
    actor = cast["kakunin2"]
    for member in ("applicant", "spouse", "head"):
        give_income(family[member], 2024, 300_000)
        give_income(family[member], 2025, 300_000)
    qualify(family["applicant"], cast["madoguchi"])
    renewing = approved_last_year(family["applicant"], actor)
    richer = make_person(family="大里", given="次郎", birth=date(1985, 2, 2), householder=True)
    give_income(richer, 2024, 300_000)
    give_income(richer, 2025, 3_000_000)
    qualify(richer, cast["madoguchi"])
    rich = approved_last_year(richer, actor, cls="05")
    other = make_person(family="妻沼", given="三郎", birth=date(1988, 3, 3), householder=True)
    give_income(other, 2024, 300_000)
    qualify(other, cast["madoguchi"])
    approved_last_year(other, actor, continuing=False)
    return {"renewing": renewing, "rich": rich, "other": other}


def test_the_work_list_shows_who_renews_with_the_new_years_prescreening(client_for, candidates):
    page = client_for("kakunin").get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    renewing, rich = candidates["renewing"], candidates["rich"]
    assert renewing.person.full_name in html and rich.person.full_name in html
    assert candidates["other"].full_name not in html  # no 継続 asked
    assert "全額免除相当" in html and "○ 該当" in html and "× 基準超過" in html
    assert f'value="{renewing.pk}" aria-label' in html and "checked" in html
    assert not contains_my_number_like(html)
    assert client_for("madoguchi").get(URL).status_code == 403  # the counter clerk: no


def test_renewal_entries_are_made_by_one_checker_and_approved_by_another(
    client_for, candidates, cast
):
    renewing = candidates["renewing"]
    response = client_for("kakunin").post(URL, {"previous": [renewing.pk]})
    assert response.status_code == 302
    entry = Entry.objects.get(kind="exemptions.renewal")
    assert entry.maker == cast["kakunin"] and entry.status == EntryStatus.PENDING
    assert entry.form_code == "11" and entry.person_id == renewing.person_id
    assert not ExemptionApplication.objects.filter(period_year=2026).exists()
    listed = client_for("kakunin").get(URL).content.decode()
    assert "確認待ち" in listed

    approve = f"/entries/{entry.pk}/approve/"
    own = client_for("kakunin").post(
        approve, {"rekey-exemption_class": "01", "version": shown_version(entry)}
    )
    assert own.status_code in (403, 409)  # maker ≠ checker
    assert (
        client_for("kakunin2")
        .post(approve, {"rekey-exemption_class": "05", "version": shown_version(entry)})
        .status_code
        == 409
    )
    ok = client_for("kakunin2").post(
        approve, {"rekey-exemption_class": "01", "version": shown_version(entry)}
    )
    assert ok.status_code == 302
    new = ExemptionApplication.objects.get(period_year=2026)
    assert (new.decision, new.exemption_class, new.renewal_of, new.continuing) == (
        DecisionStatus.AWAITING,
        "01",
        renewing,
        True,
    )
    assert (new.start_month, new.end_month) == (date(2026, 7, 1), date(2027, 6, 1))
    assert new.operator == cast["kakunin"] and new.receipt_number == entry.receipt_number
    assert "全額免除" in new.screening_summary
    # Renewed: no longer on the list.
    assert renewing.person.full_name not in client_for("kakunin").get(URL).content.decode()


def test_a_renewal_the_rules_refuse_is_not_made_and_says_why(client_for, candidates):
    rich = candidates["rich"]
    # The 納付猶予 holder turns 50 during the new year: refused by the application's rules.
    type(rich.person).objects.filter(pk=rich.person_id).update(birth_date=date(1976, 9, 1))
    response = client_for("kakunin").post(URL, {"previous": [rich.pk]})
    assert response.status_code == 400
    assert "納付猶予は50歳未満の期間に限られます" in response.content.decode()
    assert not Entry.objects.filter(kind="exemptions.renewal").exists()


def test_the_work_list_prints_on_a4_with_one_print_event_per_person(client_for, candidates):
    """Issue 14, item 9: the 継続申請 list is printable; each person printed is audited."""
    import io

    from pypdf import PdfReader

    from audit.models import Action, AuditEvent

    client = client_for("kakunin")
    assert "/exemptions/renewals/pdf/?year=2026" in client.get(URL).content.decode()
    response = client.get("/exemptions/renewals/pdf/?year=2026")
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = "".join(p.extract_text() for p in reader.pages)
    page = reader.pages[0].mediabox
    assert round(float(page.width)) in (595, 842)  # A4
    for c in (candidates["renewing"], candidates["rich"]):
        assert c.person.family_name in text
    printed = AuditEvent.objects.filter(action=Action.PRINT)
    assert {e.person_id for e in printed} == {
        candidates["renewing"].person_id,
        candidates["rich"].person_id,
    }
    assert not contains_my_number_like(text)
