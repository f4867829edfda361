"""Browser tests: Debian's Chromium driven by pytest-playwright against pytest-django's
`live_server` (which serves static files through staticfiles).

Every test in this folder is marked `browser` (`-m "not browser"` skips them). A missing
Chromium fails the tests loudly: it is never a reason to skip.
"""

import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.factories import PASSWORD

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
HERE = Path(__file__).resolve().parent

# Records Content-Security-Policy violations from the very start of every document (an
# init script runs before the page's own scripts and is not subject to the page's CSP).
CSP_RECORDER = """
window.__csp = window.__csp || [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " blocked " + (e.blockedURI || "inline") + " at " + e.sourceFile + ":" + e.lineNumber);
});
"""

expect.set_options(timeout=7_000)


def pytest_collection_modifyitems(config, items):
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"Chromium is missing: {CHROMIUM} is not an executable (apt-get install chromium). "
            "Browser tests fail rather than skip without it.",
            pytrace=False,
        )
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture
def server(live_server, transactional_db) -> str:
    """The live server's base URL, with the built-in templates seeded (a transactional test
    database starts empty: migrations do not seed them)."""
    from raci.seeding import templates_seed

    templates_seed()
    return live_server.url


class PageWatch:
    """What a page did that it should not: console errors, uncaught exceptions, dialogs,
    requests, and CSP violations (read from `window.__csp`)."""

    def __init__(self, page: Page):
        self.page = page
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        self.dialogs: list[str] = []
        self.requests: list[str] = []
        page.add_init_script(CSP_RECORDER)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.page_errors.append(str(error)))
        page.on("dialog", self._dialog)
        page.on("request", lambda request: self.requests.append(request.url))

    def _console(self, message):
        if message.type == "error":
            self.console_errors.append(f"{message.text} ({message.location.get('url', '')})")

    def _dialog(self, dialog):
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def csp_violations(self) -> list[str]:
        return self.page.evaluate("window.__csp || []")

    def assert_clean(self):
        """No console error, uncaught exception, dialog or CSP violation. The 404 of the
        browser's own /favicon.ico request is left to test_the_browser_finds_a_favicon:
        Chromium asks for it once per browser, so whether a test sees it depends on order."""
        errors = [e for e in self.console_errors if "/favicon.ico" not in e]
        assert errors == [], errors
        assert self.page_errors == [], self.page_errors
        assert self.dialogs == [], self.dialogs
        assert self.csp_violations() == []


@pytest.fixture
def watch(page: Page) -> PageWatch:
    page.set_default_timeout(10_000)
    return PageWatch(page)


def assert_htmx_loaded(page: Page) -> None:
    """Static files really are served: htmx (and so the app's own scripts) loaded."""
    page.wait_for_load_state("load")
    kind = page.evaluate("typeof htmx")
    assert kind == "object", (
        f"htmx did not load on {page.url} (typeof htmx is {kind!r}): live_server is not serving static files"
    )


@pytest.fixture
def sign_in(server):
    """`sign_in(page, username)` signs in and opens the home page signed in. The session is
    made on the server (as Django's test client does) and handed to the browser as its
    cookie: the login form costs two page loads a test, and
    tests/browser/test_sign_in.py drives the form."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    def _sign_in(page: Page, username: str, password: str = PASSWORD) -> None:
        user = get_user_model().objects.get(username=username)
        assert user.check_password(password), f"{username} has another password"
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": server}])
        page.goto(f"{server}/")
        expect(page.locator(".usernav summary")).to_be_visible()
        assert_htmx_loaded(page)

    return _sign_in


def open_signed_in(browser, server: str, sign_in, username: str, url: str):
    """A browser context of its own for one person, signed in and on `url`; the page keeps a
    marker that a reload would lose."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.add_init_script(CSP_RECORDER)
    sign_in(page, username)
    page.goto(url)
    assert_htmx_loaded(page)
    page.evaluate("window.__marker = 'no reload'")
    return context, page


def shoot(page: Page, name: str, *, widths=(1280, 390), part: str | None = None) -> None:
    """Screenshots for people to look at, not to compare: the whole page at each width (and
    `part`, a selector, alone at the narrowest) into the folder `SHOTS` names, when it is
    set; a test run without it writes nothing, and never outside the clone unless asked."""
    folder = os.environ.get("SHOTS", "")
    if not folder:
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    for width in widths:
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=f"{folder}/{name}-{width}.png", full_page=True)
        if part and width == min(widths):
            page.locator(part).screenshot(path=f"{folder}/{name}-{width}-part.png")
    page.set_viewport_size({"width": 1280, "height": 900})
