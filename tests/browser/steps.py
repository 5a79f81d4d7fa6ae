"""Steps the browser tests share: posting a form, and answering the confirmation page that
comes before what cannot be undone (kokumin_nenkin/confirm.py)."""

from .axe import assert_no_violations


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
