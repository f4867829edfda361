"""Editing a matrix in a real browser: cells by menu and keyboard, live findings swapped in
out of band, structure edits, viewers, and a page free of console errors and CSP
violations. Every edit happens without a page reload: a `window.__marker` set before the
edits must still be there after them."""

import re

import pytest
from playwright.sync_api import Page, expect

from raci import services as raci_services
from raci.builtin_templates import DEFAULT_TEMPLATE_SLUG
from raci.models import Template
from tests.browser.conftest import assert_htmx_loaded
from tests.factories import UserFactory
from workspaces import services
from workspaces.models import Access, Membership

MARKER = "set-before-the-edits"


# --- helpers -------------------------------------------------------------------------------


def exactly(text: str) -> re.Pattern:
    return re.compile(rf"^\s*{re.escape(text)}\s*$")


def activity_id(page: Page, name: str) -> str:
    row = page.locator("#grid tr[id^='row-']").filter(has=page.locator("span.an", has_text=exactly(name)))
    expect(row).to_have_count(1)
    return row.get_attribute("id").removeprefix("row-")


def role_id(page: Page, code: str) -> str:
    header = page.locator("#grid th.rh").filter(has=page.locator(".code", has_text=exactly(code)))
    expect(header).to_have_count(1)
    return header.get_attribute("id").removeprefix("col-")


def cell(page: Page, a: str, r: str):
    return page.locator(f"#c-{a}-{r}")


def expect_value(page: Page, a: str, r: str, value: str) -> None:
    """The cell shows `value` (R, A, AR, C, I or "" for empty), as class and as text."""
    locator = cell(page, a, r)
    expect(locator).to_have_class(re.compile(rf"(^|\s)v{value}(\s|$)") if value else re.compile(r"^c$"))
    expect(locator).to_have_text({"AR": "A/R"}.get(value, value))


def set_marker(page: Page) -> None:
    page.evaluate(f"window.__marker = {MARKER!r}")


def expect_no_reload(page: Page) -> None:
    assert page.evaluate("window.__marker") == MARKER, "the page was reloaded during the edits"


def expect_multiple_accountable(page: Page, a: str, name: str, present: bool) -> None:
    badge = page.locator(f"#rb-{a}")
    panel_item = page.locator("#findings-panel li.finding").filter(has_text="multiple-accountable")
    counts = page.locator("#finding-counts")
    if present:
        expect(badge.locator(".badge")).to_have_class(re.compile(r"\bsev-e\b"))
        expect(badge).to_contain_text("multiple-accountable")
        expect(panel_item).to_have_count(1)
        expect(panel_item.locator(f"a[href='#row-{a}']")).to_have_text(name)
        expect(counts).to_contain_text(re.compile(r"\b1 error\b"))
    else:
        expect(badge).not_to_contain_text("multiple-accountable")
        expect(badge.locator(".badge")).to_have_count(0)
        expect(panel_item).to_have_count(0)
        expect(counts).to_contain_text(re.compile(r"\b0 errors\b"))


def default_template() -> Template:
    return Template.objects.get(workspace__isnull=True, slug=DEFAULT_TEMPLATE_SLUG)


def make_matrix(username: str = "editor", access: str = Access.ADMIN):
    """A user, their workspace and a matrix from the default template, made through the
    services (the signup test covers doing all this through the UI)."""
    user = UserFactory(username=username)
    workspace = services.workspace_create(name="Acme", owner=user)
    if access != Access.ADMIN:
        Membership.objects.filter(workspace=workspace, user=user).update(access=access)
    matrix = raci_services.matrix_create(
        workspace=workspace, name="Core PM × PMM", actor=user, template=default_template()
    )
    return user, workspace, matrix


# --- tests -----------------------------------------------------------------------------------


