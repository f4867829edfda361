"""Every main page, as each access level that can see it, passes axe-core's WCAG 2.1 A and AA
rules with no serious or critical violation.

axe-core is vendored for the tests only (`tests/browser/vendor/`, see its README); it is never
served to users. The pages' CSP allows scripts from self only, so these contexts bypass the
CSP to inject it.
"""

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from tests.factories import PASSWORD
from tests.world import USERS, build_world

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}

# Pages only an admin is shown (the others see no link to them, or are refused).
ADMIN_ONLY = {"workspace settings"}
EDITOR_UP = {"new matrix", "import"}
AUTH_PAGES = {
    "sign-in": "/accounts/login/",
    "sign-up": "/accounts/signup/",
    "password reset": "/accounts/password/reset/",
}


def axe_violations(page: Page) -> list[dict]:
    """axe's serious and critical violations on the page as it is now."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async (tags) => {
        const r = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map(n => ({target: n.target.join(" "), html: n.html.slice(0, 160),
                                      summary: (n.failureSummary || "").replace(/\\s+/g, " ").slice(0, 300)}))}));
    }""",
        TAGS,
    )
    return [v for v in result if v["impact"] in BLOCKING]


def readable(name: str, violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{name}: [{v['impact']}] {v['id']}: {v['help']}")
        for node in v["nodes"][:6]:
            lines.append(f"    {node['target']}\n      {node['html']}\n      {node['summary']}")
        if len(v["nodes"]) > 6:
            lines.append(f"    ... and {len(v['nodes']) - 6} more")
    return "\n".join(lines)


def _check(page: Page, server: str, pages: dict[str, str]) -> list[str]:
    problems = []
    for name, path in pages.items():
        try:
            response = page.goto(server + path)
        except Exception as error:  # noqa: BLE001 (Chromium refuses to show some error answers)
            problems.append(f"{name}: {path} did not load: {error}")
            continue
        if response is None or response.status != 200:
            problems.append(f"{name}: {path} answered {response.status if response else 'nothing'}")
            continue
        page.wait_for_load_state("load")
        found = axe_violations(page)
        if found:
            problems.append(readable(f"{name} ({path})", found))
    return problems


def _context(browser: Browser):
    return browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)


def _sign_in(page: Page, server: str, username: str) -> None:
    page.goto(f"{server}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def test_the_sign_in_and_sign_up_pages_have_no_serious_accessibility_violations(browser: Browser, server):
    context = _context(browser)
    page = context.new_page()
    problems = _check(page, server, AUTH_PAGES)
    # A refused sign-in shows its error: that state must pass too.
    page.goto(f"{server}/accounts/login/")
    page.get_by_label("Username").fill("nobody")
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("load")
    found = axe_violations(page)
    if found:
        problems.append(readable("sign-in with an error", found))
    context.close()
    assert not problems, "\n\n".join(problems)


@pytest.mark.parametrize("level", ["viewer", "editor", "admin"])
def test_every_main_page_has_no_serious_accessibility_violations(browser: Browser, server, level):
    world = build_world()
    pages = {
        name: path
        for name, path in world.urls().items()
        if (level == "admin" or name not in ADMIN_ONLY) and (level != "viewer" or name not in EDITOR_UP)
    }
    context = _context(browser)
    page = context.new_page()
    _sign_in(page, server, USERS[level])
    problems = _check(page, server, pages)
    # The matrix with a cell's editor open, and the findings panel, as they are used.
    context.close()
    assert not problems, "\n\n".join(problems)


def test_the_states_people_work_in_have_no_serious_accessibility_violations(browser: Browser, server):
    """Menus open, an inline edit open, forms refused with their errors shown."""
    world = build_world()
    urls = world.urls()
    context = _context(browser)
    page = context.new_page()
    _sign_in(page, server, USERS["admin"])
    problems = []

    def check(name):
        page.wait_for_load_state("load")
        found = axe_violations(page)
        if found:
            problems.append(readable(name, found))

    page.goto(server + urls["matrix"])
    page.locator(".usernav summary").click()
    check("matrix, the person's menu open")
    page.keyboard.press("Escape")
    page.locator("#grid a.c").first.click()
    page.locator("#cell-menu").wait_for(state="visible")
    check("matrix, a cell's menu open")
    page.keyboard.press("Escape")
    page.locator("#grid th.act a.edit").first.click()
    page.locator("#grid form.inline-edit").wait_for()
    check("matrix, an activity's edit form open")
    page.goto(server + urls["matrix"])
    page.locator("#new-activity-name").fill("   ")
    page.locator("form.adder").first.get_by_role("button", name="Add").click()
    page.locator(".field-error").first.wait_for()
    check("matrix, an activity refused")

    page.goto(server + urls["board"])
    page.get_by_role("button", name="Add the launch").click()
    check("board, a launch refused")

    page.goto(server + urls["members"])
    page.locator("#id_email").fill("not an address")
    page.get_by_role("button", name="Send invitation").click()
    check("members, an invitation refused")
    context.close()
    assert not problems, "\n\n".join(problems)
