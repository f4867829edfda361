"""A change by one person shows up in another person's bell, without a reload."""

import re
from datetime import date

from playwright.sync_api import Browser, expect

from launches import services as launch_services
from raci.models import Column, Template
from raci.services import matrix_create
from raci.tasks import notifications_tick
from tests.browser.conftest import PageWatch, open_signed_in
from tests.factories import MembershipFactory, UserFactory, WorkspaceFactory, hold
from workspaces.models import Access, Role


def _world():
    workspace = WorkspaceFactory(name="Acme", slug="acme")
    priya = MembershipFactory(
        workspace=workspace, access=Access.EDITOR, user=UserFactory(username="priya", first_name="Priya")
    )
    marco = MembershipFactory(
        workspace=workspace, access=Access.EDITOR, user=UserFactory(username="marco", first_name="Marco")
    )
    matrix = matrix_create(
        workspace=workspace, name="Core", actor=priya.user, template=Template.objects.get(slug="pm-pmm-scaleup")
    )
    for code, member in (("PM", priya), ("PMM", marco)):
        hold(Role.objects.get(workspace=workspace, code=code), member)
    cycle = launch_services.cycle_create(workspace=workspace, quarter="2027-Q1")
    launch = launch_services.launch_create(
        cycle=cycle,
        name="Usage-based billing",
        pm_owner_id=priya.pk,
        pmm_owner_id=marco.pk,
        launch_date=date(2027, 3, 15),
    )
    return workspace, matrix, launch


def test_a_launch_status_change_rings_the_other_owners_bell(browser: Browser, server, sign_in, settings, tmp_path):
    settings.NOTIFY_POLL_SECONDS = 1
    workspace, matrix, launch = _world()
    launch_url = f"{server}/w/acme/launches/{launch.cycle.slug}/{launch.pk}/"
    marco_ctx, marco = open_signed_in(browser, server, sign_in, "marco", f"{server}/w/acme/")
    watch = PageWatch(marco)
    priya_ctx, priya = open_signed_in(browser, server, sign_in, "priya", launch_url)
    try:
        bell = marco.locator("#bell")
        expect(bell.locator(".bell-count")).to_have_count(0)

        priya.locator("#st_status").select_option("at_risk")
        priya.locator("#st_note").fill("Pricing page is late")
        priya.get_by_role("button", name="Update the status").click()
        expect(priya.locator(".launch-status")).to_contain_text("Pricing page is late")

        expect(bell.locator(".bell-count")).to_have_text("1", timeout=5_000)
        assert marco.evaluate("window.__marker") == "no reload"
        expect(priya.locator("#bell .bell-count")).to_have_count(0)  # the author is not told

        # A letters change reaches whoever is Informed or Accountable, at the next tick.
        naming = matrix.activities.get(name="Naming")
        pm = Column.objects.get(matrix=matrix, role__code="PM").role
        priya.goto(f"{server}/w/acme/matrices/{matrix.slug}/")
        cell = priya.locator(f"#c-{naming.pk}-{pm.pk}")
        cell.focus()
        priya.keyboard.press("r")  # PM goes from consulted to responsible
        expect(cell).to_contain_text("R")
        notifications_tick.delay()  # what beat does every minute
        expect(bell.locator(".bell-count")).to_have_text("2", timeout=5_000)

        bell.click()
        expect(marco).to_have_url(re.compile(r"/notifications/$"))
        notes = marco.locator("li.note")
        expect(notes).to_have_count(2)
        expect(notes.first).to_contain_text("changed who does “Naming” in Core")
        expect(notes.nth(1)).to_contain_text("Usage-based billing is at risk")
        marco.screenshot(path=str(tmp_path / "notifications.png"), full_page=True)

        notes.nth(1).get_by_role("button", name="Mark read").click()
        expect(marco.locator("#bell .bell-count")).to_have_text("1")
        notes.first.get_by_role("button", name=re.compile("Naming")).click()
        expect(marco).to_have_url(re.compile(rf"/matrices/{matrix.slug}/#row-{naming.pk}$"))
        expect(marco.locator("#bell .bell-count")).to_have_count(0)
        watch.assert_clean()
    finally:
        marco_ctx.close()
        priya_ctx.close()


def test_the_dashboard_and_notification_pages_fit_a_phone(browser: Browser, server, sign_in, tmp_path):
    workspace, matrix, launch = _world()
    launch_services.launch_set_tier(
        launch=launch, tier=1, reason="Big", actor=workspace.memberships.get(user__username="priya")
    )
    from workspaces.models import Membership

    Membership.objects.filter(user__username="marco").update(access=Access.ADMIN)
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    watch = PageWatch(page)
    try:
        sign_in(page, "marco")
        for path in (
            "/w/acme/",
            "/notifications/?show=all",
            "/notifications/settings/",
            "/w/acme/webhook/",
            "/w/acme/rituals/",
        ):
            page.goto(server + path)
            page.wait_for_load_state("networkidle")
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, f"{path} is {width}px wide on a 390px phone"
            page.screenshot(
                path=str(tmp_path / (path.strip("/").replace("/", "-").split("?")[0] + ".png")), full_page=True
            )
        watch.assert_clean()
    finally:
        context.close()
