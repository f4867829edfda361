"""The workspace switcher on launch and ritual pages: it lists the person's workspaces and
takes them to another one."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from playwright.sync_api import Page, expect

from launches import services as launches_services
from rituals import services as rituals_services
from tests.factories import MembershipFactory, WorkspaceFactory
from workspaces.models import Access


def _shoot(page: Page, name: str, folder: Path) -> None:
    """Screenshots at both widths, into LOCKSTEP_SHOTS when set (to look at), else the test's own folder."""
    shots = Path(os.environ["LOCKSTEP_SHOTS"]) if os.environ.get("LOCKSTEP_SHOTS") else folder
    shots.mkdir(parents=True, exist_ok=True)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 800})
        page.screenshot(path=str(shots / f"{name}-{width}.png"), full_page=False)
    page.set_viewport_size({"width": 1280, "height": 800})


def test_the_switcher_on_a_launch_and_a_ritual_page_goes_to_another_workspace(
    page: Page, server, sign_in, watch, tmp_path
):
    member = MembershipFactory(access=Access.EDITOR, workspace=WorkspaceFactory(name="Acme Billing"))
    MembershipFactory(user=member.user, workspace=WorkspaceFactory(name="Zebra Payments", slug="zebra"))
    cycle = launches_services.cycle_create(workspace=member.workspace, quarter="2027-Q1")
    launch = launches_services.launch_create(cycle=cycle, name="Usage billing", launch_date=date(2027, 3, 15))
    ritual = rituals_services.rituals_seed_defaults(workspace=member.workspace)[0]
    sign_in(page, member.user.username)

    page.goto(f"{server}/w/{member.workspace.slug}/launches/{cycle.slug}/{launch.pk}/")
    switcher = page.locator("details.switcher").first
    switcher.locator("summary").click()
    expect(switcher.get_by_role("link", name="Zebra Payments")).to_be_visible()
    expect(switcher.locator('[aria-current="true"]')).to_have_text("Acme Billing")
    _shoot(page, "switcher-launch", tmp_path)

    page.goto(f"{server}/w/{member.workspace.slug}/rituals/{ritual.pk}/")
    switcher = page.locator("details.switcher").first
    switcher.locator("summary").click()
    _shoot(page, "switcher-ritual", tmp_path)
    switcher.get_by_role("link", name="Zebra Payments").click()
    expect(page).to_have_url(f"{server}/w/zebra/")
    watch.assert_clean()
