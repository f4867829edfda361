"""Accepting a finding on purpose from its page, the panel's accepted list, the findings
filter, withdrawing, and the comparison with the template: plain forms, outsiders, viewers."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from raci import acknowledgments, services
from raci.models import Decision, Matrix, Template
from raci.seeding import templates_seed
from raci.selectors import matrix_grid
from tests.factories import build_matrix
from tests.queries import assert_same_queries, queries_of

pytestmark = pytest.mark.django_db

# Row 1 has an A and no R (no-responsible, a warning); role 2 is only consulted (idle-role).
LETTERS = {(0, 0): "AR", (0, 2): "C", (1, 1): "A", (1, 2): "C", (2, 0): "AR", (2, 1): "R"}


@pytest.fixture
def grid(members_workspace):
    return build_matrix(members_workspace, activities=3, roles=3, letters=LETTERS)


def _url(name, matrix, query=""):
    return reverse(f"raci:{name}", args=[matrix.workspace.slug, matrix.slug]) + query


def _accept(client, matrix, **data):
    return client.post(_url("finding_accept", matrix), {"reason": "Three teams must weigh in.", **data})


def test_idle_roles_first_fix_is_consulted_on_purpose_then_removing_the_column(client, editor, grid):
    matrix, acts, roles = grid
    page = client.get(_url("matrix", matrix)).content.decode()
    first = page.index("Consulted on purpose")
    assert first < page.index("Remove the column GRI2")
    finding = client.get(_url("finding", matrix, f"?rule=idle-role&role={roles[2].pk}")).content.decode()
    assert 'id="fix-1"' in finding and finding.index("Consulted on purpose") < finding.index("Remove the column")
    assert "GRI2 is consulted and informed on purpose: it gives input" in finding, "a suggested reason"


def test_accepting_moves_the_finding_to_the_panels_accepted_list(client, editor, grid):
    matrix, acts, roles = grid
    response = _accept(client, matrix, rule="no-responsible", activity=acts[1].pk)
    assert response.status_code == 302 and response["Location"].endswith("#findings-panel")
    page = client.get(_url("matrix", matrix)).content.decode()
    panel = page[page.index('id="findings-panel"') :]
    accepted = panel[panel.index('id="accepted-findings"') :]
    assert "Accepted on purpose (1)" in accepted and "Three teams must weigh in." in accepted
    assert "Nobody is responsible for doing “Activity 1”." in accepted
    assert "Nobody is responsible" not in panel[: panel.index('id="accepted-findings"')]
    assert "0 warnings</a>" in page
    assert Matrix.objects.get(pk=matrix.pk).counts == {"error": 0, "warning": 0, "info": 1}


def test_an_accepted_finding_leaves_the_only_rows_with_findings_filter(client, editor, grid):
    matrix, acts, roles = grid
    assert f'id="row-{acts[1].pk}"' in client.get(_url("matrix", matrix, "?only=findings")).content.decode()
    _accept(client, matrix, rule="no-responsible", activity=acts[1].pk)
    filtered = client.get(_url("matrix", matrix, "?only=findings")).content.decode()
    assert f'id="row-{acts[1].pk}"' not in filtered and "No activity has a finding" in filtered


def test_an_error_cannot_be_accepted_and_the_page_says_why(client, editor, members_workspace):
    matrix, acts, _ = build_matrix(members_workspace, activities=3, roles=2, letters={(0, 0): "R", (1, 0): "AR"})
    finding = client.get(_url("finding", matrix, f"?rule=no-accountable&activity={acts[0].pk}")).content.decode()
    assert "Accept on purpose" not in finding
    response = _accept(client, matrix, rule="no-accountable", activity=acts[0].pk)
    assert response.status_code == 422 and "Errors cannot be accepted" in response.content.decode()
    assert not Decision.objects.exists()


def test_a_missing_reason_is_refused_beside_the_field(client, editor, grid):
    matrix, acts, roles = grid
    response = _accept(client, matrix, rule="idle-role", role=roles[2].pk, reason="  ")
    assert response.status_code == 422
    assert "Say why the team accepts this finding" in response.content.decode()
    assert Matrix.objects.get(pk=matrix.pk).acknowledgments == []


def test_a_stale_acceptance_is_refused_with_409(client, editor, grid):
    matrix, acts, roles = grid
    response = _accept(client, matrix, rule="idle-role", role=roles[2].pk, fingerprint="0" * 20)
    assert response.status_code == 409 and "changed since you looked" in response.content.decode()


def test_the_finding_page_of_an_accepted_finding_shows_the_reason_and_withdraws(client, editor, grid):
    matrix, acts, roles = grid
    review = date.today() + timedelta(days=60)
    _accept(client, matrix, rule="idle-role", role=roles[2].pk, review_on=review.isoformat())
    page = client.get(_url("finding", matrix, f"?rule=idle-role&role={roles[2].pk}")).content.decode()
    assert "Accepted on purpose" in page and "Three teams must weigh in." in page
    assert f"counts again on {review.day} {review:%b %Y}" in page
    response = client.post(_url("finding_withdraw", matrix), {"rule": "idle-role", "role": roles[2].pk})
    assert response.status_code == 302
    assert Matrix.objects.get(pk=matrix.pk).counts["info"] == 1


def test_a_viewer_sees_the_accepted_list_but_cannot_accept_or_withdraw(client, editor, viewer, grid):
    matrix, acts, roles = grid
    client.force_login(editor.user)
    _accept(client, matrix, rule="idle-role", role=roles[2].pk)
    client.force_login(viewer.user)
    page = client.get(_url("finding", matrix, f"?rule=idle-role&role={roles[2].pk}")).content.decode()
    assert "Three teams must weigh in." in page and "Withdraw" not in page
    assert _accept(client, matrix, rule="no-responsible", activity=acts[1].pk).status_code == 403
    response = client.post(_url("finding_withdraw", matrix), {"rule": "idle-role", "role": roles[2].pk})
    assert response.status_code == 403


def test_an_outsider_gets_404(client, outsider, grid):
    matrix, acts, roles = grid
    assert _accept(client, matrix, rule="idle-role", role=roles[2].pk).status_code == 404
    assert client.post(_url("finding_withdraw", matrix), {"rule": "idle-role"}).status_code == 404


def test_get_is_not_allowed(client, editor, grid):
    matrix, _, _ = grid
    assert client.get(_url("finding_accept", matrix)).status_code == 405
    assert client.get(_url("finding_withdraw", matrix)).status_code == 405


@pytest.mark.parametrize("value", ["x\x00y", "tomorrow", "9999-99-99"])
def test_hostile_input_is_refused_without_saving(client, editor, grid, value):
    matrix, acts, roles = grid
    response = _accept(client, matrix, rule="idle-role", role=roles[2].pk, reason=value, review_on=value)
    # A NUL anywhere in a request is refused before any view (400).
    assert response.status_code == (400 if "\x00" in value else 422)
    assert Matrix.objects.get(pk=matrix.pk).acknowledgments == []


def test_the_comparison_shows_an_acceptance_the_matrix_dropped_or_added(client, editor):
    templates_seed()
    template = Template.objects.get(slug="pm-pmm-scaleup", workspace=None)
    matrix = services.matrix_create(workspace=editor.workspace, name="Core", actor=editor.user, template=template)
    assert "accepted-drift" not in client.get(_url("template_compare", matrix)).content.decode()
    grid = matrix_grid(matrix=Matrix.objects.select_related("workspace").get(pk=matrix.pk))
    sales = next(c for c in grid.columns if c.code == "SALES")
    services.finding_withdraw(
        matrix=Matrix.objects.get(pk=matrix.pk), ref=services.FindingRef("idle-role", None, sales.role_id), actor=None
    )
    page = client.get(_url("template_compare", matrix)).content.decode()
    drift = page[page.index('id="accepted-drift"') :]
    assert "The template accepts, this matrix no longer does" in drift and "SALES" in drift


# --- the page and a cell edit cost no more queries with acknowledgments --------------------


def _all_accepted(workspace, size):
    """A matrix whose every row has an A and no R (a warning each) and an idle last role,
    every one of those findings accepted on purpose."""
    n_roles = max(3, size // 15)
    letters = {(i, 0): "A" for i in range(size)} | {(i, r): "C" for i in range(size) for r in range(1, n_roles)}
    matrix, acts, roles = build_matrix(workspace, activities=size, roles=n_roles, letters=letters, name=f"M{size}")
    matrix = Matrix.objects.select_related("workspace").get(pk=matrix.pk)
    grid = matrix_grid(matrix=matrix)
    data = grid.rule_input()
    matrix.acknowledgments = [
        acknowledgments.Acknowledgment(
            f.rule, acknowledgments.fingerprint_of(f, data), "On purpose.", f.activity, f.role, f.person
        ).as_json()
        for f in grid.findings
    ]
    matrix.save(update_fields=["acknowledgments"])
    services.matrix_recount(matrix)
    assert matrix.counts == {"error": 0, "warning": 0, "info": 0} and matrix.acknowledged_count >= size
    return matrix, acts, roles


def test_the_matrix_page_query_count_does_not_grow_with_acknowledgments(client, editor):
    client.get("/")

    def check(response, size):
        assert response.status_code == 200
        accepted = Matrix.objects.get(name=f"M{size}").acknowledged_count
        assert f"Accepted on purpose ({accepted})" in response.content.decode()

    assert_same_queries(
        lambda size: _all_accepted(editor.workspace, size)[0],
        lambda m: client.get(_url("matrix", m)),
        sizes=(10, 200),
        at_most=12,
        check=check,
    )


def test_a_cell_edit_in_an_accepted_row_and_column_costs_no_more_queries(client, editor):
    client.get("/")

    def build(size):
        matrix, acts, roles = _all_accepted(editor.workspace, size)
        return reverse("raci:cell", args=[matrix.workspace.slug, matrix.slug, acts[5].pk, roles[1].pk])

    def check(response, size):
        assert response.status_code == 200

    count = assert_same_queries(
        build,
        lambda url: client.post(url, {"value": "I", "version": "1"}, headers={"HX-Request": "true"}),
        sizes=(10, 200),
        at_most=8,
        check=check,
    )
    # An edit that moves the counts of a matrix without acknowledgments (R fixes the row and
    # the column) costs the same: accepting findings adds no query to the edit.
    letters = {(i, 0): "A" for i in range(10)} | {(i, r): "C" for i in range(10) for r in (1, 2)}
    _, acts, roles = build_matrix(editor.workspace, activities=10, roles=3, letters=letters, name="Plain")
    url = reverse("raci:cell", args=[editor.workspace.slug, "plain", acts[5].pk, roles[1].pk])
    _, sql = queries_of(lambda: client.post(url, {"value": "R", "version": "1"}, headers={"HX-Request": "true"}))
    assert count == len(sql)


def test_withdrawing_a_finding_that_is_not_accepted_says_so(client, editor, grid):
    matrix, acts, roles = grid
    response = client.post(_url("finding_withdraw", matrix), {"rule": "idle-role", "role": roles[2].pk}, follow=True)
    assert response.status_code == 200 and "not accepted (any more)" in response.content.decode()
