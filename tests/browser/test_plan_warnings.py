"""A PMM lead plans next quarter in Chromium a month ahead: every plan warning shows on the
board and on the launch, and clears once the plan is fixed (a move to the right cycle, new
dates), on a frozen clock (1 Dec 2026)."""

from datetime import date

import pytest
import time_machine
from playwright.sync_api import Browser, expect

from launches import services
from launches.models import AvoidDate, Dependency, Launch
from tests.browser.conftest import CSP_RECORDER, PageWatch
from tests.factories import MembershipFactory, UserFactory, WorkspaceFactory, hold
from workspaces.models import Access, Role

TIER_1 = [3, 3, 3, 2, 2, 2]


@pytest.fixture
def frozen(settings):
    # Cookies without an expiry date: the browser's own clock is not frozen.
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True
    settings.CSRF_COOKIE_AGE = None
    with time_machine.travel("2026-12-01 09:00:00+00:00", tick=True):
        yield


def _world():
    ws = WorkspaceFactory(name="Acme", slug="acme")
    people = {}
    for code, username in (("PMM", "mira"), ("PM", "paul")):
        member = MembershipFactory(
            workspace=ws, access=Access.EDITOR, user=UserFactory(username=username, first_name=username.title())
        )
        hold(Role.objects.create(workspace=ws, code=code, name=f"{code} role"), member)
        people[code] = member
    q1 = services.cycle_create(workspace=ws, quarter="2027-Q1")
    q4 = services.cycle_create(workspace=ws, quarter="2026-Q4")
    AvoidDate.objects.create(workspace=ws, name="Summit", start=date(2027, 3, 10), end=date(2027, 3, 10))

    def add(cycle, name, day, tier=None, **extra):
        launch = services.launch_create(
            cycle=cycle, name=name, pm_owner_id=people["PM"].pk, pmm_owner_id=people["PMM"].pk, launch_date=day
        )
        if tier:
            services.launch_score(launch=launch, scores=TIER_1)
            services.launch_set_tier(
                launch=launch, tier=tier, reason="" if tier == 1 else "Planned", actor=people["PMM"]
            )
        if extra:
            Launch.objects.filter(pk=launch.pk).update(**extra)
        return launch

    add(q1, "Early bird", date(2026, 12, 20))
    billing = add(q1, "Billing", date(2027, 1, 15), tier=1)
    docs = add(q1, "Docs", date(2027, 1, 10))
    Dependency.objects.create(launch=docs, before=billing)
    add(q1, "Search", date(2027, 1, 20), tier=1)
    add(q1, "Widgets", date(2027, 3, 10))
    add(q1, "Shipped late", date(2027, 2, 10), ship_date=date(2027, 2, 20))
    add(q4, "Late one", date(2026, 11, 25))


def _edit(page, server, name, **dates):
    page.goto(f"{server}/w/acme/launches/")
    launch = Launch.objects.get(name=name)
    page.goto(f"{server}/w/acme/launches/{launch.cycle.slug}/{launch.pk}/edit/")
    for label, day in dates.items():
        page.get_by_label(label.replace("_", " ").capitalize()).fill(day)
    page.get_by_role("button", name="Save the launch").click()
    expect(page.get_by_role("heading", name=name)).to_be_visible()


def _card(page, name):
    return page.locator(".launch-card", has=page.get_by_role("link", name=name, exact=True))


def test_each_plan_warning_appears_and_clears(frozen, tmp_path, browser: Browser, server, sign_in):
    _world()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.add_init_script(CSP_RECORDER)
    watch = PageWatch(page)
    sign_in(page, "mira")
    board = f"{server}/w/acme/launches/2027-q1/"
    page.goto(board)
    expected = {
        "Early bird": "outside-cycle",
        "Billing": "lead-time",
        "Docs": "dependency-order",
        "Search": "tier-1-clash",
        "Widgets": "avoid-date",
        "Shipped late": "ship-after-launch",
    }
    for name, code in expected.items():
        expect(_card(page, name).locator(f".plan-warning[data-code={code}]")).to_be_visible()
    expect(_card(page, "Billing").locator(".plan-warning[data-code=tier-1-clash]")).to_be_visible()
    expect(page.locator(".plan-warning-summary")).to_be_visible()
    page.screenshot(path=tmp_path / "plan_board_1280.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=tmp_path / "plan_board_390.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})

    _card(page, "Early bird").get_by_role("button", name="Move to 2026-Q4").click()
    expect(page.locator(".messages, .flash, body")).to_contain_text("Early bird is now in 2026-Q4")
    expect(_card(page, "Early bird")).to_have_count(0)

    page.goto(f"{server}/w/acme/launches/2026-q4/")
    expect(_card(page, "Late one").locator(".plan-warning[data-code=date-passed]")).to_be_visible()
    expect(_card(page, "Early bird").locator(".plan-warning")).to_have_count(0)

    _edit(page, server, "Late one", launch_date="2026-12-15")
    _edit(page, server, "Billing", launch_date="2027-03-25")
    _edit(page, server, "Docs", launch_date="2027-03-29")
    _edit(page, server, "Search", launch_date="2027-02-15")
    _edit(page, server, "Widgets", launch_date="2027-03-20")
    _edit(page, server, "Shipped late", ship_date="2027-02-05")
    page.screenshot(path=tmp_path / "plan_launch_1280.png", full_page=True)
    expect(page.locator(".plan-warning")).to_have_count(0)

    for url in (board, f"{server}/w/acme/launches/2026-q4/"):
        page.goto(url)
        expect(page.locator(".launch-card").first).to_be_visible()
        expect(page.locator(".plan-warning")).to_have_count(0)
    watch.assert_clean()
    context.close()
