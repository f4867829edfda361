"""Column headers in a browser: the role's name where there is room, its code (an
abbreviation carrying the name) on a phone and in a matrix of many roles. Screenshots at
1280 and 390 px go to $SCREENSHOTS_DIR when it is set, else to the test's temporary folder."""

import os

import pytest
from playwright.sync_api import Page, expect

from raci import services
from raci.models import Template
from tests.factories import UserFactory, build_matrix
from workspaces import services as workspaces_services


@pytest.fixture
def shots(tmp_path):
    return os.environ.get("SCREENSHOTS_DIR") or str(tmp_path)


def _visible_heads(page: Page) -> list[str]:
    return page.locator("table.grid thead th.rh").evaluate_all(
        "ths => ths.map(th => [...th.querySelectorAll('.rname, abbr.code')]"
        ".filter(e => getComputedStyle(e).display !== 'none' && e.getBoundingClientRect().width > 1)"
        ".map(e => e.textContent).join('|'))"
    )


def test_headers_show_role_names_on_a_wide_screen_and_codes_on_a_phone(page: Page, server, sign_in, watch, shots):
    user = UserFactory(username="header")
    workspace = workspaces_services.workspace_create(name="Heads", owner=user)
    template = Template.objects.get(slug="pm-pmm-scaleup", workspace=None)
    matrix = services.matrix_create(workspace=workspace, name="Core", actor=user, template=template)
    sign_in(page, "header")
    page.goto(f"{server}/w/{workspace.slug}/matrices/{matrix.slug}/")
    heads = _visible_heads(page)
    assert heads[:2] == ["Product Manager", "Product Marketing Manager"]
    for head in page.locator("table.grid thead th.rh .rname").all():
        box = head.bounding_box()
        assert box["height"] <= 60, "a name wraps to at most three lines"
    page.screenshot(path=f"{shots}/column-headers-1280.png", full_page=False)
    page.set_viewport_size({"width": 390, "height": 844})
    assert _visible_heads(page)[:2] == ["PM", "PMM"]
    expect(page.locator("table.grid thead th.rh abbr.code").first).to_have_attribute("title", "Product Manager")
    expect(page.get_by_role("columnheader", name="Product Marketing Manager", exact=False)).to_be_attached()
    expect(page.locator(".role-key")).to_contain_text("Product Marketing Manager")
    page.screenshot(path=f"{shots}/column-headers-390.png", full_page=False)
    watch.assert_clean()


def test_a_matrix_of_many_roles_heads_its_columns_with_codes(page: Page, server, sign_in, watch, shots):
    user = UserFactory(username="many")
    workspace = workspaces_services.workspace_create(name="Many", owner=user)
    matrix, _, _ = build_matrix(workspace, activities=4, roles=10, name="Wide")
    sign_in(page, "many")
    page.goto(f"{server}/w/{workspace.slug}/matrices/{matrix.slug}/")
    assert _visible_heads(page) == [f"WID{i}" for i in range(10)]
    names = [f"Wide role {i}" for i in range(10)]
    for code, name in zip([f"WID{i}" for i in range(10)], names, strict=True):
        # The full name stays the header's accessible name and is spelled out under the grid.
        expect(page.get_by_role("columnheader", name=name, exact=False).first).to_be_attached()
        expect(page.locator(".role-key div", has_text=code)).to_contain_text(name)
    expect(page.locator(".role-key")).to_be_visible()
    page.screenshot(path=f"{shots}/column-headers-many-roles-1280.png", full_page=True)
    watch.assert_clean()
