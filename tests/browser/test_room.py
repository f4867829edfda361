"""Editing you can trust in a room: a letter menu left open while someone else edits, a live
refresh that fails and comes back, a workshop settled from what the room proposed, and the
new workshop's scope picker."""

from django.contrib.auth.models import User
from playwright.sync_api import Browser, expect

from raci import services as raci_services
from raci.models import Cell, Column, Decision, Template
from raci.services import matrix_create
from tests.browser.conftest import open_signed_in, shoot
from tests.factories import MembershipFactory, UserFactory, WorkspaceFactory
from workshops import services
from workshops.models import Workshop
from workspaces.models import Access


def _people(*names):
    workspace = WorkspaceFactory(name="Acme", slug="acme")
    people = {
        name: MembershipFactory(
            workspace=workspace, access=access, user=UserFactory(username=name, first_name=name.title())
        )
        for name, access in names
    }
    return workspace, people


def _matrix_world():
    workspace, people = _people(("alice", Access.EDITOR), ("bob", Access.EDITOR))
    matrix = matrix_create(
        workspace=workspace,
        name="Core",
        actor=people["alice"].user,
        template=Template.objects.get(slug="pm-pmm-scaleup"),
    )
    naming = matrix.activities.get(name="Naming")
    pm = Column.objects.get(matrix=matrix, role__code="PM").role
    return matrix, naming, pm


def test_a_letter_picked_from_a_menu_opened_before_anothers_edit_is_refused_naming_who(
    browser: Browser, server, sign_in
):
    matrix, naming, pm = _matrix_world()
    url = f"{server}/w/acme/matrices/{matrix.slug}/"
    ctx_a, alice = open_signed_in(browser, server, sign_in, "alice", url)
    ctx_b, bob = open_signed_in(browser, server, sign_in, "bob", url)
    cell_id = f"#c-{naming.pk}-{pm.pk}"
    expect(alice.locator(cell_id)).to_have_text("C")
    # Alice opens the cell's menu and looks at it; meanwhile Bob makes the cell I.
    alice.locator(cell_id).click()
    menu = alice.locator("#cell-menu")
    expect(menu).to_be_visible()
    expect(menu.locator("button.current")).to_have_attribute("data-value", "C")
    bob.locator(cell_id).focus()
    bob.keyboard.press("i")
    expect(bob.locator(cell_id)).to_have_text("I")
    # Alice's open menu shows the cell's new letter as it arrives.
    expect(menu.locator("button.current")).to_have_attribute("data-value", "I", timeout=5_000)
    expect(menu.locator(".menu-note")).to_contain_text("now I")
    expect(alice.locator(cell_id)).to_have_text("I")
    shoot(alice, "menu-race", part="#cell-menu")
    # Her pick was made on what the menu showed when it opened: refused, naming Bob.
    menu.locator("button[data-value='R']").click()
    expect(alice.locator("#toasts .toast.error")).to_contain_text("Bob")
    expect(alice.locator("#toasts .toast.error")).to_contain_text("not saved")
    expect(alice.locator(cell_id)).to_have_text("I")
    assert Cell.objects.get(activity=naming, role=pm).value == "I"
    # Opened again, the menu is on the current version: the pick lands.
    alice.locator(cell_id).click()
    expect(menu.locator(".menu-note")).to_have_count(0)
    menu.locator("button[data-value='R']").click()
    expect(alice.locator(cell_id)).to_have_text("R")
    expect(bob.locator(cell_id)).to_have_text("R", timeout=5_000)
    assert Cell.objects.get(activity=naming, role=pm).value == "R"
    assert alice.evaluate("window.__csp") == [] and bob.evaluate("window.__csp") == []
    ctx_a.close()
    ctx_b.close()


def test_a_failing_live_refresh_says_so_once_and_clears_when_it_works_again(browser: Browser, server, sign_in):
    matrix, naming, pm = _matrix_world()
    url = f"{server}/w/acme/matrices/{matrix.slug}/"
    ctx_a, alice = open_signed_in(browser, server, sign_in, "alice", url)
    alice.route("**/changes/**", lambda route: route.abort())
    failed = alice.locator("#toasts .toast")
    expect(failed).to_have_count(1, timeout=5_000)
    expect(failed).to_contain_text("The live refresh failed")
    # Several more polls fail meanwhile: still the one message, and it never says "saved".
    alice.wait_for_timeout(3_000)
    expect(failed).to_have_count(1)
    expect(failed).not_to_contain_text("nothing was saved")
    shoot(alice, "live-refresh-failed", part="#toasts")
    alice.unroute("**/changes/**")
    expect(alice.locator("#toasts .toast")).to_have_count(0, timeout=5_000)
    # And the refresh really works again: another's edit arrives.
    raci_services.cell_set(
        matrix=matrix,
        activity_id=naming.pk,
        role_id=pm.pk,
        value="I",
        expected_version=Cell.objects.get(activity=naming, role=pm).version,
        actor=User.objects.get(username="bob"),
    )
    expect(alice.locator(f"#c-{naming.pk}-{pm.pk}")).to_have_text("I", timeout=5_000)
    ctx_a.close()


