"""A new team in Chromium: its first matrix, made from the default template, is the
workspace's default; a Tier 1 launch's checklist takes every owner from it (no phantom
role); a launch whose matrix lacks an activity offers to add it from the template; the
settings page names the default matrix. Screenshots at 1280 and 390 px wide."""

from playwright.sync_api import Browser, expect

from launches import services
from raci import services as raci_services
from raci.models import Template
from tests.browser.conftest import CSP_RECORDER, PageWatch, assert_htmx_loaded, shoot
from tests.factories import UserFactory
from tests.launches.conftest import OWNER_LETTERS, TIER_1_SCORES, owners_matrix
from workspaces import services as workspace_services
from workspaces.models import Role


def test_a_new_team_checklist_takes_its_owners_from_the_default_matrix(browser: Browser, server, sign_in):
    founder = UserFactory(username="nina", first_name="Nina")
    ws = workspace_services.workspace_create(name="Acme", owner=founder)
    admin = ws.memberships.get()
    matrix = raci_services.matrix_create(
        workspace=ws,
        name="Our PM/PMM split",
        actor=founder,
        template=Template.objects.get(workspace__isnull=True, is_default=True),
    )
    roles_before = Role.objects.filter(workspace=ws).count()
    cycle = services.cycle_create(workspace=ws, quarter="2027-Q1")
    launch = services.launch_create(cycle=cycle, name="Usage-based billing", pm_owner_id=admin.pk)
    services.launch_score(launch=launch, scores=TIER_1_SCORES)
    services.launch_set_tier(launch=launch, tier=1, actor=admin)
    assert Role.objects.filter(workspace=ws).count() == roles_before

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.add_init_script(CSP_RECORDER)
    watch = PageWatch(page)
    sign_in(page, "nina")
    page.goto(f"{server}/w/{ws.slug}/matrices/{matrix.slug}/")
    assert_htmx_loaded(page)
    shoot(page, "new-matrix")
    page.goto(f"{server}/w/{ws.slug}/launches/{cycle.slug}/{launch.pk}/")
    checklist = page.locator("#checklist")
    expect(checklist).to_contain_text("Owners come from Our PM/PMM split, the workspace's default matrix")
    expect(checklist).to_contain_text("CS is R on Launch Readiness.")
    expect(checklist).to_contain_text("PMM is A/R on Sales/CS Enablement.")
    expect(checklist).to_contain_text("PM is A/R on Day-30 Readout: Press, Pivot or Pause.")
    expect(checklist).not_to_contain_text("No owner")
    shoot(page, "checklist-owners", part="#checklist")

    page.goto(f"{server}/w/{ws.slug}/settings/")
    expect(page.get_by_label("Default matrix")).to_have_value(str(matrix.pk))
    shoot(page, "settings-default-matrix", part="#default-matrix")
    watch.assert_clean()
    context.close()


def test_a_missing_activity_is_added_from_the_template_in_one_step(browser: Browser, server, sign_in):
    founder = UserFactory(username="omar", first_name="Omar")
    ws = workspace_services.workspace_create(name="Beta team", owner=founder)
    admin = ws.memberships.get()
    for code, name in (("PM", "Product Manager"), ("PMM", "Product Marketing Manager"), ("SUP", "Support")):
        Role.objects.get_or_create(workspace=ws, code=code, defaults={"name": name})  # a new team has PM and PMM
    letters = {k: v for k, v in OWNER_LETTERS.items() if k != "pricing-packaging"}
    owners_matrix(ws, name="Launch roles", letters=letters)
    cycle = services.cycle_create(workspace=ws, quarter="2027-Q1")
    launch = services.launch_create(cycle=cycle, name="Audit log export", pmm_owner_id=admin.pk)
    services.launch_set_tier(launch=launch, tier=3, reason="A small change", actor=admin)

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.add_init_script(CSP_RECORDER)
    watch = PageWatch(page)
    sign_in(page, "omar")
    page.goto(f"{server}/w/{ws.slug}/launches/{cycle.slug}/{launch.pk}/")
    item = page.locator(f"#item-{launch.items.get(key='pricing').pk}")
    expect(item).to_contain_text("No owner: the matrix has no Pricing & Packaging.")
    shoot(page, "missing-activity-offer", part="#checklist")
    item.get_by_role("button", name="Add Pricing & Packaging from the template").click()
    expect(page.locator("#toasts")).to_contain_text("is now PMM's")
    expect(page.locator(f"#item-{launch.items.get(key='pricing').pk}")).to_contain_text(
        "PMM is A/R on Pricing & Packaging."
    )
    shoot(page, "missing-activity-added", part="#checklist")
    watch.assert_clean()
    context.close()
