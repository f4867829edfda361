"""Findings you can act on, in a browser: apply a fix from its preview, undo it from the
history, compare with the template and reset a row. Screenshots at 1280 and 390 px go to
$SCREENSHOTS_DIR when it is set (to look at them), else to the test's temporary folder."""

import os
import re

import pytest
from playwright.sync_api import Page, expect

from raci import services
from raci.models import Cell, Template
from raci.selectors import matrix_grid
from tests.factories import UserFactory
from workspaces import services as workspaces_services
from workspaces.models import Access, Membership


@pytest.fixture
def shots(tmp_path):
    return os.environ.get("SCREENSHOTS_DIR") or str(tmp_path)


def _matrix_with_two_owners(server):
    user = UserFactory(username="fixer")
    workspace = workspaces_services.workspace_create(name="Fixers", owner=user)
    template = Template.objects.get(slug="pm-pmm-scaleup", workspace=None)
    matrix = services.matrix_create(workspace=workspace, name="Core", actor=user, template=template)
    grid = matrix_grid(matrix=matrix, check=False)
    pricing = next(a for a in grid.activities if a.name.startswith("Pricing"))
    pm, pmm = (c.role_id for c in grid.columns[:2])
    for role in (pm, pmm):
        version = grid.cells.get((pricing.id, role), ("", 0))[1]
        services.cell_set(
            matrix=matrix, activity_id=pricing.id, role_id=role, value="A", expected_version=version, actor=user
        )
    assert Membership.objects.get(user=user).access == Access.ADMIN
    return user, workspace, matrix, pricing, pm, pmm


def _shoot(page: Page, folder: str, name: str) -> None:
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=f"{folder}/{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_apply_a_fix_from_its_preview_then_undo_it_from_the_history(page: Page, server, sign_in, watch, shots):
    user, workspace, matrix, pricing, pm, pmm = _matrix_with_two_owners(server)
    sign_in(page, "fixer")
    page.goto(f"{server}/w/{workspace.slug}/matrices/{matrix.slug}/")
    item = page.locator("#findings-panel li.finding").filter(has_text="multiple-accountable")
    item.get_by_text("Why it matters").click()
    expect(item).to_contain_text("re-litigating")
    _shoot(page, shots, "matrix-finding-fixes")
    item.get_by_role("link", name="Make PMM the single A (the others R or C)").click()
    card = page.locator(".fix-card").filter(has_text="Make PMM the single A")
    expect(card.locator("td.letter.new")).to_have_text(["C"])
    _shoot(page, shots, "finding-preview")
    card.get_by_role("button", name=re.compile("^Apply")).click()
    expect(page.locator(".toast, .messages, [role=status]").first).to_be_visible()
    assert Cell.objects.get(activity_id=pricing.id, role_id=pm).value == "C"
    page.get_by_role("link", name="History").click()
    expect(page.locator(".group-label").first).to_have_text("Fix: Make PMM the single A (the others R or C)")
    page.get_by_role("button", name="Undo").first.click()
    expect(page.locator(".group-label").first).to_contain_text("Undo: Fix: Make PMM the single A")
    assert Cell.objects.get(activity_id=pricing.id, role_id=pm).value == "A"
    watch.assert_clean()


def test_compare_with_the_template_and_reset_a_row(page: Page, server, sign_in, watch, shots):
    user, workspace, matrix, pricing, pm, pmm = _matrix_with_two_owners(server)
    sign_in(page, "fixer")
    page.goto(f"{server}/w/{workspace.slug}/matrices/{matrix.slug}/")
    page.get_by_role("link", name="Compare with the template").click()
    row = page.locator("table.compare tbody tr").filter(has_text=pricing.name)
    expect(row).to_contain_text("Letters differ")
    _shoot(page, shots, "template-compare")
    row.get_by_role("button", name="Reset this row to the template").click()
    expect(page.locator("table.compare tbody tr").filter(has_text=pricing.name)).to_have_count(0)
    assert Cell.objects.get(activity_id=pricing.id, role_id=pm).value == "C"
    watch.assert_clean()


def test_split_two_owners_into_input_and_outcome_from_the_finding(page: Page, server, sign_in, watch, shots):
    user, workspace, matrix, pricing, pm, pmm = _matrix_with_two_owners(server)
    sign_in(page, "fixer")
    page.goto(f"{server}/w/{workspace.slug}/matrices/{matrix.slug}/")
    item = page.locator("#findings-panel li.finding").filter(has_text="multiple-accountable")
    item.get_by_role("link", name="Split into input and outcome").click()
    page.get_by_role("link", name="Choose who owns the input and the outcome…").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Split “{pricing.name}” into input and outcome")
    expect(page.get_by_label("Who owns the input?")).to_have_value(str(pm))
    expect(page.get_by_label("Who owns the outcome?")).to_have_value(str(pmm))
    _shoot(page, shots, "split-form")
    page.get_by_role("button", name="Split").click()
    expect(page.locator(".toast").first).to_contain_text("You can undo it from the history")
    expect(page.locator("table.grid")).to_contain_text(f"{pricing.name}: input")
    expect(page.locator("table.grid")).to_contain_text(f"{pricing.name}: outcome")
    expect(page.locator("#findings-panel li.finding").filter(has_text="multiple-accountable")).to_have_count(0)
    watch.assert_clean()