def test_new_user_builds_a_matrix_and_sees_findings_live(page: Page, watch, server, tmp_path):
    # Sign up through the form.
    page.goto(f"{server}/accounts/signup/")
    assert_htmx_loaded(page)
    page.get_by_label("Username").fill("nora")
    page.get_by_label("Your name").fill("Nora")
    page.get_by_label("Email").fill("nora@example.com")
    page.get_by_label("Password", exact=True).fill("plum-orchard-1987")
    page.get_by_label("Password confirmation").fill("plum-orchard-1987")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your mail")
    # The account starts once the address is confirmed from the mail.
    from django.core import mail

    link = re.search(r"/accounts/confirm-email/\S+", mail.outbox[-1].body).group(0)
    page.goto(f"{server}{link}")
    page.get_by_role("button", name="Confirm and sign in").click()
    expect(page).to_have_url(f"{server}/")
    expect(page.locator("#toasts")).to_contain_text("nora@example.com is confirmed. Welcome to Lockstep.")
    expect(page.locator(".usernav summary")).to_have_text("Nora")

    # Create a workspace.
    new_workspace = page.locator("form").filter(has=page.get_by_role("button", name="Create workspace"))
    new_workspace.get_by_label("Name", exact=True).fill("Nora's team")
    new_workspace.get_by_role("button", name="Create workspace").click()
    expect(page).to_have_url(f"{server}/w/noras-team/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Nora's team")

    # Create a matrix from the default template, which is preselected.
    page.goto(f"{server}/w/noras-team/matrices/new/")
    default_card = page.locator("label.template-card").filter(has_text="PM/PMM: scale-up")
    expect(default_card).to_have_count(1)
    expect(default_card.locator("input[type=radio]")).to_be_checked()
    expect(default_card).to_contain_text("default")
    new_matrix = page.locator("form").filter(has=page.get_by_role("button", name="Create matrix"))
    new_matrix.get_by_label("Name", exact=True).fill("Core PM × PMM")
    new_matrix.get_by_role("button", name="Create matrix").click()
    # An admin is asked who holds each of the template's roles first; naming them can wait.
    expect(page).to_have_url(re.compile(rf"^{re.escape(server)}/w/noras-team/matrices/core-pm-pmm/holders/$"))
    page.get_by_role("link", name="Skip for now").click()
    expect(page).to_have_url(re.compile(rf"^{re.escape(server)}/w/noras-team/matrices/core-pm-pmm/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Core PM × PMM")
    assert_htmx_loaded(page)

    naming, pm, pmm = activity_id(page, "Naming"), role_id(page, "PM"), role_id(page, "PMM")
    expect_value(page, naming, pm, "C")
    expect_value(page, naming, pmm, "AR")
    expect_multiple_accountable(page, naming, "Naming", present=False)
    set_marker(page)

    # By click: the menu sets PM to A on Naming, so Naming has two accountable roles.
    cell(page, naming, pm).click()
    menu = page.locator("#cell-menu")
    expect(menu).to_be_visible()
    expect(menu.locator("[data-value='C']")).to_be_focused()  # the menu opens on the current letter
    menu.locator("[data-value='A']").click()
    expect(menu).to_be_hidden()
    expect_value(page, naming, pm, "A")
    expect_multiple_accountable(page, naming, "Naming", present=True)
    expect(cell(page, naming, pm)).to_be_focused()

    # By keyboard: arrows move the focus between cells and rows, a letter sets the cell.
    page.keyboard.press("ArrowRight")
    expect(cell(page, naming, pmm)).to_be_focused()
    page.keyboard.press("ArrowUp")
    above = page.evaluate("document.activeElement.id")
    assert re.fullmatch(rf"c-\d+-{pmm}", above) and above != f"c-{naming}-{pmm}", above
    page.keyboard.press("ArrowDown")
    expect(cell(page, naming, pmm)).to_be_focused()
    page.keyboard.press("ArrowLeft")
    expect(cell(page, naming, pm)).to_be_focused()
    page.keyboard.press("c")
    expect_value(page, naming, pm, "C")
    expect_multiple_accountable(page, naming, "Naming", present=False)
    expect(cell(page, naming, pm)).to_be_focused()
    expect_no_reload(page)

    # One more keyboard edit, then the screenshot of the page after the edits.
    page.keyboard.press("ArrowRight")
    page.keyboard.press("a")
    expect_value(page, naming, pmm, "A")
    expect(page.locator(f"#rb-{naming}")).to_contain_text("no-responsible")
    page.keyboard.press("Shift+A")
    expect_value(page, naming, pmm, "AR")
    expect(page.locator(f"#rb-{naming} .badge")).to_have_count(0)
    expect_no_reload(page)
    page.screenshot(path=str(tmp_path / "browser-matrix.png"), full_page=True)

    # The edits were saved: a reload shows them.
    page.reload()
    expect_value(page, naming, pm, "C")
    expect_value(page, naming, pmm, "AR")
    watch.assert_clean()


@pytest.mark.parametrize("keys", [["Shift+A"], ["a", "r"]], ids=["shift-a", "a-then-r"])
def test_keyboard_gives_accountable_and_responsible(page: Page, watch, server, sign_in, keys):
    user, workspace, matrix = make_matrix()
    sign_in(page, user.username)
    page.goto(f"{server}/w/{workspace.slug}/matrices/{matrix.slug}/")
    naming, pm = activity_id(page, "Naming"), role_id(page, "PM")
    expect_value(page, naming, pm, "C")
    set_marker(page)
    # A real network's latency: "R" is typed before the answer to "A" is back, as when
    # a person types "ar" quickly; the second edit must not conflict with the first.
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 250, "downloadThroughput": -1, "uploadThroughput": -1},
    )
    cell(page, naming, pm).focus()
    for key in keys:
        page.keyboard.press(key)
    expect_value(page, naming, pm, "AR")
    expect_multiple_accountable(page, naming, "Naming", present=True)
    expect(page.locator(".toast.error")).to_have_count(0)
    expect_no_reload(page)
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
    )
    page.reload()
    expect_value(page, naming, pm, "AR")
    watch.assert_clean()


