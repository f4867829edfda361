"""A team's own phases in the browser: the admin edits the list in the settings (plain
forms, no htmx needed), imports a spreadsheet whose preview lists the phases it adds, and
the matrix shows its rows grouped by them. Screenshots at 1280 and 390 px go to
`SHOTS` when it is set (they are looked at by people, not compared)."""

import re

import pytest
from playwright.sync_api import Page, expect

from raci import services
from tests.browser.conftest import PageWatch, shoot
from tests.factories import MembershipFactory
from tests.fixtures import TEAM_SHEETS
from workspaces.models import Access


@pytest.fixture
def admin(server):
    return MembershipFactory(access=Access.ADMIN, workspace__name="Atlas team")


def test_an_admin_edits_the_phases_then_imports_a_sheet_with_its_own(
    page: Page, watch: PageWatch, server, sign_in, admin
):
    ws = admin.workspace
    matrix = services.matrix_create(workspace=ws, name="Core", actor=admin.user)
    services.activity_add(matrix=matrix, name="Naming", phase="launch", actor=admin.user)
    sign_in(page, admin.user.username)
    page.goto(f"{server}/w/{ws.slug}/settings/")

    page.get_by_label("Add a phase").fill("Hypercare")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.locator(".phase-item").last).to_contain_text("team phase")
    expect(page.get_by_label("Name of phase 6")).to_have_value("Hypercare")

    page.get_by_label("Name of phase 4").fill("Go-to-market")
    page.locator("#phase-launch").get_by_role("button", name="Rename").click()
    expect(page.get_by_label("Name of phase 4")).to_have_value("Go-to-market")
    page.get_by_role("button", name="Move Hypercare up").click()
    expect(page.get_by_label("Name of phase 5")).to_have_value("Hypercare")

    page.get_by_role("button", name="Remove Go-to-market").click()
    expect(page.locator("#phase-error-launch")).to_contain_text("still holds 1 activity")
    page.get_by_label("Add a phase").fill("strategy")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.locator("#phase-add-error")).to_contain_text("already has a phase named “Strategy”")
    shoot(page, "settings-phases")

    page.goto(f"{server}/w/{ws.slug}/matrices/new/")
    page.locator("#import-name").fill("Atlas rollout")
    page.locator("#import-file").set_input_files(str(TEAM_SHEETS / "alpha-beta-ga.csv"))
    page.get_by_role("button", name="Preview import").click()
    new = page.locator("#new-phases")
    expect(new).to_contain_text("New phases this import adds")
    assert new.locator("li").all_inner_texts() == ["Alpha", "Beta", "GA"]
    shoot(page, "import-preview-new-phases")

    page.get_by_role("button", name=re.compile(r"^Import 9 activities")).click()
    page.get_by_role("link", name=re.compile("Open Atlas rollout")).click()
    groups = [t.strip() for t in page.locator("tr.phase th").all_text_contents()]
    assert groups == ["Post-Launch", "Alpha", "Beta", "GA"]
    shoot(page, "matrix-grouped-by-team-phases")
    # The two refusals above answer 422 (a plain form re-rendered with its message), which
    # Chromium logs as a failed load: those two, and nothing else.
    refused = [e for e in watch.console_errors if "422" in e]
    assert len(refused) == 2 and "/phases/launch/remove/" in refused[0] and "/phases/add/" in refused[1]
    watch.console_errors = [e for e in watch.console_errors if e not in refused]
    watch.assert_clean()
