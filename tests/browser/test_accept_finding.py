"""Accepting a finding on purpose, in a browser: from the panel's fix to the finding's page,
a reason, and back to the panel where it sits muted in the accepted list."""

from playwright.sync_api import Page, expect

from raci import services
from raci.models import Matrix, Template
from raci.selectors import matrix_grid
from tests.browser.conftest import shoot
from tests.factories import UserFactory
from workspaces import services as workspaces_services


def _matrix_with_a_warning():
    """A matrix from the default template (Sales consulted on purpose, accepted by the
    template) where Naming's owner no longer does the work: a no-responsible warning."""
    user = UserFactory(username="accepter")
    workspace = workspaces_services.workspace_create(name="Accepters", owner=user)
    template = Template.objects.get(slug="pm-pmm-scaleup", workspace=None)
    matrix = services.matrix_create(workspace=workspace, name="Core", actor=user, template=template)
    grid = matrix_grid(matrix=matrix, check=False)
    naming = next(a for a in grid.activities if a.name == "Naming")
    pmm = next(c.role_id for c in grid.columns if c.code == "PMM")
    services.cell_set(
        matrix=matrix,
        activity_id=naming.id,
        role_id=pmm,
        value="A",
        expected_version=grid.cells[(naming.id, pmm)][1],
        actor=user,
    )
    return workspace, matrix


def test_accept_a_finding_and_see_it_move_to_the_accepted_list(page: Page, server, sign_in, watch):
    workspace, matrix = _matrix_with_a_warning()
    sign_in(page, "accepter")
    page.goto(f"{server}/w/{workspace.slug}/matrices/{matrix.slug}/")
    panel = page.locator("#findings-panel")
    expect(panel.locator("summary", has_text="Accepted on purpose (1)")).to_be_visible()
    expect(page.locator("#finding-counts")).to_contain_text("1 warning")
    item = panel.locator("ol.findings > li.finding:not(.accepted)").filter(has_text="no-responsible")
    item.get_by_role("link", name="Accept on purpose, with a reason").click()

    card = page.locator(".fix-card").filter(has_text="Accept on purpose")
    card.get_by_label("Reason").fill("The naming agency does the work; PMM owns the decision.")
    shoot(page, "accept-finding-form", part=".accept-form")
    card.get_by_role("button", name="Accept on purpose").click()

    expect(page).to_have_url(f"{server}/w/{workspace.slug}/matrices/{matrix.slug}/#findings-panel")
    expect(page.locator("#finding-counts")).to_contain_text("0 warnings")
    expect(panel.locator("ol.findings > li.finding:not(.accepted)").filter(has_text="no-responsible")).to_have_count(0)
    accepted = panel.locator("details.accepted-list")
    accepted.locator("summary").click()
    expect(accepted.locator("summary")).to_have_text("Accepted on purpose (2)")
    moved = accepted.locator("li.accepted").filter(has_text="no-responsible")
    expect(moved).to_contain_text("The naming agency does the work; PMM owns the decision.")
    expect(moved.locator(".accepted-mark")).to_have_text("accepted")
    expect(accepted.locator("li.accepted").filter(has_text="idle-role")).to_contain_text("consulted and informed")
    shoot(page, "accept-finding-panel", part="#findings-panel")
    assert Matrix.objects.get(pk=matrix.pk).counts == {"error": 0, "warning": 0, "info": 0}

    moved.get_by_role("link", name="Details or withdraw").click()
    expect(page.locator("#accepted")).to_contain_text("The naming agency does the work")
    shoot(page, "accepted-finding-page")
    page.get_by_role("button", name="Withdraw: let it count again").click()
    expect(page.locator("#finding-counts")).to_contain_text("1 warning")
    expect(panel.locator("ol.findings > li.finding:not(.accepted)").filter(has_text="no-responsible")).to_have_count(1)
    watch.assert_clean()
