"""A PMM lead plans next quarter from the quarter view in Chromium (clock frozen on
1 Dec 2026): the dashboard's picker leads there, the lead opens the cycle, adds launches,
and sees the load by week flag one PMM who owns them all."""

from datetime import date

import pytest
import time_machine
from playwright.sync_api import Browser, expect

from launches import services
from launches.models import Launch
from tests.browser.conftest import CSP_RECORDER, PageWatch
from tests.factories import MembershipFactory, UserFactory, WorkspaceFactory, hold
from tests.launches.conftest import owners_matrix
from workspaces.models import Access, Role

TIER_1 = [3, 3, 3, 2, 2, 2]


@pytest.fixture
def frozen(settings):
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True
    settings.CSRF_COOKIE_AGE = None
    with time_machine.travel("2026-12-01 09:00:00+00:00", tick=True):
        yield


def test_a_lead_plans_next_quarter_from_the_quarter_view(frozen, tmp_path, browser: Browser, server, sign_in):
    ws = WorkspaceFactory(name="Acme", slug="acme")
    people = {}
    for code, username in (("PMM", "mira"), ("PM", "paul")):
        member = MembershipFactory(
            workspace=ws,
            access=Access.ADMIN if code == "PMM" else Access.EDITOR,
            user=UserFactory(username=username, first_name=username.title()),
        )
        hold(Role.objects.create(workspace=ws, code=code, name=f"{code} role"), member)
        people[code] = member
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.add_init_script(CSP_RECORDER)
    watch = PageWatch(page)
    sign_in(page, "mira")
    page.goto(f"{server}/w/acme/")
    page.get_by_role("navigation", name="Quarter picker").get_by_role("link", name="Next quarter").click()
    expect(page.get_by_role("heading", name="Launches in 2027-Q1")).to_be_visible()
    page.get_by_role("navigation", name="Quarter picker").get_by_role("link", name="2027-Q1 at a glance").click()
    expect(page.get_by_role("heading", name="2027-Q1 at a glance")).to_be_visible()
    page.get_by_role("button", name="Open 2027-Q1 and add its candidates").click()
    expect(page.get_by_role("heading", name="2027-Q1 tiering")).to_be_visible()

    cycle = Launch.objects.none().model.cycle.field.related_model.objects.get(workspace=ws, year=2027, quarter=1)
    owners_matrix(ws)  # the checklists' owners come from the workspace's default matrix
    for n, name in enumerate(("Billing", "Search", "Reports", "Alerts")):
        launch = services.launch_create(
            cycle=cycle,
            name=name,
            pm_owner_id=people["PM"].pk,
            pmm_owner_id=people["PMM"].pk,
            launch_date=date(2027, 3, 15 + n),
        )
        services.launch_score(launch=launch, scores=TIER_1)
        services.launch_set_tier(launch=launch, tier=1, actor=people["PMM"])

    page.get_by_role("navigation", name="Workspace").get_by_role("link", name="Quarter").click()
    expect(page.get_by_role("heading", name="2026-Q4 at a glance")).to_be_visible()
    page.get_by_role("link", name="2027-Q1 →").click()
    expect(page.locator("#tiers")).to_contain_text("Billing")
    load = page.locator("#load")
    expect(load.locator(".plan-warning").first).to_contain_text("Mira has")
    expect(load.locator("td.over").first).to_be_visible()
    expect(page.locator("#warnings")).to_contain_text("Another Tier 1 launch")
    expect(page.locator("#by-owner")).to_contain_text("Mira")
    page.screenshot(path=tmp_path / "quarter_1280.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=tmp_path / "quarter_390.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_text("Change the limits").click()
    page.get_by_label("Per person and week").fill("60")
    page.get_by_label("Per week, everyone").fill("400")
    page.get_by_role("button", name="Save the limits").click()
    expect(page.locator("#load td.over")).to_have_count(0)
    watch.assert_clean()
    context.close()
