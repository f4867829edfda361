"""The launch hub in Chromium: Quarter, Board and Calendar in the top bar each lead to
their own page (with a way to open the quarter's cycle when nobody has); the launch page
names roles and people one way, with a one-step "who holds this?"; go/no-go lists every
blocker at once, each linked to where it is fixed; "Not scored" leads to the score form
at the top. Screenshots at 1280 and 390 px wide (`SHOTS=...`)."""

import re
from datetime import date

import time_machine
from playwright.sync_api import Browser, expect

from launches import services
from launches.models import LaunchCycle
from tests.browser.conftest import CSP_RECORDER, PageWatch, shoot
from tests.factories import MembershipFactory, UserFactory, WorkspaceFactory, hold
from tests.launches.conftest import TIER_2_SCORES, owners_matrix
from workspaces.models import Access, Role, RoleHolder

# Late in 2026-Q4, whose launch cycle nobody has opened.
FROZEN = "2026-11-20 10:00Z"


def _team():
    ws = WorkspaceFactory(name="Acme", slug="acme")
    people = {}
    for code, username, access in (
        ("PMM", "mira", Access.ADMIN),
        ("PM", "paul", Access.EDITOR),
        ("SUP", "sara", Access.EDITOR),
    ):
        member = MembershipFactory(
            workspace=ws, access=access, user=UserFactory(username=username, first_name=username.title())
        )
        hold(
            Role.objects.create(
                workspace=ws,
                code=code,
                name={"PMM": "Product Marketing Manager", "PM": "Product Manager", "SUP": "Support"}[code],
            ),
            member,
        )
        people[code] = member
    return ws, people


def _context(browser: Browser, sign_in, username: str):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.add_init_script(CSP_RECORDER)
    watch = PageWatch(page)
    sign_in(page, username)
    return context, page, watch


