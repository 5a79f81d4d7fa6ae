"""Keyboard only (issue 14, item 12): a 窓口担当 logs in, finds the resident, opens the
資格取得届 and stores it — Tab, typing, arrow keys and Enter, never a click."""

from datetime import date

import pytest

from kokumin_nenkin.accounts.models import Role
from kokumin_nenkin.accounts.totp import current_code
from kokumin_nenkin.verification.models import Entry, Status
from tests.conftest import PASSWORD, make_staff
from tests.exemptions.conftest import make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def focused(page, selector: str) -> bool:
    return page.evaluate("sel => document.activeElement.matches(sel)", selector)


def tab_to(page, selector: str, limit: int = 40) -> None:
    """Press Tab until the element matching `selector` has the focus, as a person would."""
    for _ in range(limit):
        if focused(page, selector):
            return
        page.keyboard.press("Tab")
    assert focused(page, selector), f"Tab never reached {selector} on {page.url}"


def enter(page) -> None:
    """Press Enter on the focused link or field and wait for the page it leads to."""
    with page.expect_navigation():
        page.keyboard.press("Enter")


def choose(page, selector: str, label: str) -> None:
    """Move through a focused <select> with the arrow key until `label` is shown."""
    tab_to(page, selector)
    for _ in range(20):
        if page.locator(selector).evaluate("s => s.options[s.selectedIndex].text") == label:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"{label} not found in {selector}")


def test_an_acquisition_intake_is_stored_with_the_keyboard_alone(browser_page, live_server):
    clerk = make_staff("browser-madoguchi", Role.COUNTER)
    person = make_person(family="秩父", given="一郎", birth=date(2005, 4, 2))
    page, base = browser_page, live_server.url

    # Login: the user name field has the focus; Tab to the password, Enter sends.
    page.goto(f"{base}/accounts/login/")
    tab_to(page, "input[name=username]")
    page.keyboard.type(clerk.username)
    tab_to(page, "input[name=password]")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/accounts/login/otp/")
    tab_to(page, "input[name=token]")
    page.keyboard.type(current_code(clerk.totpdevice_set.get()))
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/")

    # Search from the menu, then open the person and the intake form from the results.
    tab_to(page, "nav a[href='/persons/']")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/persons/")
    tab_to(page, "input[name=q]")
    page.keyboard.type(person.addressee_number)
    enter(page)
    tab_to(page, f"main a[href='/persons/{person.pk}/']")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/persons/{person.pk}/")
    tab_to(page, f"a[href='/entries/new/qualifications.acquisition/{person.pk}/']")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/entries/new/qualifications.acquisition/{person.pk}/")

    # The first field has the focus when the form opens.
    assert focused(page, "input[name=notified_on]")
    page.keyboard.type("R7.4.3")
    choose(page, "select[name=category]", "第1号")
    choose(page, "select[name=cause]", "20歳到達")
    tab_to(page, "input[name=acquired_on]")
    page.keyboard.type("令和7年4月1日")
    tab_to(page, "button[type=submit].primary")
    enter(page)

    entry = Entry.objects.get(person=person, kind="qualifications.acquisition")
    page.wait_for_url(f"{base}/entries/{entry.pk}/")
    assert entry.status == Status.PENDING and entry.maker == clerk
    assert entry.payload["acquired_on"] == "2025-04-01"
    assert entry.payload["notified_on"] == "2025-04-03"
    shown = page.locator("main").inner_text()
    assert "確認待ち" in shown and entry.receipt_number in shown
    assert page.csp_violations == []
