"""An R&R workshop with three people in three browser contexts: blind proposals with the
grid's keyboard, counts arriving live, the reveal, and settling into the matrix live."""

import re

from playwright.sync_api import Browser, expect

from raci.models import Cell, Column
from tests.browser.conftest import open_signed_in, shoot
from tests.factories import MembershipFactory, UserFactory, WorkspaceFactory
from workshops import services
from workspaces.models import Access, Membership


def _world():
    workspace = WorkspaceFactory(name="Acme", slug="acme")
    people = {}
    for name, access in (("alice", Access.EDITOR), ("bob", Access.EDITOR), ("carol", Access.VIEWER)):
        people[name] = MembershipFactory(
            workspace=workspace, access=access, user=UserFactory(username=name, first_name=name.title())
        )
    matrix = services.matrix_from_concerns(workspace=workspace, name="Shared concerns", actor=people["alice"].user)
    workshop = services.workshop_open(
        matrix=matrix,
        facilitator=people["alice"],
        title="Q1 R&R workshop",
        participant_ids=[people["bob"].pk, people["carol"].pk],
    )
    pm = Column.objects.get(matrix=matrix, role__code="PM").role_id
    pmm = Column.objects.get(matrix=matrix, role__code="PMM").role_id
    pricing = matrix.activities.get(name="Pricing").pk
    return matrix, workshop, pricing, pm, pmm


def _type(page, a, r, key):
    cell = page.locator(f"#c-{a}-{r}")
    cell.focus()
    page.keyboard.press(key)


