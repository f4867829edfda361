"""The room runs the Launch Tiering meeting in Chromium (clock frozen on 1 Dec 2026): the
candidates are listed, one is tiered against the suggestion with a reason, and the
decision shows in the meeting's decisions."""

from datetime import date

import pytest
import time_machine
from playwright.sync_api import Browser, expect

from launches import services
from rituals import services as rituals_services
from tests.browser.conftest import CSP_RECORDER, PageWatch
from tests.factories import (
    MatrixFactory,
    MembershipFactory,
    UserFactory,
    WorkspaceFactory,
    hold,
)
from workspaces.models import Access, Role


@pytest.fixture
def frozen(settings):
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True
    settings.CSRF_COOKIE_AGE = None
    with time_machine.travel("2026-12-01 09:00:00+00:00", tick=True):
        yield


def test_the_room_tiers_the_candidates_at_the_meeting(frozen, tmp_path, browser: Browser, server, sign_in):
    ws = WorkspaceFactory(name="Acme", slug="acme")
    people = {}
    for code, username in (("PMM", "mira"), ("PM", "paul")):
        member = MembershipFactory(
            workspace=ws, access=Access.EDITOR, user=UserFactory(username=username, first_name=username.title())
        )
        hold(Role.objects.create(workspace=ws, code=code, name=f"{code} role"), member)
        people[code] = member
    MatrixFactory(workspace=ws, name="PM and PMM")
    cycle = services.cycle_create(workspace=ws, quarter="2027-Q1")
    for name, scores, day in (
        ("Billing", [3, 3, 3, 2, 2, 2], date(2027, 3, 1)),
        ("Dark mode", [1, 2, 2, 1, 2, 2], date(2026, 12, 18)),
    ):
        launch = services.launch_create(
            cycle=cycle, name=name, pm_owner_id=people["PM"].pk, pmm_owner_id=people["PMM"].pk, launch_date=day
        )
        services.launch_score(launch=launch, scores=scores)
    ritual = next(r for r in rituals_services.rituals_seed_defaults(workspace=ws) if r.key == "launch-tiering")
    day = ritual.next_date(date(2026, 12, 1))

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.add_init_script(CSP_RECORDER)
    watch = PageWatch(page)
    sign_in(page, "mira")
    page.goto(f"{server}/w/acme/rituals/{ritual.pk}/{day.isoformat()}/")
    candidates = page.locator("#candidates")
    expect(candidates).to_contain_text("Candidates for 2027-Q1")
    expect(candidates.locator(".candidate")).to_have_count(2)
    expect(candidates).to_contain_text("Score 15 · suggests Tier 1")
    expect(candidates.locator(".plan-warning[data-code=outside-cycle]")).to_be_visible()
    page.screenshot(path=tmp_path / "meeting_1280.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=tmp_path / "meeting_390.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})

    billing = candidates.locator(".candidate", has_text="Billing")
    billing.get_by_role("button", name="Tier it").click()  # the suggestion is preselected
    expect(page.locator("#decisions")).to_contain_text("Billing: Tier 1")
    dark = page.locator("#candidates .candidate", has_text="Dark mode")
    dark.get_by_label("Tier of Dark mode").select_option(label="Tier 2")
    dark.get_by_role("button", name="Tier it").click()
    expect(page.get_by_text("say why it is Tier 2")).to_be_visible()
    dark = page.locator("#candidates .candidate", has_text="Dark mode")
    dark.get_by_label("Tier of Dark mode").select_option(label="Tier 2")
    dark.get_by_label("Reason, if not the suggested tier").fill("Enterprise ask")
    dark.get_by_role("button", name="Tier it").click()
    expect(page.locator("#decisions")).to_contain_text("Dark mode: Tier 2")
    expect(page.locator("#candidates .candidate", has_text="Dark mode")).to_contain_text("Reason: Enterprise ask")
    watch.assert_clean()
    context.close()