def test_quarter_board_and_calendar_each_lead_to_their_own_page(browser: Browser, server, sign_in):
    with time_machine.travel(FROZEN, tick=True):
        ws, people = _team()
        context, page, watch = _context(browser, sign_in, "paul")
        nav = page.get_by_role("navigation", name="Workspace")
        page.goto(f"{server}/w/acme/")

        nav.get_by_role("link", name="Quarter", exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("2026-Q4 at a glance")
        nav.get_by_role("link", name="Board", exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("2026-Q4 tiering board")
        shoot(page, "hub-board-no-cycle")
        nav.get_by_role("link", name="Calendar", exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("2026-Q4 calendar")
        shoot(page, "hub-calendar-no-cycle")

        page.get_by_role("button", name="Open 2026-Q4's cycle").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("2026-Q4 calendar")
        assert LaunchCycle.objects.filter(workspace=ws, year=2026, quarter=4).exists()
        nav.get_by_role("link", name="Board", exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("2026-Q4 tiering")

        # "Not scored" on the board leads to the score form, at the top of the launch page.
        cycle = LaunchCycle.objects.get(workspace=ws, year=2026, quarter=4)
        services.launch_create(cycle=cycle, name="Usage billing", launch_date=date(2026, 12, 10))
        page.reload()
        not_scored = page.locator("a.not-scored")
        expect(not_scored).to_have_text("Not scored: score Usage billing")
        not_scored.click()
        expect(page).to_have_url(f"{server}/w/acme/launches/2026-q4/{cycle.launches.get().pk}/#score")
        score = page.locator("#score")
        expect(score.get_by_role("button", name="Save the score")).to_be_in_viewport()
        expect(page.locator("#tier")).to_contain_text("Not scored yet.")
        shoot(page, "hub-launch-score-at-top")
        watch.assert_clean()
        context.close()


def test_the_launch_page_names_owners_one_way_and_lists_every_go_blocker(browser: Browser, server, sign_in):
    ws, people = _team()
    owners_matrix(ws)  # SUP is R on Launch Readiness: the support docs are Sara's role's
    RoleHolder.objects.filter(role__code="PMM").delete()  # Mira is the launch's PMM owner, not a holder
    RoleHolder.objects.filter(role__code="SUP").delete()  # nobody holds SUP
    cycle = services.cycle_create(workspace=ws, quarter="2027-Q1")
    launch = services.launch_create(
        cycle=cycle,
        name="Usage billing",
        pm_owner_id=people["PM"].pk,
        pmm_owner_id=people["PMM"].pk,
        launch_date=date(2027, 3, 15),
    )
    services.launch_score(launch=launch, scores=TIER_2_SCORES)
    services.launch_set_tier(launch=launch, tier=2, actor=people["PM"])
    url = f"{server}/w/acme/launches/{cycle.slug}/{launch.pk}/"

    context, page, watch = _context(browser, sign_in, "mira")
    page.goto(url)
    raci = page.locator(".launch-raci")
    checklist = page.locator("#checklist")
    expect(raci).to_contain_text("PMM · Mira")
    expect(raci).not_to_contain_text("(nobody)")
    expect(checklist).to_contain_text("PMM · Mira")
    expect(page.locator("#readiness")).to_contain_text("waiting on PM · Paul, PMM · Mira, SUP · nobody holds this role")
    docs = checklist.locator(f"#item-{launch.items.get(key='support-docs').pk}")
    expect(docs).to_contain_text("SUP · nobody holds this role")
    shoot(page, "hub-launch-owners")

    # Go/no-go: every blocker at once, each a link to where it is fixed.
    page.get_by_label("Go", exact=True).check()
    page.get_by_role("button", name="Record the decision").click()
    go = page.locator("#go")
    expect(go).to_contain_text("Not ready for go: settle the 5 things listed above first.")
    blockers = go.locator(".go-blockers a")
    expect(blockers).to_have_count(5)
    expect(blockers.nth(0)).to_have_text("The PM and PMM leads have not confirmed the tier")
    expect(blockers.nth(0)).to_have_attribute("href", "#tier")
    go.get_by_role("link", name="Support docs (help center) is open: SUP · nobody holds this role").click()
    expect(docs).to_be_in_viewport()
    shoot(page, "hub-go-blockers", part="#go")

    # Who holds this? One step, from the launch page.
    docs.get_by_role("link", name="nobody holds this role").click()
    who = page.locator(f"#who-holds-{launch.items.get(key='support-docs').owner_role_id}")
    expect(who).to_be_in_viewport()
    who.get_by_label("Who holds SUP?").select_option(label="Sara")
    who.get_by_role("button", name="Holds SUP").click()
    expect(page.locator("#toasts")).to_contain_text("Sara holds SUP now.")
    expect(docs).to_contain_text("SUP · Sara")
    expect(page.locator("#who-holds")).to_have_count(0)
    # The refused "go" answered 422 by design (a form shown again with its refusal).
    watch.console_errors = [e for e in watch.console_errors if "422 (Unprocessable Content)" not in e]
    watch.assert_clean()
    context.close()


def test_starting_out_names_who_holds_each_role_and_shows_the_roles_nobody_holds(browser: Browser, server, sign_in):
    founder = UserFactory(username="nina", first_name="Nina")
    ws = WorkspaceFactory(name="Beta", slug="beta")
    MembershipFactory(workspace=ws, user=founder, access=Access.ADMIN)
    context, page, watch = _context(browser, sign_in, "nina")
    page.goto(f"{server}/w/beta/matrices/new/")
    page.get_by_label("Name", exact=True).fill("Our split")
    page.get_by_role("button", name="Create matrix").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Who holds each role?")
    pm = Role.objects.get(workspace=ws, code="PM")
    page.locator(f"#holder-{pm.pk}").select_option(label="Nina")
    shoot(page, "hub-who-holds-each-role")
    page.get_by_role("button", name="Save who holds them").click()
    expect(page.locator("#toasts")).to_contain_text("Named who holds 1 role.")
    pmm = Role.objects.get(workspace=ws, code="PMM")
    expect(page.locator(f"#col-{pm.pk} .unheld")).to_have_count(0)
    expect(page.locator(f"#col-{pmm.pk} .unheld")).to_have_text("nobody holds this")
    shoot(page, "hub-matrix-unheld-columns")
    page.goto(f"{server}/w/beta/")
    banner = page.locator(".unheld-banner")
    expect(banner.locator("li strong", has_text=re.compile(r"^PMM$"))).to_have_count(1)
    expect(banner.locator("li strong", has_text=re.compile(r"^PM$"))).to_have_count(0)
    shoot(page, "hub-dashboard-unheld-banner")
    watch.assert_clean()
    context.close()
