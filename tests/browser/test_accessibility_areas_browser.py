"""axe-core over the main screens of the benefits, exemptions, residents' requests and staff
management areas (issue 14, item 12), each opened as the role that uses it: 0 violations of
any impact, each listed with its rule, impact and element when one appears."""

from datetime import date

import pytest
from django.utils import timezone

from kokumin_nenkin.accounts.kinds import STAFF_CHANGE, Change
from kokumin_nenkin.accounts.models import Office, Role
from kokumin_nenkin.accounts.services import staff_change_request
from kokumin_nenkin.verification import services
from kokumin_nenkin.verification.registry import get_kind
from qualifications.models import Household, Sex
from resident_requests import services as rr
from resident_requests.models import Channel, IdentityCheck, Requester, RequestKind
from tests.benefits.test_screens import OLD_AGE
from tests.conftest import make_staff
from tests.exemptions.conftest import give_income, make_person, qualify
from tests.jps_reporting.flow import APPLICATION, APPLICATION_PAYLOAD

from .axe import violations
from .steps import as_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def entry(kind_code: str, person, data: dict, maker):
    """An entry made as the intake screen makes it: the kind's own form, then its encoding."""
    kind = get_kind(kind_code)
    form = kind.make_form(person, data=data)
    assert form.is_valid(), form.errors
    return services.entry_submit(
        kind=kind_code, person=person, payload=kind.encode(form.cleaned_data), actor=maker
    )


class Pages:
    """Opens pages and keeps axe's findings per page, so one run lists every page's problems."""

    def __init__(self, page, base):
        self.page, self.base, self.found = page, base, {}

    def check(self, path: str, label: str = "") -> None:
        response = self.page.goto(f"{self.base}{path}")
        assert response is not None and response.status == 200, path
        self.axe(label or path)

    def axe(self, label: str) -> None:
        if problems := violations(self.page):
            self.found[label] = problems

    def sent_empty(self, path: str) -> None:
        """The form sent with nothing typed: each error shown next to its field."""
        self.check(path)
        self.page.click("main form[method=post] button[type=submit].primary")
        self.page.wait_for_selector("[aria-invalid=true], .error-list, .error")
        self.axe(f"{path} (errors)")

    def report(self) -> str:
        return "\n".join(f"{path}\n  " + "\n  ".join(lines) for path, lines in self.found.items())


