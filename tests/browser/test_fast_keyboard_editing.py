"""Fast keyboard editing on a slow network: every letter lands on the cell it was typed on.

Answers to edits and the live refresh arrive while the person has already moved on; they
change cells in place and never move focus. Latency of 300 ms is emulated on every request.
"""

import pytest
from playwright.sync_api import Page, expect

from raci import services
from raci.models import Cell
from raci.rules import DISPLAY
from tests.browser.conftest import assert_htmx_loaded
from tests.factories import (
    MembershipFactory,
    UserFactory,
    WorkspaceFactory,
    build_matrix,
)
from workspaces.models import Access

KEY_VALUE = {"r": "R", "a": "A", "c": "C", "i": "I", "Backspace": ""}
# (arrow, key): 21 steps over 21 distinct cells of columns 0-3, starting on the first cell.
STEPS = [
    (None, "c"),
    ("ArrowDown", "r"),
    ("ArrowDown", "a"),
    ("ArrowRight", "i"),
    ("ArrowDown", "Backspace"),
    ("ArrowDown", "r"),
    ("ArrowRight", "r"),
    ("ArrowDown", "a"),
    ("ArrowDown", "i"),
    ("ArrowLeft", "Backspace"),
    ("ArrowDown", "c"),
    ("ArrowDown", "r"),
    ("ArrowRight", "a"),
    ("ArrowRight", "i"),
    ("ArrowDown", "i"),
    ("ArrowLeft", "Backspace"),
    ("ArrowDown", "r"),
    ("ArrowDown", "i"),
    ("ArrowLeft", "a"),
    ("ArrowUp", "i"),
    ("ArrowLeft", "Backspace"),
]
MOVES = {"ArrowDown": (1, 0), "ArrowUp": (-1, 0), "ArrowRight": (0, 1), "ArrowLeft": (0, -1)}
OTHERS_COLUMN = 5


def _values(matrix) -> dict[tuple[int, int], str]:
    return {
        (a, r): v
        for a, r, v in Cell.objects.filter(activity__matrix=matrix).values_list("activity_id", "role_id", "value")
        if v
    }


def _other_edits(matrix, acts, roles, bob):
    """Bob sets a letter in the last column, one row further down each time he is called."""
    state = {"n": 0}

    def edit():
        activity, role = acts[state["n"] % len(acts)], roles[OTHERS_COLUMN]
        current = Cell.objects.filter(activity=activity, role=role).first()
        value = ["R", "A", "I"][state["n"] % 3]
        if current and current.value == value:
            value = "C"
        services.cell_set(
            matrix=matrix,
            activity_id=activity.pk,
            role_id=role.pk,
            value=value,
            expected_version=current.version if current else 0,
            actor=bob,
        )
        state["n"] += 1

    return edit


@pytest.mark.parametrize("with_other_editor", [False, True], ids=["alone", "while-another-edits"])
def test_twenty_fast_keyboard_edits_land_on_their_cells_under_latency(
    page: Page, watch, server, sign_in, with_other_editor
):
    workspace = WorkspaceFactory(name="Acme", slug="acme")
    alice = MembershipFactory(workspace=workspace, access=Access.EDITOR, user=UserFactory(username="alice"))
    bob = MembershipFactory(workspace=workspace, access=Access.EDITOR, user=UserFactory(username="bob"))
    matrix, acts, roles = build_matrix(workspace, activities=12, roles=6, name="Fast")
    before = _values(matrix)

    # Where each step lands, and what the cell must hold afterwards.
    intended, position = {}, (0, 0)
    for arrow, key in STEPS:
        if arrow:
            position = (position[0] + MOVES[arrow][0], position[1] + MOVES[arrow][1])
        cell_key = (acts[position[0]].pk, roles[position[1]].pk)
        assert cell_key not in intended, "each step edits a cell of its own"
        assert before.get(cell_key, "") != KEY_VALUE[key], "each step changes its cell"
        intended[cell_key] = KEY_VALUE[key]
    last = f"#c-{acts[position[0]].pk}-{roles[position[1]].pk}"

    sign_in(page, alice.user.username)
    page.goto(f"{server}/w/acme/matrices/fast/")
    assert_htmx_loaded(page)
    page.evaluate("window.__marker = 'no reload'")
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 300, "downloadThroughput": -1, "uploadThroughput": -1},
    )

    # Into the grid the way a keyboard user gets there: the skip link, then the first cell.
    page.locator("a.skip[href='#grid']").focus()
    page.keyboard.press("Enter")
    expect(page.locator(f"#c-{acts[0].pk}-{roles[0].pk}")).to_be_focused()

    other_edit = _other_edits(matrix, acts, roles, bob.user) if with_other_editor else None
    typed = 0
    for arrow, key in STEPS:
        for press in ([arrow] if arrow else []) + [key]:
            page.keyboard.press(press)
            page.wait_for_timeout(150)
            typed += 1
            if other_edit and typed % 7 == 0:  # about once a second
                other_edit()

    for (a, r), value in intended.items():
        expect(page.locator(f"#c-{a}-{r}")).to_have_text(DISPLAY[value])
    expect(page.locator(last)).to_be_focused()
    # Every intended cell holds its letter; no other cell of Alice's columns changed.
    after = _values(matrix)
    expected = {**before, **intended}
    mine = {k: v for k, v in after.items() if k[1] != roles[OTHERS_COLUMN].pk}
    assert mine == {k: v for k, v in expected.items() if v and k[1] != roles[OTHERS_COLUMN].pk}
    if with_other_editor:
        # Bob's letters reach Alice's page too, and only his column moved besides hers.
        changed = {k for k in after if k[1] == roles[OTHERS_COLUMN].pk and after[k] != before.get(k)}
        assert changed
        for a, r in changed:
            expect(page.locator(f"#c-{a}-{r}")).to_have_text(DISPLAY[after[(a, r)]], timeout=10_000)
    expect(page.locator(".toast.error")).to_have_count(0)
    assert page.evaluate("window.__marker") == "no reload"
    watch.assert_clean()
