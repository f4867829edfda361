"""No user-written text ever becomes markup: script, event handler or htmx attribute.

Every name a user can type (workspace, role name and code, activity name and
description, matrix name and description, template name and description, a person's
name, a decision's text and reason, a ritual's name, purpose, agenda and notes) holds payloads that would run a script, fire an `onerror`, or make htmx fetch
`/pwned` on load if they reached the page unescaped. Chromium then visits every page that
shows them, and the htmx partials that re-render them, and proves nothing ran, no dialog
opened, nothing was fetched, and the text shows literally.

The test runs twice: with the app's CSP, and with the CSP bypassed, so that it proves the
escaping itself and not only the CSP that would block an inline script or handler.
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from raci import services
from rituals import services as launch_services
from tests.browser.conftest import PageWatch, assert_htmx_loaded
from tests.factories import UserFactory, hold
from workspaces import services as workspaces_services
from workspaces.models import Access, Membership

P_IMG = '<img src=x onerror="window.__pwned=1">'
P_SCRIPT = "<script>window.__pwned=2</script>"
P_HX_A = '<a hx-get="/pwned" hx-trigger="load">x</a>'
P_HX_DIV = '<div hx-get="/pwned" hx-trigger="load">'
ALL = " ".join([P_IMG, P_SCRIPT, P_HX_A, P_HX_DIV])  # 159 characters; names allow 200

WORKSPACE = f"WS {ALL}"
MATRIX = f"Matrix {ALL}"
MATRIX_DESC = f"About {ALL}"
ROLE_1 = f"Role {ALL}"
ROLE_2 = f"Other {ALL}"
# Codes have at most 12 characters and are stored upper-cased without spaces.
CODE_1 = "<SCRIPT>"
CODE_2 = "<BHX-GET=/X>"  # typed as "<b hx-get=/x>"
ACTIVITY = f"Activity {ALL}"
ACTIVITY_DESC = f"Why {ALL}"
TEMPLATE = f"Template {ALL}"
TEMPLATE_DESC = f"Kit {ALL}"
DECISION = f"Decided {ALL}"
DECISION_WHY = f"Because {ALL}"
# First names have at most 150 characters: the payloads are shared between two people.
RITUAL = f"Ritual {ALL}"
RITUAL_DESC = f"For {ALL}"
# Agenda sections have at most 80 characters.
SECTION_1, SECTION_2 = f"Agenda {P_HX_A}", f"Part {P_IMG}"
NOTES = f"Noted {ALL}"
ANN = f"Ann {P_IMG} {P_SCRIPT} {P_HX_A}"
BOB = f"Bob {P_HX_DIV}"


def exactly(text: str) -> re.Pattern:
    return re.compile(rf"^\s*{re.escape(text)}\s*$")


def build_world():
    ann = UserFactory(username="ann", first_name=ANN, last_name="")
    bob = UserFactory(username="bob", first_name=BOB, last_name="")
    # Created under plain names and renamed, so the slugs (and so every URL the test
    # visits) hold no "pwned": any request containing it comes from a payload.
    workspace = workspaces_services.workspace_create(name="Plain workspace", owner=ann)
    workspaces_services.workspace_rename(workspace=workspace, name=WORKSPACE)
    ann_m = Membership.objects.get(workspace=workspace, user=ann)
    bob_m = Membership.objects.create(workspace=workspace, user=bob, access=Access.EDITOR)
    matrix = services.matrix_create(workspace=workspace, name="Plain matrix", actor=ann)
    services.matrix_update(
        matrix=matrix,
        name=MATRIX,
        description=MATRIX_DESC,
        max_responsible=3,
        max_consulted=4,
        overload_min_activities=5,
        review_cadence_days=None,
        actor=ann,
    )
    role_1 = services.column_add(matrix=matrix, name=ROLE_1, code="<script>", actor=ann)
    role_2 = workspaces_services.role_create(workspace=workspace, name=ROLE_2, code="<b hx-get=/x>")
    services.column_add(matrix=matrix, role_id=role_2.pk, actor=ann)
    assert (role_1.code, role_2.code) == (CODE_1, CODE_2)
    activity = services.activity_add(matrix=matrix, name=ACTIVITY, description=ACTIVITY_DESC, actor=ann)
    for name in ("Plain one", "Plain two"):
        plain = services.activity_add(matrix=matrix, name=name, actor=ann)
        services.cell_set(
            matrix=matrix, activity_id=plain.pk, role_id=role_2.pk, value="AR", expected_version=0, actor=ann
        )
    # The payload activity has only a C: findings name it in the panel. Role 1 holds no R or
    # A (idle-role names its code); Ann holds both roles (shared-hats names her).
    services.cell_set(
        matrix=matrix, activity_id=activity.pk, role_id=role_1.pk, value="C", expected_version=0, actor=ann
    )
    hold(role_1, ann_m)
    hold(role_2, ann_m)
    hold(role_2, bob_m)
    # A decision about the activity, due for review today (the matrix page lists it).
    today = timezone.localdate()
    services.decision_add(
        matrix=matrix,
        actor=ann,
        what=DECISION,
        why=DECISION_WHY,
        activity_id=activity.pk,
        decided_by_id=ann.pk,
        decided_on=today - timedelta(days=30),
        review_on=today,
    )
    # A ritual owned by role 1, attended by role 2, Ann and Bob, with notes and a decision today.
    ritual = launch_services.ritual_create(
        workspace=workspace,
        name=RITUAL,
        description=RITUAL_DESC,
        cadence="weekly",
        starts_on=today,
        agenda=f"{SECTION_1}\n{SECTION_2}",
        owner_role_id=role_1.pk,
        attendee_role_ids=[role_2.pk],
        attendee_member_ids=[ann_m.pk, bob_m.pk],
    )
    launch_services.occurrence_notes_save(ritual=ritual, day=today, texts=[NOTES, NOTES])
    launch_services.occurrence_decide(
        ritual=ritual, day=today, matrix_id=matrix.pk, what=DECISION, why=DECISION_WHY, actor=ann
    )
    return {
        "ann": ann,
        "workspace": workspace,
        "matrix": matrix,
        "role_1": role_1,
        "role_2": role_2,
        "activity": activity,
        "ann_m": ann_m,
        "ritual": ritual,
    }


def assert_not_pwned(page: Page, watch: PageWatch, *, after_swap: bool = False) -> None:
    """Nothing ran, opened or fetched. On a loaded page an injected `<img>` or `hx-trigger=
    "load"` has fetched by the load event (checked with injected payloads); after an htmx
    swap, wait for the network to go quiet so a payload in the new content had its chance."""
    if after_swap:
        page.wait_for_load_state("networkidle")
    where = page.url
    assert page.evaluate("typeof window.__pwned") == "undefined", f"a payload ran on {where}"
    assert watch.dialogs == [], watch.dialogs
    fetched = [url for url in watch.requests if "pwned" in url.lower() or "/x" in url.lower()]
    assert fetched == [], f"payload requests by {where}: {fetched}"
    assert watch.page_errors == [], watch.page_errors
    assert watch.csp_violations() == [], f"CSP violations on {where}: {watch.csp_violations()}"
    # Nor did any payload become an element, whether or not it could run.
    assert page.locator("img").count() == 0, where
    assert page.locator("script:not([src])").count() == 0, where
    assert page.locator("[hx-get*=pwned], [hx-trigger=load], [onerror]").count() == 0, where


def visit(page: Page, watch: PageWatch, url: str) -> None:
    page.goto(url)
    assert_htmx_loaded(page)
    assert_not_pwned(page, watch)


@pytest.mark.parametrize("bypass_csp", [False, True], ids=["with-csp", "csp-bypassed"])
def test_user_text_never_runs(new_context, server, sign_in, bypass_csp):
    world = build_world()
    page = new_context(bypass_csp=bypass_csp).new_page()
    page.set_default_timeout(10_000)
    watch = PageWatch(page)
    ws, matrix = world["workspace"], world["matrix"]
    activity, role_1, role_2 = world["activity"], world["role_1"], world["role_2"]
    base = f"{server}/w/{ws.slug}"
    matrix_url = f"{base}/matrices/{matrix.slug}/"

    sign_in(page, "ann")
    assert_not_pwned(page, watch)
    expect(page.locator(".usernav summary")).to_have_text(exactly(ANN))
    expect(page.locator("ul.cards a").filter(has_text="WS ")).to_have_text(exactly(WORKSPACE))

    # Workspace home and settings.
    visit(page, watch, f"{base}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(exactly(WORKSPACE))
    expect(page.locator(".wsnav summary")).to_have_text(exactly(WORKSPACE))
    assert WORKSPACE in page.title()
    row = page.locator("table.list tbody tr")
    expect(row.locator("td a")).to_have_text(exactly(MATRIX))
    expect(row.locator(".muted.small")).to_contain_text(MATRIX_DESC[:100])
    expect(row).to_contain_text(ANN)
    visit(page, watch, f"{base}/settings/")
    expect(page.locator("#id_name")).to_have_value(WORKSPACE)

    # Roles, one role's page, members.
    visit(page, watch, f"{base}/roles/")
    # Ordered by code; PM and PMM came with the workspace (its rituals are theirs).
    expect(page.locator(".code-chip")).to_have_text([CODE_2, CODE_1, "PM", "PMM"])
    expect(page.get_by_role("link", name=ROLE_1, exact=True)).to_be_visible()
    expect(page.get_by_role("link", name=ROLE_2, exact=True)).to_be_visible()
    holders = page.locator("table.list tbody tr").filter(has_text=CODE_2).locator("td").nth(2)
    expect(holders).to_contain_text(ANN)
    expect(holders).to_contain_text(BOB)
    visit(page, watch, f"{base}/roles/{role_1.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Role {CODE_1}")
    expect(page.locator("input[name=name]")).to_have_value(ROLE_1)
    expect(page.locator("input[name=code]")).to_have_value(CODE_1)
    expect(page.locator("label.check").filter(has_text="Bob")).to_have_text(exactly(BOB))
    visit(page, watch, f"{base}/members/")
    expect(page.locator("table.list strong")).to_have_text([exactly(ANN), exactly(BOB)])

    # The matrix page.
    visit(page, watch, matrix_url)
    expect(page.get_by_role("heading", level=1)).to_have_text(exactly(MATRIX))
    expect(page.locator(".page-head p.muted")).to_have_text(exactly(MATRIX_DESC))
    expect(page.locator(".crumbs a")).to_have_text(exactly(WORKSPACE))
    expect(page.locator("table.grid")).to_have_attribute("aria-label", f"{MATRIX}: RACI matrix")
    expect(page.locator(f"#col-{role_1.pk} .code")).to_have_text(CODE_1)
    expect(page.locator(f"#col-{role_1.pk} .code")).to_have_attribute("title", ROLE_1)
    expect(page.locator(f"#col-{role_2.pk} .code")).to_have_text(CODE_2)
    expect(page.locator(f"#col-{role_2.pk} .code")).to_have_attribute("title", ROLE_2)
    name_cell = page.locator(f"#ah-{activity.pk} span.an")
    expect(name_cell).to_have_text(exactly(ACTIVITY))
    expect(name_cell).to_have_attribute("title", ACTIVITY_DESC)
    panel = page.locator("#findings-panel")
    expect(panel.locator(f"a[href='#row-{activity.pk}']").first).to_have_text(exactly(ACTIVITY))
    expect(panel.locator(f"a[href='#col-{role_1.pk}']").first).to_have_text(CODE_1)
    expect(panel.locator("li.finding").filter(has_text="shared-hats").locator(".f-head span").last).to_have_text(
        exactly(ANN)
    )
    expect(page.locator("#person-pick option")).to_have_text(["Everyone", exactly(ANN), exactly(BOB)])
    expect(page.locator("main")).to_contain_text(DECISION)  # due for review

    # The matrix's decision log and history, and the workspace's people.
    visit(page, watch, f"{matrix_url}decisions/")
    expect(page.locator("main")).to_contain_text(DECISION)
    expect(page.locator("main")).to_contain_text(DECISION_WHY)
    expect(page.locator("main")).to_contain_text(ACTIVITY)
    visit(page, watch, f"{matrix_url}history/")
    expect(page.locator("main")).to_contain_text(ACTIVITY)
    expect(page.locator("main")).to_contain_text(MATRIX)
    expect(page.locator("main")).to_contain_text(CODE_1)
    visit(page, watch, f"{base}/people/")
    expect(page.locator("main")).to_contain_text(ANN)
    expect(page.locator("main")).to_contain_text(BOB)

    # The rituals, the ritual's page and today's meeting with its notes and decision.
    ritual = world["ritual"]
    visit(page, watch, f"{base}/rituals/")
    expect(page.locator("main")).to_contain_text(RITUAL)
    expect(page.locator("main")).to_contain_text(RITUAL_DESC)
    expect(page.locator("main")).to_contain_text(f"Attending: {CODE_2}, {ANN}, {BOB}")
    visit(page, watch, f"{base}/rituals/{ritual.pk}/")
    expect(page.locator("ol.agenda li")).to_have_text([exactly(SECTION_1), exactly(SECTION_2)])
    visit(page, watch, f"{base}/rituals/{ritual.pk}/{timezone.localdate().isoformat()}/")
    expect(page.locator("#id_note_0")).to_have_value(NOTES)
    expect(page.locator("#notes")).to_contain_text(SECTION_2)
    expect(page.locator("#decisions")).to_contain_text(DECISION)
    expect(page.locator("#decisions .decision-why")).to_contain_text(DECISION_WHY)
    page.get_by_role("button", name="Save the notes").click()
    expect(page.locator("#notes")).to_contain_text("Notes saved.")
    assert_not_pwned(page, watch, after_swap=True)
    visit(page, watch, f"{base}/rituals/{ritual.pk}/delete/")
    expect(page.locator("h1")).to_have_text(exactly(f"Delete {RITUAL}?"))

    # The same page filtered to one person.
    visit(page, watch, f"{matrix_url}?person={world['ann_m'].pk}")
    person = page.locator("section.person-view")
    expect(person.locator("h2")).to_have_text(exactly(f"{ANN}: {CODE_1} + {CODE_2}"))
    expect(person.locator(f"a[href='#row-{activity.pk}']")).to_have_text(exactly(ACTIVITY))
    expect(person.locator("thead")).to_contain_text(CODE_1)

    # Pages behind the grid's links when htmx is not there: a cell's form, an activity's form.
    visit(page, watch, f"{matrix_url}cells/{activity.pk}/{role_1.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(exactly(f"{ACTIVITY} × {CODE_1}"))
    expect(page.locator("legend")).to_have_text(exactly(f"What does {ROLE_1} do for “{ACTIVITY}”?"))
    visit(page, watch, f"{matrix_url}activities/{activity.pk}/")
    expect(page.locator("input[name=name]")).to_have_value(ACTIVITY)
    expect(page.locator("textarea[name=description]")).to_have_value(ACTIVITY_DESC)
    visit(page, watch, f"{matrix_url}columns/{role_2.pk}/")
    expect(page.locator("input[name=code]")).to_have_value(CODE_2)
    expect(page.locator("input[name=name]")).to_have_value(ROLE_2)

    # Matrix settings, and saving the matrix as a template through its form.
    visit(page, watch, f"{matrix_url}settings/")
    settings_form = page.locator("form").filter(has=page.get_by_role("button", name="Save settings"))
    expect(settings_form.get_by_label("Name", exact=True)).to_have_value(MATRIX)
    expect(settings_form.get_by_label("Description", exact=True)).to_have_value(MATRIX_DESC)
    template_form = page.locator("form").filter(has=page.get_by_role("heading", name="Save as a template"))
    expect(template_form.get_by_label("Name", exact=True)).to_have_value(f"{MATRIX} template")
    template_form.get_by_label("Name", exact=True).fill(TEMPLATE)
    template_form.get_by_label("Description", exact=True).fill(TEMPLATE_DESC)
    template_form.get_by_role("button", name="Save as template").click()
    expect(page.locator(".toast.success")).to_have_text(exactly(f"Saved “{TEMPLATE}” as a template of this workspace."))
    assert_not_pwned(page, watch)

    # The new-matrix page lists the template as a card.
    visit(page, watch, f"{base}/matrices/new/")
    card = page.locator("label.template-card").filter(has_text="Template ")
    expect(card.locator("strong")).to_have_text(exactly(TEMPLATE))
    expect(card.locator(".muted.small")).to_have_text(exactly(TEMPLATE_DESC))
    expect(card).to_contain_text("this workspace")

    # Partials swapped in by htmx on the matrix page.
    visit(page, watch, matrix_url)
    page.evaluate("window.__marker = 1")
    page.locator(f"#ah-{activity.pk} a.edit").click()
    form = page.locator(f"#ah-{activity.pk} form.inline-edit")
    expect(form.locator("input[name=name]")).to_have_value(ACTIVITY)
    expect(form.locator("textarea[name=description]")).to_have_value(ACTIVITY_DESC)
    assert_not_pwned(page, watch, after_swap=True)
    form.get_by_role("link", name="Cancel").click()  # swaps in the grid from a full page (hx-select)
    expect(page.locator("#grid form.inline-edit")).to_have_count(0)
    expect(page.locator(f"#ah-{activity.pk} span.an")).to_have_text(exactly(ACTIVITY))
    assert_not_pwned(page, watch, after_swap=True)

    # Setting a cell re-renders the badges, counts and panel out of band.
    page.locator(f"#c-{activity.pk}-{role_2.pk}").click()
    page.locator("#cell-menu [data-value='AR']").click()
    expect(page.locator(f"#c-{activity.pk}-{role_2.pk}")).to_have_text("A/R")
    expect(panel.locator("li.finding").filter(has_text="no-accountable")).to_have_count(0)
    expect(panel.locator("li.finding").filter(has_text="shared-hats").locator(".f-head span").last).to_have_text(
        exactly(ANN)
    )
    expect(panel.locator(f"a[href='#col-{role_1.pk}']").first).to_have_text(CODE_1)
    assert_not_pwned(page, watch, after_swap=True)
    page.locator(f"#c-{activity.pk}-{role_2.pk}").focus()
    page.keyboard.press("Backspace")  # back to no accountable: the panel names the activity again
    expect(panel.locator(f"a[href='#row-{activity.pk}']").first).to_have_text(exactly(ACTIVITY))
    expect(page.locator(f"#rb-{activity.pk}")).to_contain_text("no-accountable")
    assert_not_pwned(page, watch, after_swap=True)

    # The column's inline form.
    page.locator(f"#col-{role_1.pk} a.edit").click()
    column_form = page.locator(f"#col-{role_1.pk} form.inline-edit")
    expect(column_form.locator("input[name=code]")).to_have_value(CODE_1)
    expect(column_form.locator("input[name=name]")).to_have_value(ROLE_1)
    assert_not_pwned(page, watch, after_swap=True)
    # Saving it unchanged re-renders the whole grid (the structure response).
    column_form.get_by_role("button", name="Save").click()
    expect(page.locator("#grid form.inline-edit")).to_have_count(0)
    expect(page.locator(f"#col-{role_1.pk} .code")).to_have_text(CODE_1)
    expect(page.locator(f"#ah-{activity.pk} span.an")).to_have_text(exactly(ACTIVITY))
    assert_not_pwned(page, watch, after_swap=True)
    assert page.evaluate("window.__marker") == 1, "the partials reloaded the page"
    errors = [e for e in watch.console_errors if "/favicon.ico" not in e]
    assert errors == [], errors