def test_benefits_exemptions_requests_and_staff_screens_have_no_axe_violation(
    browser_page, live_server
):
    clerk = make_staff("browser-madoguchi", Role.COUNTER)
    checker = make_staff("browser-kakunin", Role.SUPERVISOR)
    reporter = make_staff("browser-shintatsu", Role.REPORT_CLERK)
    admin = make_staff("browser-kanri", Role.ADMIN)
    second_admin = make_staff("browser-kanri2", Role.ADMIN)

    def insured(number, family, given, born, acquired, income_year, income, **extra):
        home = Household.objects.create(number=number)
        person = make_person(
            family=family, given=given, birth=born, household=home, householder=True, **extra
        )
        qualify(person, clerk, acquired_on=acquired)
        give_income(person, income_year, income)
        return person

    last_year = date.today().year - 1
    # one person of each area with an entry waiting, one with nothing open (the intake forms)
    elder = insured("A0000001", "熊谷", "花子", date(1960, 5, 10), date(1980, 5, 9), last_year, 1)
    claimant = insured("A0000002", "行田", "葉子", date(1960, 6, 10), date(1980, 6, 9), 2023, 1)
    claim = entry("benefits.old_age", claimant, {**OLD_AGE, "claimant": str(claimant.pk)}, clerk)
    young = insured(
        "A0000003", "深谷", "次郎", date(1995, 4, 2), date(2015, 4, 1), 2023, 5, sex=Sex.MALE
    )
    applicant = insured(
        "A0000004", "本庄", "三郎", date(1996, 4, 2), date(2016, 4, 1), 2023, 5, sex=Sex.MALE
    )
    exemption = services.entry_submit(
        kind=APPLICATION, person=applicant, payload=APPLICATION_PAYLOAD, actor=clerk
    )

    request = rr.request_receive(
        person=elder,
        data={
            "kind": RequestKind.DISCLOSURE,
            "channel": Channel.COUNTER,
            "requester": Requester.SELF,
            "identity_check": IdentityCheck.MY_NUMBER_CARD,
            "subject": "保有個人情報の全部",
            "received_on": timezone.localdate(),
        },
        actor=clerk,
    )
    rr.inquiry_receive(
        person=young,
        data={
            "channel": Channel.TELEPHONE,
            "subject": "免除の申請方法",
            "answer": "",
            "received_on": timezone.localdate(),
            "follow_up_on": timezone.localdate(),
        },
        actor=clerk,
    )
    account_change = staff_change_request(
        change=Change.CREATE,
        actor=admin,
        username="atarashii",
        full_name="新人 一郎",
        office=Office.objects.get(code="honcho"),
        role=Role.COUNTER,
    )
    assert account_change.kind == STAFF_CHANGE

    page, base = browser_page, live_server.url
    pages = Pages(page, base)

    # 窓口担当: the claim and exemption screens, the residents' requests
    as_user(page, base, clerk)
    pages.check(f"/benefits/persons/{elder.pk}/")
    pages.sent_empty(f"/entries/new/benefits.old_age/{elder.pk}/")
    pages.check("/benefits/attachments-due/")
    pages.check(f"/benefits/persons/{claimant.pk}/", "claim start with a claim")
    pages.check(f"/entries/{claim.pk}/", "claim entry (maker)")
    pages.check(f"/exemptions/persons/{young.pk}/household/")
    pages.check(f"/exemptions/persons/{applicant.pk}/household/", "household with an entry")
    pages.sent_empty(f"/entries/new/exemptions.application/{young.pk}/")
    pages.check(f"/entries/new/exemptions.additional/{young.pk}/")
    pages.check("/requests/")
    pages.sent_empty(f"/requests/new/{young.pk}/")
    pages.check(f"/requests/{request.pk}/", "request (counter)")
    pages.check("/requests/inquiries/")
    pages.sent_empty("/requests/inquiries/new/")
    pages.check(f"/entries/new/resident_requests.decision/{elder.pk}/")

    # 確認担当: the entries of those areas, the 継続申請 list, the request with its extension
    as_user(page, base, checker)
    pages.check(f"/entries/{claim.pk}/", "claim entry (checker)")
    pages.check(f"/entries/{exemption.pk}/", "exemption entry (checker)")
    pages.check("/exemptions/renewals/")
    pages.check(f"/requests/{request.pk}/", "request (checker)")
    pages.check("/requests/retention/")

    # 進達担当: the income file, the 届書 sent whose results have not come back
    as_user(page, base, reporter)
    pages.check("/exemptions/income/import/")
    pages.check("/jps/unanswered/")

    # システム管理者: the staff screens, a request, a confirmation page
    as_user(page, base, admin)
    pages.check("/accounts/staff/")
    pages.sent_empty("/accounts/staff/new/")
    pages.check(f"/accounts/staff/{clerk.pk}/")
    pages.check("/accounts/staff/requests/")
    pages.check(f"/accounts/staff/requests/{account_change.pk}/", "account request (maker)")
    pages.check("/accounts/second-factor/")
    pages.check("/accounts/password/")
    page.goto(f"{base}/accounts/staff/{clerk.pk}/")
    with page.expect_navigation():
        page.click("form[action$='/deactivate/'] button[type=submit]")
    assert "前の確認" in page.locator("main h1").inner_text()
    pages.axe("deactivation confirmation")

    as_user(page, base, second_admin)
    pages.check(f"/accounts/staff/requests/{account_change.pk}/", "account request (checker)")

    assert not pages.found, f"axe violations:\n{pages.report()}"
    assert page.csp_violations == []
