"""The main pages on a 1280 px desktop, a 390 px phone and at 200% zoom (a 1280 px window zoomed twice is a
640 px page): nothing sticks out past the screen's edge, the top navigation included (wide
tables scroll inside their own box).

With SHOTS_DIR set, each page's screenshot is saved there to be looked at.
"""

import os
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from tests.browser.conftest import CSP_RECORDER, PageWatch
from tests.world import USERS, build_world

SIZES = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "phone": {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2},
    "zoom200": {"viewport": {"width": 640, "height": 450}, "device_scale_factor": 2},
}
PAGES = (
    "dashboard",
    "matrix",
    "history",
    "board",
    "launch",
    "quarter",
    "rituals",
    "meeting",
    "members",
    "roles",
    "notifications",
)

# Elements wider than the page that are not inside a box that scrolls on its own.
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const scrolls = (el) => { for (let p = el.parentElement; p; p = p.parentElement) {
      const s = getComputedStyle(p); if (/(auto|scroll|hidden)/.test(s.overflowX) && p !== document.body
          && p !== document.documentElement) return true; } return false; };
  const out = [];
  for (const el of document.body.querySelectorAll("*")) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || getComputedStyle(el).visibility === "hidden") continue;
    if (el.closest(".vh, .skip")) continue;
    if ((r.right > width + 1 || r.left < -1) && !scrolls(el)) {
      out.push(`${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}.${[...el.classList].join(".")} ` +
               `from ${Math.round(r.left)} to ${Math.round(r.right)}`);
    }
  }
  return {width, scrollWidth: document.documentElement.scrollWidth, out: out.slice(0, 12)};
}"""


@pytest.mark.parametrize("size", list(SIZES))
def test_the_main_pages_fit_the_screen_on_a_desktop_a_phone_and_at_200_percent_zoom(
    browser: Browser, server, sign_in, size
):
    world = build_world()
    context = browser.new_context(**SIZES[size])
    page = context.new_page()
    page.add_init_script(CSP_RECORDER)
    watch = PageWatch(page)
    sign_in(page, USERS["editor"])
    shots = os.environ.get("SHOTS_DIR")
    problems = []
    for name in PAGES:
        page.goto(server + world.urls()[name])
        page.wait_for_load_state("load")
        found = page.evaluate(OVERFLOW)
        if found["scrollWidth"] > found["width"] + 1 or found["out"]:
            problems.append(
                f"{name} at {size}: the page is {found['scrollWidth']} px wide on a {found['width']} px "
                f"screen; sticking out: {found['out']}"
            )
        # Every link of the top navigation is on the screen, none hidden past its edge.
        hidden = page.evaluate("""() => [...document.querySelectorAll('.topbar a, .topbar summary')]
            .filter(el => { const r = el.getBoundingClientRect();
                            return r.left < 0 || r.right > document.documentElement.clientWidth + 1; })
            .map(el => el.textContent.trim())""")
        if hidden:
            problems.append(f"{name} at {size}: the top navigation hides {hidden}")
        if shots:
            Path(shots).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=f"{shots}/{name.replace(' ', '-')}-{size}.png", full_page=True)
            if os.environ.get("SHOTS_PARTS"):  # screen-sized parts, easier to look at than one long strip
                view = SIZES[size]["viewport"]
                height = page.evaluate("document.documentElement.scrollHeight")
                for n, top in enumerate(range(0, min(height, view["height"] * 8), view["height"])):
                    page.screenshot(
                        path=f"{shots}/{name}-{size}-part{n}.png",
                        full_page=True,
                        clip={"x": 0, "y": top, "width": view["width"], "height": view["height"]},
                    )
    watch.assert_clean()
    context.close()
    assert not problems, "\n".join(problems)


def test_a_very_long_person_and_workspace_name_keep_the_pages_within_a_phone_screen(browser: Browser, server, sign_in):
    from django.contrib.auth import get_user_model

    world = build_world()
    get_user_model().objects.filter(username=USERS["editor"]).update(first_name="نور 🚀 " + "x" * 140)
    world.workspace.name = "W" * 200
    world.workspace.save(update_fields=["name"])
    context = browser.new_context(**SIZES["phone"])
    page = context.new_page()
    sign_in(page, USERS["editor"])
    problems = []
    for name in ("dashboard", "matrix", "people", "launch", "rituals"):
        page.goto(server + world.urls()[name])
        found = page.evaluate(OVERFLOW)
        if found["scrollWidth"] > found["width"] + 1 or found["out"]:
            problems.append(f"{name}: {found['scrollWidth']} px wide; sticking out: {found['out']}")
    context.close()
    assert not problems, "\n".join(problems)
