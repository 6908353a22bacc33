"""The login page and the dashboard in a real browser."""

import pytest

from tests.browser.conftest import log_in, screenshot, unlabelled_fields

pytestmark = pytest.mark.django_db(transaction=True)


def test_login_refuses_a_wrong_password_then_opens_the_dashboard(new_page, coordinator):
    page = new_page()
    page.goto("/")
    assert "/accounts/login/" in page.url  # every page needs a login
    assert unlabelled_fields(page) == []
    screenshot(page, "login")

    page.get_by_label("Username").fill(coordinator.get_username())
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Log in").click()
    assert page.get_by_role("alert").inner_text().startswith("Your username and password")

    log_in(page, coordinator)
    assert page.get_by_role("heading", level=1).inner_text() != "Log in"
    screenshot(page, "dashboard")
