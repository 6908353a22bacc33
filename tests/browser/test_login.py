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


def test_the_interactive_api_docs_run_under_the_content_security_policy(new_page, coordinator):
    """Swagger UI loads its script as a file (no inline script): the policy blocks nothing,
    and the page fixture fails the test on any console error, a blocked script or style
    among them."""
    page = new_page()
    log_in(page, coordinator)
    page.goto("/api/v1/docs/")
    page.get_by_text("Tumour board assistant API").first.wait_for()
    assert page.locator(".opblock").count() > 10
    screenshot(page, "api-docs")


def test_repeated_wrong_passwords_show_the_lockout_page(new_page, viewer, settings):
    page = new_page()
    new_page.allow("status of 429")
    page.goto("/accounts/login/")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        page.get_by_label("Username").fill(viewer.get_username())
        page.get_by_label("Password").fill("not-the-password")
        page.get_by_role("button", name="Log in").click()
        page.wait_for_load_state()
    page.goto("/accounts/login/")
    log_in_attempt = page.get_by_label("Password")
    page.get_by_label("Username").fill(viewer.get_username())
    log_in_attempt.fill("still-not-it")
    page.get_by_role("button", name="Log in").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Login locked"
    screenshot(page, "login-locked")
