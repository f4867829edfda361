"""The matrix as a WAI-ARIA grid: one Tab stop, arrow keys inside, headers announced; a
refresh of the whole grid keeps focus on the same cell and waits while a form is in use."""

from playwright.sync_api import Page, expect

from raci import services
from tests.browser.conftest import assert_htmx_loaded
from tests.factories import (
    MembershipFactory,
    UserFactory,
    WorkspaceFactory,
    build_matrix,
)
from workspaces.models import Access


def _open(page, sign_in, server, *, access=Access.EDITOR):
    workspace = WorkspaceFactory(name="Acme", slug="acme")
    me = MembershipFactory(workspace=workspace, access=access, user=UserFactory(username="alice"))
    bob = MembershipFactory(workspace=workspace, access=Access.EDITOR, user=UserFactory(username="bob"))
    matrix, acts, roles = build_matrix(workspace, activities=4, roles=3, name="Keys")
    sign_in(page, me.user.username)
    page.goto(f"{server}/w/acme/matrices/keys/")
    assert_htmx_loaded(page)
    return matrix, acts, roles, bob.user


def test_the_grid_is_one_tab_stop_with_arrow_keys_inside_and_named_headers(page: Page, watch, server, sign_in):
    matrix, acts, roles, _ = _open(page, sign_in, server)
    grid = page.get_by_role("grid", name="Keys: RACI matrix")
    expect(grid).to_have_count(1)
    expect(grid.get_by_role("columnheader")).to_have_count(1 + len(roles))
    expect(grid.get_by_role("rowheader", name="Activity 2")).to_have_count(1)
    expect(page.locator("#grid table [tabindex='0']")).to_have_count(1)

    # Tab reaches the first cell from the control before the grid, and the next Tab leaves it.
    page.get_by_role("link", name="Paste a block…").focus()
    page.keyboard.press("Tab")
    first = page.locator(f"#c-{acts[0].pk}-{roles[0].pk}")
    expect(first).to_be_focused()
    page.keyboard.press("Tab")
    assert page.evaluate("!document.querySelector('#grid table').contains(document.activeElement)")

    # Arrows move inside; the Tab stop follows the focus; headers are reached too.
    first.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowDown")
    moved = page.locator(f"#c-{acts[1].pk}-{roles[1].pk}")
    expect(moved).to_be_focused()
    expect(moved).to_have_attribute("tabindex", "0")
    expect(first).to_have_attribute("tabindex", "-1")
    page.keyboard.press("End")
    expect(page.locator(f"#c-{acts[1].pk}-{roles[2].pk}")).to_be_focused()
    page.keyboard.press("Home")
    expect(page.locator(f"#ah-{acts[1].pk} a.edit")).to_be_focused()
    page.keyboard.press("Control+End")
    expect(page.locator(f"#c-{acts[3].pk}-{roles[2].pk}")).to_be_focused()
    for _ in range(4):
        page.keyboard.press("ArrowUp")
    # The column header's first link: "nobody holds this" (the test's roles have no holder), then its edit link.
    expect(page.locator(f"#col-{roles[2].pk} a").first).to_be_focused()
    watch.assert_clean()


def test_a_refresh_of_the_whole_grid_keeps_focus_on_the_same_cell(page: Page, watch, server, sign_in):
    matrix, acts, roles, bob = _open(page, sign_in, server)
    page.evaluate("window.__marker = 'no reload'")
    target = page.locator(f"#c-{acts[2].pk}-{roles[1].pk}")
    target.focus()
    services.activity_add(matrix=matrix, name="Analyst briefings", phase="strategy", actor=bob)
    expect(page.locator("#grid")).to_contain_text("Analyst briefings", timeout=10_000)
    expect(target).to_be_focused()
    expect(target).to_have_attribute("tabindex", "0")
    page.keyboard.press("i")
    expect(target).to_have_text("I")
    assert page.evaluate("window.__marker") == "no reload"
    watch.assert_clean()


def test_a_change_to_rows_waits_while_a_form_is_being_typed_in(page: Page, watch, server, sign_in):
    matrix, acts, roles, bob = _open(page, sign_in, server)
    page.locator("#new-col-name").fill("Sales")
    services.activity_add(matrix=matrix, name="Analyst briefings", phase="strategy", actor=bob)
    waiting = page.locator("#grid-waiting")
    expect(waiting).to_be_visible(timeout=10_000)
    expect(waiting).to_contain_text("The matrix changed")
    expect(page.locator("#grid")).not_to_contain_text("Analyst briefings")
    expect(page.locator("#new-col-name")).to_have_value("Sales")
    waiting.get_by_role("link", name="Refresh the matrix").click()
    expect(page.locator("#grid")).to_contain_text("Analyst briefings")
    expect(waiting).to_be_hidden()
    expect(page.locator("#new-col-name")).to_have_value("Sales")
    watch.assert_clean()


def test_a_refused_role_says_why_next_to_the_code_and_keeps_the_typed_name(page: Page, watch, server, sign_in):
    matrix, acts, roles, bob = _open(page, sign_in, server)
    page.locator("#new-activity-name").fill("Battlecards")
    page.locator("#new-activity-name").press("Enter")
    expect(page.locator("#grid")).to_contain_text("Battlecards")
    page.locator("#new-col-name").fill("Sales")
    page.locator("#new-col-name").press("Enter")
    code = page.locator("#new-col-code")
    error = page.locator(".adders .field-error")
    expect(error).to_have_text("The role needs a short code, like PM or PMM.")
    expect(code).to_be_focused()
    expect(code).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#grid .form-error")).to_have_count(0)
    # Someone else's change to the rows arrives: it waits, and the form, its text and its
    # error stay.
    services.activity_add(matrix=matrix, name="Analyst briefings", phase="strategy", actor=bob)
    expect(page.locator("#grid-waiting")).to_be_visible(timeout=10_000)
    expect(error).to_have_count(1)
    expect(page.locator("#new-col-name")).to_have_value("Sales")
    # With a code the role is added and the message goes.
    code.fill("SLS")
    code.press("Enter")
    expect(page.locator("#grid thead")).to_contain_text("SLS")
    expect(error).to_have_count(0)
    # The refusal itself is the only thing the console reports (Chromium logs every 4xx).
    assert all("422" in e for e in watch.console_errors), watch.console_errors
    assert watch.page_errors == [] and watch.csp_violations() == []
