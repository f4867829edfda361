import time
from playwright.sync_api import Page, expect
from .test_matrix_editing import make_matrix, activity_id, role_id, cell, expect_value

def test_race(page: Page, watch, server, sign_in):
    user, workspace, matrix = make_matrix()
    sign_in(page, user.username)
    page.goto(f"{server}/w/{workspace.slug}/matrices/{matrix.slug}/")
    naming, pm = activity_id(page, "Naming"), role_id(page, "PM")
    def slow(route):
        time.sleep(0.3)
        route.continue_()
    page.route("**/cells/**", slow)
    cell(page, naming, pm).focus()
    page.keyboard.press("a")
    page.wait_for_timeout(100)
    page.keyboard.press("r")
    page.wait_for_timeout(1500)
    print("CELL", page.locator(f"#c-{naming}-{pm}").evaluate("e => e.outerHTML"))
    print("TOASTS", page.locator("#toasts").inner_text())
    page.reload()
    print("AFTER RELOAD", page.locator(f"#c-{naming}-{pm}").evaluate("e => e.outerHTML"))
    print(watch.console_errors, watch.requests[-6:])