def _workshop_world():
    workspace, people = _people(("alice", Access.EDITOR), ("bob", Access.EDITOR), ("carol", Access.VIEWER))
    matrix = services.matrix_from_concerns(workspace=workspace, name="Shared concerns", actor=people["alice"].user)
    return matrix, people


def test_settling_starts_from_what_the_room_proposed_with_blanks_kept_and_splits_picked(
    browser: Browser, server, sign_in
):
    matrix, people = _workshop_world()
    workshop = services.workshop_open(
        matrix=matrix,
        facilitator=people["alice"],
        title="Q1 R&R workshop",
        participant_ids=[people["bob"].pk, people["carol"].pk],
    )
    pm = Column.objects.get(matrix=matrix, role__code="PM").role_id
    pmm = Column.objects.get(matrix=matrix, role__code="PMM").role_id
    pricing = matrix.activities.get(name="Pricing").pk
    positioning = matrix.activities.get(name="Positioning").pk
    # The matrix already says C for PMM on Pricing; all three proposed PM accountable and
    # left PMM blank. On Positioning, Alice and Bob split on PM.
    raci_services.cell_set(
        matrix=matrix, activity_id=pricing, role_id=pmm, value="C", expected_version=0, actor=people["alice"].user
    )
    for name in ("alice", "bob", "carol"):
        services.proposal_set(workshop=workshop, participant=people[name], activity_id=pricing, role_id=pm, value="A")
    for name, letter in (("alice", "A"), ("bob", "R")):
        services.proposal_set(
            workshop=workshop, participant=people[name], activity_id=positioning, role_id=pm, value=letter
        )
    services.workshop_reveal(workshop=workshop)
    url = f"{server}/w/acme/matrices/{matrix.slug}/workshops/{workshop.pk}/"
    ctx, alice = open_signed_in(browser, server, sign_in, "alice", url)

    row = alice.locator(f"#wr-{pricing}")
    expect(row.locator(f"select[name='v-{pm}']")).to_have_value("A")
    expect(row.locator(f"select[name='v-{pmm}']")).to_have_value("")
    row.get_by_role("button", name="Settle row").click()
    expect(alice.locator(f"#wc-{pricing}-{pm}")).to_contain_text("settled A (3 of 3)")
    expect(alice.locator(f"#wc-{pricing}-{pmm}")).to_contain_text("settled empty (3 of 3)")
    assert Cell.objects.get(activity_id=pricing, role_id=pm).value == "A"
    assert Cell.objects.get(activity_id=pricing, role_id=pmm).value == ""

    # The split cell shows the split and waits for the facilitator's pick.
    row = alice.locator(f"#wr-{positioning}")
    split = row.locator(f"select[name='v-{pm}']")
    expect(split).to_have_value("split")
    expect(split.locator("option:checked")).to_have_text("split: R×1, A×1")
    shoot(alice, "settle-from-proposals", part=f"#wr-{positioning}")
    row.get_by_role("button", name="Settle row").click()
    expect(alice.locator("#board .form-error")).to_contain_text("The room was split on PM")
    alice.locator(f"#wr-{positioning} select[name='v-{pm}']").select_option("A")
    alice.locator(f"#wr-{positioning}").get_by_role("button", name="Settle row").click()
    expect(alice.locator(f"#wc-{positioning}-{pm}")).to_contain_text("settled A (1 of 2)")
    expect(alice.locator(f"#wc-{positioning}-{pm}")).to_contain_text("facilitator's change")
    decision = Decision.objects.get(matrix=matrix, activity_id=positioning)
    assert "the room was split: R×1, A×1" in decision.what
    assert alice.evaluate("window.__csp") == []
    ctx.close()


def test_the_scope_picker_starts_with_nothing_ticked_and_opens_on_the_ticked_activities(
    browser: Browser, server, sign_in
):
    matrix, people = _workshop_world()
    url = f"{server}/w/acme/matrices/{matrix.slug}/workshops/new/"
    ctx, alice = open_signed_in(browser, server, sign_in, "alice", url)
    boxes = alice.locator("input[name='activities']")
    expect(boxes).to_have_count(matrix.activities.count())
    expect(alice.locator("input[name='activities']:checked")).to_have_count(0)
    expect(alice.locator(".ws-new")).to_contain_text("None ticked: every activity of the matrix.")
    names = ["Personas", "Pricing", "Positioning"]
    for name in names:
        alice.get_by_label(name, exact=True).check()
    shoot(alice, "scope-picker")
    alice.get_by_role("button", name="Open the workshop").click()
    expect(alice.locator("#grid tbody tr")).to_have_count(3)
    workshop = Workshop.objects.get(matrix=matrix)
    assert sorted(workshop.activities.values_list("name", flat=True)) == sorted(names)
    ctx.close()
