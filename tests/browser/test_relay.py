"""The relay in Chromium: a launch walks from Insight to Launch with plain forms: a
hand-over the next driver accepts, the joint checkpoint both owners answer (Build waits
for both yeses), the settings' drivers shown in the matrix's phase headers. Screenshots at
1280 and 390 px wide (`SHOTS=...`)."""

from datetime import date

from playwright.sync_api import Browser, expect

from launches import services
from tests.browser.conftest import CSP_RECORDER, PageWatch, shoot
from tests.factories import MembershipFactory, UserFactory, WorkspaceFactory, hold
from tests.launches.conftest import owners_matrix
from workspaces.models import Access, Role


def _team():
    ws = WorkspaceFactory(name="Acme", slug="acme")
    people = {}
    for code, username, access in (("PMM", "mira", Access.ADMIN), ("PM", "paul", Access.EDITOR)):
        member = MembershipFactory(
            workspace=ws, access=access, user=UserFactory(username=username, first_name=username.title())
        )
        name = {"PMM": "Product Marketing Manager", "PM": "Product Manager"}[code]
        hold(Role.objects.create(workspace=ws, code=code, name=name), member)
        people[code] = member
    return ws, people


def _context(browser: Browser, sign_in, username: str):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.add_init_script(CSP_RECORDER)
    watch = PageWatch(page)
    sign_in(page, username)
    return context, page, watch


def _hand_over(page, to: str, note: str):
    form = page.locator("form.relay-advance")
    form.get_by_label("Next driver").select_option(label=to)
    form.get_by_label("What is handed over").fill(note)
    form.get_by_role("button", name="Hand over").click()


def _answer(page, answer: str, note: str = "", must_change: str = ""):
    form = page.locator("#relay form.checkpoint-form")
    form.get_by_label(answer.title(), exact=True).check()
    if note:
        form.get_by_label("Note").fill(note)
    if must_change:
        form.get_by_label("If no: what must change").fill(must_change)
    form.get_by_role("button", name="Answer the checkpoint").click()


def test_a_launch_walks_from_insight_to_launch_with_a_hand_over_and_the_checkpoint(browser: Browser, server, sign_in):
    ws, people = _team()
    matrix = owners_matrix(ws, codes=("PM", "PMM"))
    cycle = services.cycle_create(workspace=ws, quarter="2027-Q1")
    launch = services.launch_create(
        cycle=cycle,
        name="Usage billing",
        pm_owner_id=people["PM"].pk,
        pmm_owner_id=people["PMM"].pk,
        ship_date=None,
        launch_date=date(2027, 3, 15),
    )
    url = f"{server}/w/acme/launches/{cycle.slug}/{launch.pk}/"
    paul_ctx, paul, paul_watch = _context(browser, sign_in, "paul")
    mira_ctx, mira, mira_watch = _context(browser, sign_in, "mira")

    # Insight is shared: Paul hands the launch to Mira for Strategy.
    paul.goto(url)
    relay = paul.locator("#relay")
    expect(relay.locator(".relay-step.current")).to_contain_text("Insight/Discovery")
    _hand_over(paul, "Mira", "Ten interviews, the ICP hypotheses and the top three pains")
    expect(relay.locator(".relay-step.current")).to_contain_text("Strategy")
    expect(relay.locator(".relay-pending")).to_contain_text("Handed to Mira")

    # Mira accepts: she drives Strategy now. Build waits for the checkpoint.
    mira.goto(url)
    mira.get_by_role("button", name="Accept the hand-over and drive").click()
    expect(mira.locator(".relay-now")).to_contain_text("driven by Mira")
    expect(mira.locator("#relay .gate")).to_contain_text("Build cannot start")
    _answer(mira, "no", must_change="Name the mid-market segment the bets serve")
    expect(mira.locator("#checkpoint")).to_contain_text("What must change: Name the mid-market segment")
    _answer(mira, "yes", note="The bets now prove the mid-market promise")
    paul.goto(url)
    _answer(paul, "yes", note="Success metrics agreed")
    expect(paul.locator("#checkpoint .signed")).to_contain_text("both owners said yes")
    shoot(paul, "relay-checkpoint", part="#relay")

    # Build & Validate is PM's: Mira hands it to Paul, who accepts; then on to Launch, PMM's.
    mira.goto(url)
    _hand_over(mira, "Paul", "Positioning doc, the segments and the thin slices")
    paul.goto(url)
    paul.get_by_role("button", name="Accept the hand-over and drive").click()
    expect(paul.locator(".relay-now")).to_contain_text("In Build & Validate, driven by Paul")
    _hand_over(paul, "Mira", "Specs shipped, analytics live, support macros drafted")
    mira.goto(url)
    mira.get_by_role("button", name="Accept the hand-over and drive").click()
    expect(mira.locator(".relay-now")).to_contain_text("In Launch, driven by Mira")
    expect(mira.locator("ol.handovers > li")).to_have_count(3)
    shoot(mira, "relay-launch", part="#relay")

    # The matrix shows who drives each phase in its headers, citing the article.
    mira.goto(f"{server}/w/acme/matrices/{matrix.slug}/")
    expect(mira.locator("tr.phase .relay").first).to_be_visible()
    expect(mira.locator("#relay-source")).to_contain_text("Product Management vs. Product Marketing: Key Differences")
    shoot(mira, "relay-matrix")

    # An admin sets who drives each phase beside its name.
    mira.goto(f"{server}/w/acme/settings/")
    phases = mira.locator("#phases")
    expect(phases.get_by_label("Driver").first).to_be_visible()
    expect(phases.locator("#phase-driver-build")).to_have_value("PM")
    shoot(mira, "relay-settings", part="#phases")

    paul_watch.assert_clean()
    mira_watch.assert_clean()
    paul_ctx.close()
    mira_ctx.close()
