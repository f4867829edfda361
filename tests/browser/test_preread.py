"""The pre-read under print media hides the navigation and every control, and keeps the
summary and the launches (clock frozen on 1 Dec 2026)."""

from datetime import date

import pytest
import time_machine
from playwright.sync_api import Browser, expect

from launches import services
from tests.browser.conftest import CSP_RECORDER, PageWatch
from tests.factories import MembershipFactory, UserFactory, WorkspaceFactory
from workspaces.models import Access


@pytest.fixture
def frozen(settings):
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True
    settings.CSRF_COOKIE_AGE = None
    with time_machine.travel("2026-12-01 09:00:00+00:00", tick=True):
        yield


def test_the_pre_read_prints_without_navigation_or_controls(frozen, tmp_path, browser: Browser, server, sign_in):
    ws = WorkspaceFactory(name="Acme", slug="acme")
    mira = MembershipFactory(workspace=ws, access=Access.EDITOR, user=UserFactory(username="mira", first_name="Mira"))
    cycle = services.cycle_create(workspace=ws, quarter="2027-Q1")
    for name, day in (("Billing", date(2027, 3, 15)), ("Early bird", date(2026, 12, 20))):
        services.launch_create(cycle=cycle, name=name, pmm_owner_id=mira.pk, launch_date=day)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.add_init_script(CSP_RECORDER)
    watch = PageWatch(page)
    sign_in(page, "mira")
    page.goto(f"{server}/w/acme/launches/quarter/2027-q1/")
    page.get_by_role("link", name="Pre-read").click()
    expect(page.get_by_role("heading", name="2027-Q1 pre-read")).to_be_visible()
    print_button = page.get_by_role("button", name="Print or save as PDF")
    expect(print_button).to_be_visible()
    page.screenshot(path=tmp_path / "preread_1280.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=tmp_path / "preread_390.png", full_page=True)

    page.emulate_media(media="print")
    page.set_viewport_size({"width": 1280, "height": 900})
    for hidden in (".topbar", ".wsnav", ".page-head .actions", ".crumbs"):
        expect(page.locator(hidden).first).to_be_hidden()
    expect(print_button).to_be_hidden()
    expect(page.get_by_role("link", name="CSV")).to_be_hidden()
    expect(page.get_by_role("heading", name="Summary")).to_be_visible()
    expect(page.locator(".preread-detail")).to_contain_text("Early bird")
    page.screenshot(path=tmp_path / "preread_print.png", full_page=True)
    watch.assert_clean()
    context.close()