def test_viewer_sees_no_edit_controls(page: Page, watch, server, sign_in):
    owner, workspace, matrix = make_matrix("owner")
    viewer = UserFactory(username="viewer")
    Membership.objects.create(workspace=workspace, user=viewer, access=Access.VIEWER)
    sign_in(page, viewer.username)
    page.goto(f"{server}/w/{workspace.slug}/matrices/{matrix.slug}/")
    assert_htmx_loaded(page)
    naming, pm = activity_id(page, "Naming"), role_id(page, "PM")
    expect(page.locator("a.c")).to_have_count(0)
    cells = page.locator("#grid span.c[id^='c-']")
    assert cells.count() == matrix.activities.count() * matrix.columns.count()
    expect(cell(page, naming, pm)).to_have_text("C")
    expect(page.locator("#grid a.edit")).to_have_count(0)
    expect(page.get_by_role("heading", name="Add an activity")).to_have_count(0)
    expect(page.get_by_role("heading", name="Add a role column")).to_have_count(0)
    # Clicking or typing on a cell does nothing.
    cell(page, naming, pm).click()
    expect(page.locator("#cell-menu")).to_be_hidden()
    page.keyboard.press("a")
    expect(cell(page, naming, pm)).to_have_text("C")
    watch.assert_clean()


def test_add_an_activity_and_rename_it_inline(page: Page, watch, server, sign_in):
    user, workspace, matrix = make_matrix()
    sign_in(page, user.username)
    page.goto(f"{server}/w/{workspace.slug}/matrices/{matrix.slug}/")
    rows_before = page.locator("#grid tr[id^='row-']").count()
    set_marker(page)

    adder = page.locator("form.adder").filter(has=page.get_by_role("heading", name="Add an activity"))
    adder.get_by_label("Activity name").fill("Competitive battlecards")
    adder.get_by_label("Phase").select_option("launch")
    adder.get_by_role("button", name="Add").click()
    expect(page.locator("#grid tr[id^='row-']")).to_have_count(rows_before + 1)
    new = activity_id(page, "Competitive battlecards")
    launch_rows = page.locator("#grid tbody").filter(has=page.locator("tr.phase", has_text="Launch"))
    expect(launch_rows.locator(f"#row-{new}")).to_have_count(1)
    expect(adder.get_by_label("Activity name")).to_have_value("")  # reset once accepted
    expect(page.locator(f"#rb-{new}")).to_contain_text("empty-activity")
    expect_no_reload(page)

    # Rename it through the inline form behind its ✎ link.
    page.locator(f"#ah-{new} a.edit").click()
    name_input = page.locator(f"#ah-{new} form.inline-edit input[name=name]")
    expect(name_input).to_be_visible()
    expect(name_input).to_have_value("Competitive battlecards")
    expect(name_input).to_be_focused()
    name_input.fill("Battlecards")
    page.locator(f"#ah-{new} form.inline-edit").get_by_role("button", name="Save").click()
    expect(page.locator(f"#ah-{new} span.an")).to_have_text("Battlecards")
    expect(page.locator("#grid form.inline-edit")).to_have_count(0)
    expect(page.locator("#grid span.an", has_text="Competitive battlecards")).to_have_count(0)
    # The re-rendered grid is live: its cells still edit.
    pm = role_id(page, "PM")
    cell(page, new, pm).focus()
    page.keyboard.press("Shift+A")
    expect_value(page, new, pm, "AR")
    expect(page.locator(f"#rb-{new}")).not_to_contain_text("empty-activity")
    expect_no_reload(page)

    page.reload()
    expect(page.locator(f"#ah-{new} span.an")).to_have_text("Battlecards")
    watch.assert_clean()


