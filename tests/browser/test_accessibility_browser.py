"""axe-core over every role's home and the pages of the main journey (issue 14, item 12):
0 violations of any impact, each listed with its rule, impact and element when one appears."""

from datetime import date

import pytest
from django.utils import timezone

from jps_reporting.services import batch_confirm
from kokumin_nenkin.accounts.models import Role
from kokumin_nenkin.verification import services
from qualifications.models import Sex
from tests.conftest import make_staff
from tests.exemptions.conftest import make_person, qualify
from tests.jps_reporting.flow import approved_acquisition
from tests.qualifications.factories import acquisition_payload

from .axe import violations
from .test_login_and_idle_lock import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_every_home_and_journey_page_has_no_axe_violation(browser_page, live_server):
    clerk = make_staff("browser-madoguchi", Role.COUNTER)
    checker = make_staff("browser-kakunin", Role.SUPERVISOR)
    reporter = make_staff("browser-shintatsu", Role.REPORT_CLERK)
    auditor = make_staff("browser-kansa", Role.AUDITOR)
    admin = make_staff("browser-kanri", Role.ADMIN)
    person = make_person(family="熊谷", given="花子", sex=Sex.FEMALE, birth=date(1960, 5, 10))
    qualify(person, clerk, acquired_on=date(1980, 5, 9))
    newcomer = make_person(family="深谷", given="次郎", birth=date(2005, 4, 2))
    waiting = services.entry_submit(
        kind="qualifications.acquisition",
        person=make_person(family="秩父", given="一郎", birth=date(1990, 4, 2)),
        payload=acquisition_payload("2010-04-01"),
        actor=clerk,
    )
    reported = approved_acquisition(clerk, checker)
    batch = batch_confirm(
        cutoff=timezone.localdate(), entry_ids=[reported.pk], messages={}, actor=reporter
    )
    page, base = browser_page, live_server.url
    found: dict[str, list[str]] = {}

    def check(path: str) -> None:
        response = page.goto(f"{base}{path}")
        assert response is not None and response.status == 200, path
        if problems := violations(page):
            found[path] = problems

    def as_user(user) -> None:
        page.context.clear_cookies()
        page.goto(f"{base}/accounts/login/")
        if problems := violations(page):
            found["/accounts/login/"] = problems
        log_in(page, base, user)

    as_user(clerk)
    check("/")
    check("/persons/?q=クマガヤ+ハナコ")
    check(f"/persons/{person.pk}/")
    check(f"/entries/new/qualifications.acquisition/{newcomer.pk}/")
    # the same form sent empty: each error next to its field
    page.click("main button[type=submit].primary")
    page.wait_for_selector("[aria-invalid=true]")
    if problems := violations(page):
        found["intake with errors"] = problems
    check("/entries/mine/")
    check("/persons/worklists/")

    as_user(checker)
    check("/")
    check("/entries/")
    check(f"/entries/{waiting.pk}/")

    as_user(reporter)
    check("/")
    check("/jps/")
    check(f"/jps/batches/new/?cutoff={timezone.localdate().isoformat()}")
    check(f"/jps/batches/{batch.pk}/")
    check("/jps/results/")

    as_user(auditor)
    check("/")
    check("/audit/")
    check(f"/audit/person/{person.pk}/")
    check(f"/audit/staff/{clerk.pk}/")
    check("/audit/abnormal/")

    as_user(admin)
    check("/")

    report = "\n".join(f"{path}\n  " + "\n  ".join(lines) for path, lines in found.items())
    assert not found, f"axe violations:\n{report}"
    assert page.csp_violations == []
