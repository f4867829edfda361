"""Undo (Ctrl+Z) and paste of a spreadsheet block in the grid, in a real browser: the answer
patches the cells in place, focus stays on the cell the person is on, an invalid block says
why and changes nothing, and others see the paste through the live refresh."""

import os

from playwright.sync_api import Page, expect

from raci.models import Cell, ChangeEvent
from tests.browser.conftest import assert_htmx_loaded, open_signed_in
from tests.factories import (
    MembershipFactory,
    UserFactory,
    WorkspaceFactory,
    build_matrix,
)
from workspaces.models import Access

PASTE = """(text) => {
  const data = new DataTransfer();
  data.setData("text/plain", text);
  document.activeElement.dispatchEvent(new ClipboardEvent("paste", {clipboardData: data, bubbles: true, cancelable: true}));
}"""


def _open(page, sign_in, server):
    workspace = WorkspaceFactory(name="Acme", slug="acme")
    me = MembershipFactory(workspace=workspace, access=Access.EDITOR, user=UserFactory(username="alice"))
    bob = MembershipFactory(workspace=workspace, access=Access.EDITOR, user=UserFactory(username="bob"))
    matrix, acts, roles = build_matrix(workspace, activities=4, roles=3, name="Keys")
    sign_in(page, me.user.username)
    page.goto(f"{server}/w/acme/matrices/keys/")
    assert_htmx_loaded(page)
    page.evaluate("window.__marker = 'no reload'")
    return matrix, acts, roles, bob.user


def _cell(page, activity, role):
    return page.locator(f"#c-{activity.pk}-{role.pk}")


def _letters(acts, roles):
    found = {(c.activity_id, c.role_id): c.value for c in Cell.objects.filter(activity__in=acts)}
    return [[found.get((a.pk, r.pk), "") for r in roles] for a in acts]


def test_ctrl_z_restores_the_previous_letter_and_keeps_focus_on_the_cell(page: Page, watch, server, sign_in):
    matrix, acts, roles, _ = _open(page, sign_in, server)
    first, second = _cell(page, acts[1], roles[0]), _cell(page, acts[1], roles[2])
    first.focus()
    page.keyboard.press("i")
    expect(first).to_have_text("I")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("r")
    expect(second).to_have_text("R")

    page.keyboard.press("Control+z")
    expect(second).to_have_text("C")
    expect(second).to_be_focused()
    expect(page.locator("#toasts")).to_contain_text("Undo: Activity 1 × KEY2 set to R.")
    page.keyboard.press("Control+z")
    expect(first).to_have_text("C")
    expect(second).to_be_focused()  # focus stays where the person is, not on the undone cell
    assert _letters(acts, roles)[1] == ["C", "AR", "C"]
    assert page.evaluate("window.__marker") == "no reload"
    watch.assert_clean()


def test_typing_then_ctrl_z_at_once_undoes_that_edit_after_it_is_saved(page: Page, watch, server, sign_in):
    matrix, acts, roles, _ = _open(page, sign_in, server)
    target = _cell(page, acts[2], roles[0])
    target.focus()
    page.keyboard.press("a")
    page.keyboard.press("Control+z")
    expect(target).to_have_text("C")
    expect(target).to_be_focused()
    expect(page.locator("#toasts")).to_contain_text("Undo: Activity 2 × KEY0 set to A.")
    watch.assert_clean()


def test_the_undo_button_undoes_the_last_edit(page: Page, watch, server, sign_in):
    matrix, acts, roles, _ = _open(page, sign_in, server)
    target = _cell(page, acts[0], roles[1])
    target.focus()
    page.keyboard.press("Backspace")
    expect(target).to_have_text("")
    page.get_by_role("button", name="Undo my last edit").click()
    expect(target).to_have_text("C")
    watch.assert_clean()


