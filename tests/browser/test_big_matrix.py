"""A page of a big matrix: the keyboard grid, the live refresh and the pager work there."""

import re

from playwright.sync_api import Page, expect

from raci import services
from tests.factories import (
    MembershipFactory,
    UserFactory,
    WorkspaceFactory,
    build_matrix,
)
from workspaces.models import Access


def test_on_a_later_page_keys_edit_and_others_edits_arrive_even_after_one_on_another_page(
    page: Page, server, sign_in, watch
):
    workspace = WorkspaceFactory(name="Acme", slug="acme")
    me = MembershipFactory(workspace=workspace, access=Access.EDITOR, user=UserFactory(username="alice"))
    other = MembershipFactory(workspace=workspace, access=Access.EDITOR, user=UserFactory(username="bob"))
    matrix, acts, roles = build_matrix(workspace, activities=700, roles=10, name="Big")
    sign_in(page, me.user.username)
    page.goto(f"{server}/w/acme/matrices/big/?page=2")
    expect(page.locator(".pager").first).to_contain_text("Activities 301–600 of 700")
    expect(page.locator("#grid tr[id^='row-']")).to_have_count(300)
    page.evaluate("window.__marker = 'no reload'")

    first = page.locator(f"#c-{acts[300].pk}-{roles[5].pk}")
    first.focus()
    page.keyboard.press("r")
    expect(first).to_have_text("R")
    expect(first).to_be_focused()  # the answer changed the cell in place: focus stayed on it
    page.keyboard.press("ArrowDown")
    expect(page.locator(f"#c-{acts[301].pk}-{roles[5].pk}")).to_be_focused()
    page.keyboard.press("c")
    expect(page.locator(f"#c-{acts[301].pk}-{roles[5].pk}")).to_have_text("C")

    # Bob edits a cell on page 1 (not shown here), then one on this page.
    services.cell_set(
        matrix=matrix, activity_id=acts[0].pk, role_id=roles[6].pk, value="A", expected_version=1, actor=other.user
    )
    expect(page.locator("#finding-counts")).to_contain_text("1 error", timeout=10_000)
    services.cell_set(
        matrix=matrix, activity_id=acts[420].pk, role_id=roles[6].pk, value="R", expected_version=1, actor=other.user
    )
    expect(page.locator(f"#c-{acts[420].pk}-{roles[6].pk}")).to_have_text("R", timeout=10_000)
    assert page.evaluate("window.__marker") == "no reload"

    page.get_by_role("link", name="Next →").first.click()
    expect(page).to_have_url(re.compile(r"\?page=3$"))
    expect(page.locator("#grid tr[id^='row-']")).to_have_count(100)
    watch.assert_clean()
