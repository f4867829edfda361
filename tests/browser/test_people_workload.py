"""The People page in Chromium (clock frozen on 1 Feb 2027): a team whose PMM lead carries
most of the quarter's open items, launches and the weekly sync sees her marked with a
triangle and the reason in words, at desktop and phone widths, without the page widening.
Screenshots go to $SCREENSHOTS_DIR when it is set (to look at them), else to the test's
temporary folder."""

import os
from datetime import date

import pytest
import time_machine
from playwright.sync_api import Browser, expect

from launches import services
from launches.models import Launch, ReadinessItem
from raci.models import Activity, Cell, Column, Matrix
from raci.services import matrix_recount
from rituals import services as ritual_services
from tests.browser.conftest import CSP_RECORDER, PageWatch
from tests.factories import MembershipFactory, UserFactory, WorkspaceFactory, hold
from workspaces.models import Access, Role


@pytest.fixture
def frozen(settings):
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True
    settings.CSRF_COOKIE_AGE = None
    with time_machine.travel("2027-02-01 09:00:00+00:00", tick=True):
        yield


def _team():
    ws = WorkspaceFactory(name="Acme", slug="acme")
    people, roles = {}, {}
    for username, first, code, name, access in (
        ("mira", "Mira Okafor", "PMM", "Product Marketing Manager", Access.ADMIN),
        ("paul", "Paul Brandt", "PM", "Product Manager", Access.EDITOR),
        ("lee", "Lee Chen", "PM2", "Platform PM", Access.EDITOR),
        ("sam", "Sam Ortiz", "SUP", "Support lead", Access.EDITOR),
        ("dana", "Dana Weiss", "SAL", "Sales enablement", Access.EDITOR),
        ("vic", "Vic Hale", None, None, Access.VIEWER),
    ):
        member = MembershipFactory(workspace=ws, access=access, user=UserFactory(username=username, first_name=first))
        people[username] = member
        if code:
            roles[code] = Role.objects.create(workspace=ws, code=code, name=name)
            hold(roles[code], member)
    matrix = Matrix.objects.create(workspace=ws, name="Launch plan", slug="launch-plan")
    order = ["PM", "PMM", "PM2", "SUP", "SAL"]
    Column.objects.bulk_create([Column(matrix=matrix, role=roles[c], order=i) for i, c in enumerate(order)])
    rows = [
        "AR C I C I",
        "C AR I I C",
        "R A C I I",
        "C AR . C C",
        "I R A . C",
        "C AR C I I",
        "AR C C . .",
        "C AR I C C",
    ]
    for n, row in enumerate(rows):
        activity = Activity.objects.create(matrix=matrix, name=f"Activity {n + 1}", phase="strategy", order=n)
        Cell.objects.bulk_create(
            [Cell(activity=activity, role=roles[c], value=v, version=1) for c, v in zip(order, row.split()) if v != "."]
        )
    matrix_recount(matrix)
    cycle = services.cycle_create(workspace=ws, quarter="2027-Q1")
    for n, (name, pm, tier) in enumerate((("Billing", "paul", 1), ("Search", "lee", 2), ("Reports", "paul", 3))):
        launch = services.launch_create(
            cycle=cycle,
            name=name,
            pm_owner_id=people[pm].pk,
            pmm_owner_id=people["mira"].pk,
            launch_date=date(2027, 3, 10 + n),
        )
        Launch.objects.filter(pk=launch.pk).update(tier=tier)
        owners = ["mira"] * (5 if n == 0 else 4) + ["sam", pm, "dana"]
        ReadinessItem.objects.bulk_create(
            [
                ReadinessItem(launch=launch, key=f"k{i}", title=f"Item {i}", owner=people[o], due_date=date(2027, 3, 1))
                for i, o in enumerate(owners)
            ]
        )
    ritual_services.ritual_create(
        workspace=ws, name="PMM sync", cadence="weekly", starts_on=date(2027, 2, 1), owner_role_id=roles["PMM"].pk
    )
    return ws, people


def test_the_people_page_marks_who_carries_far_more_than_the_team(frozen, tmp_path, browser: Browser, server, sign_in):
    ws, people = _team()
    folder = os.environ.get("SCREENSHOTS_DIR") or str(tmp_path)
    for width in (1280, 390):
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        page.add_init_script(CSP_RECORDER)
        watch = PageWatch(page)
        sign_in(page, "mira")
        page.goto(f"{server}/w/acme/people/")
        expect(page.get_by_role("heading", name="People and their load")).to_be_visible()
        marked = page.locator("tr.marked")
        expect(marked).to_have_count(1)
        expect(marked.get_by_role("rowheader")).to_contain_text("Mira Okafor")
        expect(marked).to_contain_text("Far above the team")
        expect(page.locator(".workload-marks")).to_contain_text("the team's median: 13 open readiness items")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=f"{folder}/people-{width}.png", full_page=True)
        watch.assert_clean()
        # A rule out of bounds is refused next to its field (a 422 the browser logs: expected).
        page.get_by_text("Change when someone is marked").click()
        page.get_by_label("Multiple of the team's median").fill("0.5")
        page.get_by_role("button", name="Save").click()
        expect(page.locator("#id_multiple_error")).to_have_text("Between 1.1 and 10.")
        if width == 1280:
            page.screenshot(path=f"{folder}/people-refused-{width}.png", full_page=True)
        assert watch.page_errors == [] and watch.csp_violations() == []
        # The quarter view shows the same totals beside its load by week.
        page.goto(f"{server}/w/acme/launches/quarter/2027-q1/")
        load = page.locator("#load")
        expect(load.locator('[data-code="far-above-median"]')).to_contain_text("Mira Okafor: 3.8× the team's median")
        expect(load.locator("td.quarter-work.over")).to_contain_text("38")
        load.screenshot(path=f"{folder}/quarter-load-{width}.png")
        context.close()
