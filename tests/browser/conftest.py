"""Browser tests: Playwright (Python) driving Debian's Chromium, headless, against a live server.

Chromium comes from Debian (`/usr/bin/chromium`, installed by the README's test command when it is
missing); Playwright never downloads a browser. Every page a test visits is checked for console
errors and uncaught exceptions, and each test saves screenshots under `test-artifacts/screenshots/`.
"""

import os
import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, sync_playwright

from tests.factories import PASSWORD

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


def chromium_path() -> str:
    path = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium")
    if not path:
        pytest.fail("Chromium is missing: `make test` installs Debian's chromium package.")
    return path


@pytest.fixture(scope="session")
def browser() -> Browser:
    # Playwright's sync API keeps an event loop in this thread; Django's ORM refuses to run in a
    # thread with a running loop unless told it is safe, which it is here: the test drives the
    # browser and touches the database one step at a time. Only the browser tests are told.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()
    del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


class PageProblems:
    """Console errors and uncaught exceptions seen on a page."""

    def __init__(self) -> None:
        self.messages: list[str] = []
        self.allowed: list[str] = []

    def console(self, message: ConsoleMessage) -> None:
        if message.type == "error" and not any(text in message.text for text in self.allowed):
            page = message.page.url if message.page else ""
            self.messages.append(f"console: {message.text} (on {page})")

    def page_error(self, error: Exception) -> None:
        self.messages.append(f"exception: {error}")


@pytest.fixture
def new_page(browser, live_server):
    """new_page(): a fresh browser context and page (laptop-sized), its base URL the live server.
    At the end, the test fails if any page logged a console error or threw. A test that sends
    bad input on purpose says which answer it expects: `new_page.allow("status of 400")`
    (Chromium logs every 4xx answer to the console)."""
    contexts = []
    problems = PageProblems()

    def make(*, width: int = 1440, height: int = 900) -> Page:
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": width, "height": height}
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.on("console", problems.console)
        page.on("pageerror", problems.page_error)
        return page

    make.allow = problems.allowed.append
    yield make
    for context in contexts:
        context.close()
    assert not problems.messages, problems.messages


def log_in(page: Page, user) -> None:
    """Log in through the login form, as a person would."""
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(user.get_username())
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"^(?!.*accounts/login).*$"))


def screenshot(page: Page, name: str) -> Path:
    """Save a full-page screenshot as a test artifact."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def unlabelled_fields(page: Page) -> list[str]:
    """Visible form fields that no label, aria-label or aria-labelledby names."""
    return page.evaluate(
        """() => Array.from(document.querySelectorAll(
              'input:not([type=hidden]):not([type=submit]), select, textarea'))
            .filter(el => el.offsetParent !== null)
            .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                          && !el.getAttribute('aria-labelledby'))
            .map(el => el.name || el.id || el.outerHTML.slice(0, 80))"""
    )


def fill_form(page: Page, values: dict) -> None:
    """Type each value into the form field of that name, as its kind of input takes it: select
    an option, tick a box (value "on"), tick each listed box of a group, or type text."""
    for name, value in values.items():
        fields = page.locator(f'[name="{name}"]')
        first = fields.first
        kind = first.evaluate("el => el.tagName === 'SELECT' ? 'select' : (el.type || 'text')")
        if kind == "select":
            first.select_option(str(value))
        elif kind == "checkbox" and isinstance(value, list | tuple):
            for index in range(fields.count()):
                box = fields.nth(index)
                box.set_checked(box.get_attribute("value") in value)
        elif kind == "checkbox":
            first.set_checked(value == "on")
        else:
            first.fill(str(value))
