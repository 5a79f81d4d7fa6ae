"""Steps the browser tests share: posting a form, and answering the confirmation page that
comes before what cannot be undone (kokumin_nenkin/confirm.py)."""

from .axe import assert_no_violations
from .test_login_and_idle_lock import log_in


def as_user(page, base, user) -> None:
    """Another member of staff takes the browser: the cookies go, a new login."""
    page.context.clear_cookies()
    log_in(page, base, user)


def submit(page, selector: str) -> None:
    """Press a button that posts, and wait for the page that answers."""
    with page.expect_navigation():
        page.click(selector)


def confirm(page) -> None:
    """The confirmation page asks first; its button has the focus, so Enter confirms."""
    assert "前の確認" in page.locator("main h1").inner_text()
    assert_no_violations(page)
    with page.expect_navigation():
        page.keyboard.press("Enter")