def test_pasting_a_2x3_block_fills_it_from_the_focused_cell_and_undoes_in_one_step(
    page: Page, watch, server, sign_in, browser
):
    matrix, acts, roles, bob = _open(page, sign_in, server)
    context, bob_page = open_signed_in(browser, server, sign_in, bob.username, f"{server}/w/acme/matrices/keys/")
    try:
        start = _cell(page, acts[1], roles[0])
        start.focus()
        page.evaluate(PASTE, "R\tI\tA/R\r\nI\t-\tC\r\n")
        expected = [["R", "I", "A/R"], ["I", "", "C"]]
        for i, row in enumerate(expected):
            for j, value in enumerate(row):
                expect(_cell(page, acts[1 + i], roles[j])).to_have_text(value)
        expect(start).to_be_focused()
        expect(page.locator("#toasts")).to_contain_text("Paste of 2×3 cells.")
        assert _letters(acts, roles)[1:3] == [["R", "I", "AR"], ["I", "", "C"]]
        assert set(ChangeEvent.objects.filter(matrix=matrix).values_list("group_label", flat=True)) == {
            "Paste of 2×3 cells"
        }
        # Bob sees it through the live refresh, without a reload.
        expect(bob_page.locator(f"#c-{acts[2].pk}-{roles[0].pk}")).to_have_text("I", timeout=10_000)
        assert bob_page.evaluate("window.__marker") == "no reload"

        page.keyboard.press("Control+z")
        expect(_cell(page, acts[1], roles[2])).to_have_text("C")
        expect(_cell(page, acts[1], roles[1])).to_have_text("A/R")
        expect(start).to_be_focused()
        assert _letters(acts, roles)[1:3] == [["C", "AR", "C"], ["C", "C", "AR"]]
        expect(bob_page.locator(f"#c-{acts[2].pk}-{roles[0].pk}")).to_have_text("C", timeout=10_000)
    finally:
        context.close()
    watch.assert_clean()


def test_an_invalid_block_shows_the_message_and_changes_nothing(page: Page, watch, server, sign_in):
    matrix, acts, roles, _ = _open(page, sign_in, server)
    before = _letters(acts, roles)
    start = _cell(page, acts[0], roles[0])
    start.focus()
    page.evaluate(PASTE, "R\tI\tC\nR\tX\tC")
    expect(page.locator("#toasts .toast.error")).to_contain_text(
        "“X” in row “Activity 1”, column KEY1 is not a RACI value"
    )
    expect(_cell(page, acts[0], roles[0])).to_have_text("A/R")
    expect(start).to_be_focused()

    corner = _cell(page, acts[3], roles[2])
    corner.focus()
    page.evaluate(PASTE, "R\tR")  # from the last column: runs past the edge
    expect(page.locator("#toasts")).to_contain_text(
        "The pasted block is 1 row by 2 columns, but from “Activity 3” × KEY2 the matrix has 1 row and 1 column"
    )
    expect(corner).to_be_focused()
    assert _letters(acts, roles) == before
    assert not ChangeEvent.objects.filter(matrix=matrix).exists()
    # The refusals are 422 answers, which the browser logs; nothing else went wrong.
    watch.console_errors = [e for e in watch.console_errors if "status of 422" not in e or "/paste/" not in e]
    watch.assert_clean()


def test_the_undo_button_the_paste_error_and_the_paste_form_at_two_widths(page: Page, watch, server, sign_in, tmp_path):
    """Screenshots for a person to look at (SCREENSHOTS_DIR keeps them); the checks are that
    the controls are visible and the message fits the window at both widths."""
    folder = os.environ.get("SCREENSHOTS_DIR") or str(tmp_path)
    matrix, acts, roles, _ = _open(page, sign_in, server)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(f"{server}/w/acme/matrices/keys/")
        assert_htmx_loaded(page)
        expect(page.get_by_role("button", name="Undo my last edit")).to_be_visible()
        page.screenshot(path=f"{folder}/undo-button-{width}.png")
        _cell(page, acts[0], roles[0]).focus()
        page.evaluate(PASTE, "R\tQ\nI\tC")
        toast = page.locator("#toasts .toast.error")
        expect(toast).to_contain_text("“Q” in row “Activity 0”, column KEY1")
        box = toast.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width
        page.screenshot(path=f"{folder}/paste-error-{width}.png")
        page.goto(f"{server}/w/acme/matrices/keys/paste/?activity={acts[3].pk}&role={roles[2].pk}")
        page.locator("#paste-text").fill("R\tR\nI\tI")
        page.get_by_role("button", name="Paste", exact=True).click()
        expect(page.locator("#paste-error")).to_contain_text("to its edge")
        page.screenshot(path=f"{folder}/paste-form-error-{width}.png", full_page=True)
    assert not ChangeEvent.objects.filter(matrix=matrix).exists()


def test_ctrl_shift_z_and_ctrl_y_redo_what_ctrl_z_undid(page: Page, watch, server, sign_in):
    matrix, acts, roles, _ = _open(page, sign_in, server)
    target = _cell(page, acts[3], roles[1])
    target.focus()
    page.keyboard.press("i")
    expect(target).to_have_text("I")
    page.keyboard.press("Control+z")
    expect(target).to_have_text("C")
    page.keyboard.press("Control+Shift+z")
    expect(target).to_have_text("I")
    expect(page.locator("#toasts")).to_contain_text("Redo: Activity 3 × KEY1 set to I.")
    page.keyboard.press("Control+z")
    expect(target).to_have_text("C")
    page.keyboard.press("Control+y")
    expect(target).to_have_text("I")
    expect(target).to_be_focused()
    watch.assert_clean()