def test_three_people_propose_blind_then_reveal_and_settle_live(browser: Browser, server, sign_in):
    matrix, workshop, pricing, pm, pmm = _world()
    alice_m, bob_m, carol_m = (Membership.objects.get(user__username=n) for n in ("alice", "bob", "carol"))
    url = f"{server}/w/acme/matrices/{matrix.slug}/workshops/{workshop.pk}/"
    ctx_a, alice = open_signed_in(browser, server, sign_in, "alice", url)
    ctx_b, bob = open_signed_in(browser, server, sign_in, "bob", url)
    ctx_c, carol = open_signed_in(browser, server, sign_in, "carol", url)
    expect(alice.locator("#ws-progress")).to_contain_text("0 of 3")

    # Bob proposes with the matrix's keyboard: PM accountable, PMM responsible.
    _type(bob, pricing, pm, "a")
    expect(bob.locator(f"#c-{pricing}-{pm}")).to_have_text("A")
    expect(bob.locator("#finding-counts")).to_contain_text("0 errors")
    _type(bob, pricing, pmm, "Shift+A")
    expect(bob.locator(f"#c-{pricing}-{pmm}")).to_have_text("A/R")
    # His own proposal's findings: two accountable.
    expect(bob.locator(f"#rb-{pricing} .badge.sev-e")).to_have_count(1)
    expect(bob.locator("#finding-counts")).to_contain_text("1 error")
    # (A then R within a second is A/R: the grid's own shortcut.)
    bob.wait_for_timeout(1_300)
    _type(bob, pricing, pmm, "r")
    expect(bob.locator(f"#c-{pricing}-{pmm}")).to_have_text("R")
    # The others see that Bob proposed, as counts, not what he proposed.
    expect(alice.locator("#ws-progress")).to_contain_text("1 of 3", timeout=5_000)
    expect(carol.locator("#ws-progress")).to_contain_text("1 of 3", timeout=5_000)
    expect(alice.locator(f"#c-{pricing}-{pm}")).to_have_text("")
    expect(carol.locator(f"#c-{pricing}-{pm}")).to_have_text("")

    # Carol (a viewer) and Alice propose: Carol disagrees.
    _type(carol, pricing, pm, "r")
    _type(carol, pricing, pmm, "a")
    expect(carol.locator(f"#c-{pricing}-{pmm}")).to_have_text("A")
    _type(alice, pricing, pm, "a")
    _type(alice, pricing, pmm, "r")
    expect(alice.locator(f"#c-{pricing}-{pmm}")).to_have_text("R")
    expect(bob.locator("#ws-progress")).to_contain_text("3 of 3", timeout=5_000)
    expect(alice.locator("#ws-progress")).to_contain_text("3 of 3", timeout=5_000)
    assert not Cell.objects.filter(activity_id=pricing).exclude(value="").exists()
    # More rows, proposed without the browser: Positioning agreed on two accountable (a
    # finding), Value proposition agreed and sound.
    for row, pm_letter, pmm_letter in (("Positioning", "A", "A"), ("Value proposition", "R", "A")):
        for who in (alice_m, bob_m, carol_m):
            for role, letter in ((pm, pm_letter), (pmm, pmm_letter)):
                services.proposal_set(
                    workshop=workshop,
                    participant=who,
                    activity_id=matrix.activities.get(name=row).pk,
                    role_id=role,
                    value=letter,
                )
    shoot(bob, "proposal-grid")

    # Only Alice, the facilitator, can reveal.
    expect(bob.get_by_role("button", name="Reveal the proposals")).to_have_count(0)
    alice.get_by_role("button", name="Reveal the proposals").click()
    expect(alice.locator("#board")).to_be_visible()
    # The reveal reaches the others' open pages (their next poll reloads them: the wait allows
    # for a busy machine); disputed Pricing comes first.
    for page in (bob, carol):
        expect(page.locator("#board")).to_be_visible(timeout=15_000)
        expect(page.locator("#board tbody.ws-row").first).to_have_id(f"wr-{pricing}")
        expect(page.locator("#board tbody.ws-row").nth(1)).to_contain_text("Positioning")
        expect(page.locator("#board tbody.ws-row").nth(1)).to_contain_text("Would create a finding")
        expect(page.locator("#board tbody.ws-row").nth(2)).to_contain_text("Value proposition")
        expect(page.locator(f"#wc-{pricing}-{pm}")).to_contain_text("A×2")
        expect(page.locator(f"#wc-{pricing}-{pm}")).to_contain_text("R×1")
        expect(page.locator(f"#wr-{pricing}")).to_contain_text("People disagree")
        expect(page.get_by_role("button", name="Settle row")).to_have_count(0)
    shoot(alice, "reveal")

    # A matrix page open elsewhere sees the settled letters arrive.
    matrix_page = ctx_b.new_page()
    matrix_page.goto(f"{server}/w/acme/matrices/{matrix.slug}/")
    expect(matrix_page.locator(f"#c-{pricing}-{pm}")).to_have_text("")

    # Alice settles the whole row as most proposed it: A for PM, R for PMM.
    row = alice.locator(f"#wr-{pricing}")
    row.get_by_role("button", name="Settle row").click()
    expect(alice.locator(f"#wc-{pricing}-{pm}")).to_contain_text("settled A")
    expect(alice.locator(f"#wc-{pricing}-{pmm}")).to_contain_text("settled R")
    for page in (bob, carol):
        expect(page.locator(f"#wc-{pricing}-{pm}")).to_contain_text("settled A", timeout=15_000)
        expect(page.locator(f"#wc-{pricing}-{pm}")).to_contain_text("2 of 3")
    shoot(bob, "settled", widths=(1280,))
    expect(matrix_page.locator(f"#c-{pricing}-{pm}")).to_have_text("A", timeout=15_000)
    expect(matrix_page.locator(f"#c-{pricing}-{pmm}")).to_have_text("R")
    assert Cell.objects.get(activity_id=pricing, role_id=pm).value == "A"
    matrix_page.goto(f"{server}/w/acme/matrices/{matrix.slug}/history/")
    expect(matrix_page.locator("body")).to_contain_text(
        re.compile(r"From the workshop of \d+ \w+ \(whole row\), 2 of 3 agreed")
    )

    for page in (alice, bob, carol):
        assert page.evaluate("window.__csp") == []
    ctx_a.close()
    ctx_b.close()
    ctx_c.close()