def test_matrix_page_has_no_console_errors_or_csp_violations(page: Page, watch, server, sign_in):
    user, workspace, matrix = make_matrix()
    sign_in(page, user.username)
    page.goto(f"{server}/w/{workspace.slug}/matrices/{matrix.slug}/")
    assert_htmx_loaded(page)
    assert page.evaluate("typeof window.__csp") == "object", "the CSP recorder is not installed"
    naming, pm = activity_id(page, "Naming"), role_id(page, "PM")
    # Exercise what the page does: menu edit, keyboard edit, inline forms, cancel.
    cell(page, naming, pm).click()
    page.locator("#cell-menu [data-value='I']").click()
    expect_value(page, naming, pm, "I")
    page.keyboard.press("Backspace")
    expect_value(page, naming, pm, "")
    page.locator(f"#ah-{naming} a.edit").click()
    expect(page.locator(f"#ah-{naming} form.inline-edit")).to_be_visible()
    page.locator(f"#ah-{naming} form.inline-edit").get_by_role("link", name="Cancel").click()
    expect(page.locator("#grid form.inline-edit")).to_have_count(0)
    page.locator(f"#col-{pm} a.edit").click()
    expect(page.locator(f"#col-{pm} form.inline-edit")).to_be_visible()
    page.wait_for_load_state("networkidle")
    watch.assert_clean()

    # The recorders do catch a violation: an image from another origin is refused.
    page.evaluate("""() => { const img = document.createElement("img");
                             img.src = "https://example.invalid/probe.png"; document.body.append(img); }""")
    page.wait_for_function("window.__csp.length > 0")
    assert "img-src" in watch.csp_violations()[0]


def test_pages_have_unique_element_ids(page: Page, watch, server, sign_in):
    """Duplicate ids break `<label for>` (a label then names another form's field) and
    htmx targets such as #grid."""
    user, workspace, matrix = make_matrix()
    sign_in(page, user.username)
    ws, m = f"{server}/w/{workspace.slug}", f"{server}/w/{workspace.slug}/matrices/{matrix.slug}"
    duplicates = {}
    find = """() => { const seen = new Set(), dup = [];
                      document.querySelectorAll("[id]").forEach(e => { if (seen.has(e.id)) dup.push(e.id); seen.add(e.id); });
                      return dup; }"""
    for url in [
        f"{server}/",
        f"{ws}/",
        f"{ws}/settings/",
        f"{ws}/roles/",
        f"{ws}/members/",
        f"{ws}/matrices/new/",
        f"{m}/",
        f"{m}/settings/",
    ]:
        page.goto(url)
        if found := page.evaluate(find):
            duplicates[url.removeprefix(server)] = found
    # And the matrix page with its inline forms open.
    page.goto(f"{m}/")
    naming, pm = activity_id(page, "Naming"), role_id(page, "PM")
    page.locator(f"#ah-{naming} a.edit").click()
    expect(page.locator(f"#ah-{naming} form.inline-edit")).to_be_visible()
    page.locator(f"#col-{pm} a.edit").click()
    expect(page.locator(f"#col-{pm} form.inline-edit")).to_be_visible()
    if found := page.evaluate(find):
        duplicates["matrix page with inline forms open"] = found
    assert duplicates == {}, f"duplicate element ids: {duplicates}"
    watch.assert_clean()


def test_page_titles_are_plain_text(page: Page, server, sign_in):
    """A `<title>` is text: markup that lands in it shows in the tab (and history) as text."""
    user, workspace, matrix = make_matrix()
    sign_in(page, user.username)
    ws, m = f"/w/{workspace.slug}", f"/w/{workspace.slug}/matrices/{matrix.slug}"
    expected = {
        "/": "Your workspaces · Lockstep",
        f"{ws}/": "Acme · Lockstep",
        f"{ws}/matrices/new/": "New matrix · Acme · Lockstep",
        f"{ws}/roles/": "Roles · Acme · Lockstep",
        f"{ws}/members/": "Members · Acme · Lockstep",
        f"{m}/": "Core PM × PMM · Lockstep",
        f"{m}/settings/": "Settings · Core PM × PMM · Lockstep",
    }
    actual = {}
    for path in expected:
        page.goto(f"{server}{path}")
        actual[path] = page.title()
    assert actual == expected


def test_the_browser_finds_a_favicon(page: Page, server, sign_in):
    """Without one, every first visit logs a console error (a 404 for /favicon.ico) and a
    "Not Found" warning on the server."""
    user, workspace, matrix = make_matrix()
    sign_in(page, user.username)
    page.goto(f"{server}/w/{workspace.slug}/matrices/{matrix.slug}/")
    href = page.evaluate(
        "(document.querySelector('link[rel~=icon]') || {}).href || new URL('/favicon.ico', location.href).href"
    )
    if href.startswith("data:"):
        return
    response = page.request.get(href)
    assert response.ok, f"the favicon {href} answers {response.status}"
