"""The finding page, applying a fix, the split form, undo from the history, the template
comparison: plain forms, stale refusals, outsiders and viewers."""

import pytest
from django.urls import reverse

from raci import services
from raci.models import Cell, ChangeEvent, Matrix, Template, TemplateActivity
from raci.seeding import templates_seed
from raci.selectors import matrix_grid
from tests.factories import MembershipFactory, build_matrix

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_owners(editor):
    return build_matrix(
        editor.workspace, activities=3, roles=3, letters={(0, 0): "A", (0, 1): "A", (1, 0): "AR", (2, 1): "AR"}
    )


def _url(name, matrix, *args):
    return reverse(f"raci:{name}", args=[matrix.workspace.slug, matrix.slug, *args])


def test_the_panel_shows_why_and_the_fixes_as_buttons(client, two_owners):
    matrix, acts, roles = two_owners
    page = client.get(_url("matrix", matrix)).content.decode()
    assert "Why it matters" in page
    assert "Make GRI0 the single A (the others R or C)" in page
    assert "Split into input and outcome" in page


def test_the_finding_page_previews_each_fix_and_applying_one_redirects(client, two_owners):
    matrix, acts, roles = two_owners
    url = _url("finding", matrix) + f"?rule=multiple-accountable&activity={acts[0].pk}"
    page = client.get(url).content.decode()
    assert "Apply: Make GRI1 the single A" in page and '<td class="letter new">C</td>' in page
    response = client.post(
        _url("fix_apply", matrix),
        {
            "rule": "multiple-accountable",
            "activity": acts[0].pk,
            "code": f"single:{roles[1].pk}",
            "since": matrix.last_seq,
        },
    )
    assert response.status_code == 302
    assert Cell.objects.get(activity=acts[0], role=roles[0]).value == "C"


def test_a_stale_fix_is_refused_with_409_and_what_changed(client, editor, two_owners):
    matrix, acts, roles = two_owners
    since = matrix.last_seq
    services.cell_set(
        matrix=matrix, activity_id=acts[0].pk, role_id=roles[2].pk, value="C", expected_version=0, actor=editor.user
    )
    response = client.post(
        _url("fix_apply", matrix),
        {"rule": "multiple-accountable", "activity": acts[0].pk, "code": f"single:{roles[1].pk}", "since": since},
    )
    assert response.status_code == 409
    assert "Activity 0 × GRI2 to C" in response.content.decode()
    assert Cell.objects.get(activity=acts[0], role=roles[0]).value == "A"


def test_undo_from_the_history(client, two_owners):
    matrix, acts, roles = two_owners
    client.post(
        _url("fix_apply", matrix),
        {
            "rule": "multiple-accountable",
            "activity": acts[0].pk,
            "code": f"single:{roles[1].pk}",
            "since": matrix.last_seq,
        },
    )
    history = client.get(_url("history", matrix)).content.decode()
    group = ChangeEvent.objects.filter(matrix=matrix).first().group
    assert "Fix: Make GRI1 the single A" in history and _url("group_undo", matrix, group) in history
    assert client.post(_url("group_undo", matrix, group)).status_code == 302
    assert Cell.objects.get(activity=acts[0], role=roles[0]).value == "A"


def test_viewers_see_no_fix_buttons_and_cannot_apply(client, two_owners):
    matrix, acts, roles = two_owners
    viewer = MembershipFactory(workspace=matrix.workspace, access="viewer")
    client.force_login(viewer.user)
    assert (
        "Apply:"
        not in client.get(
            _url("finding", matrix) + f"?rule=multiple-accountable&activity={acts[0].pk}"
        ).content.decode()
    )
    assert (
        client.post(
            _url("fix_apply", matrix),
            {"rule": "multiple-accountable", "activity": acts[0].pk, "code": f"single:{roles[1].pk}", "since": 0},
        ).status_code
        == 403
    )
    assert client.post(_url("group_undo", matrix, 1)).status_code == 403


def test_outsiders_get_404(client, two_owners):
    matrix, acts, roles = two_owners
    client.force_login(MembershipFactory().user)
    assert client.get(_url("finding", matrix) + "?rule=no-accountable").status_code == 404
    assert client.get(_url("template_compare", matrix)).status_code == 404
    assert client.get(_url("activity_split", matrix, acts[0].pk)).status_code == 404


def test_an_unknown_rule_leads_to_the_findings_and_a_gone_finding_says_so(client, two_owners):
    matrix, acts, roles = two_owners
    assert client.get(_url("finding", matrix) + "?rule=bogus")["Location"].endswith("#findings-panel")
    page = client.get(_url("finding", matrix) + f"?rule=no-accountable&activity={acts[1].pk}").content.decode()
    assert "This finding is gone" in page


def test_the_split_form_refuses_one_role_for_both_with_422(client, two_owners):
    matrix, acts, roles = two_owners
    response = client.post(
        _url("activity_split", matrix, acts[0].pk),
        {"input_role": roles[0].pk, "outcome_role": roles[0].pk, "since": matrix.last_seq},
    )
    assert response.status_code == 422 and "different owners" in response.content.decode()


@pytest.fixture
def from_template(editor):
    templates_seed()
    template = Template.objects.get(slug="pm-pmm-scaleup", workspace=None)
    matrix = services.matrix_create(workspace=editor.workspace, name="Core", actor=editor.user, template=template)
    return matrix, template


def test_a_matrix_remembers_its_template_and_version(from_template):
    matrix, template = from_template
    assert (matrix.template_id, matrix.template_version) == (template.pk, template.version)


def test_compare_lists_changed_rows_side_by_side_and_resets_one(client, editor, from_template):
    matrix, template = from_template
    grid = matrix_grid(matrix=matrix, check=False)
    naming = next(a for a in grid.activities if a.name == "Naming")
    pm = grid.columns[0].role_id
    services.cell_set(
        matrix=matrix,
        activity_id=naming.id,
        role_id=pm,
        value="A",
        expected_version=grid.cells[(naming.id, pm)][1],
        actor=editor.user,
    )
    page = client.get(_url("template_compare", matrix)).content.decode()
    assert "Naming" in page and "Letters differ" in page and "Reset this row to the template" in page
    client.post(_url("template_row_reset", matrix, naming.id), {"since": matrix.last_seq + 1})
    assert Cell.objects.get(activity_id=naming.id, role_id=pm).value == "C"


def test_template_updated_says_how_many_changes_and_takes_them_one_by_one(client, editor, from_template):
    matrix, template = from_template
    naming = template.activities.get(name="Naming")
    naming.letters = {**naming.letters, "PM": "R"}
    naming.save()
    TemplateActivity.objects.create(
        template=template, name="Analyst briefings", phase="launch", order=99, letters={"PMM": "AR", "PM": "I"}
    )
    services.template_snapshot(template=template)
    page = client.get(_url("matrix", matrix)).content.decode()
    assert "Template updated: 2 changes" in page
    compare = client.get(_url("template_compare", matrix)).content.decode()
    assert "The template added “Analyst briefings”." in compare
    matrix.refresh_from_db()
    client.post(_url("template_update_take", matrix), {"key": "added:analyst briefings", "since": matrix.last_seq})
    assert matrix.activities.filter(name="Analyst briefings").exists()
    assert "Template updated: 1 change" in client.get(_url("matrix", matrix)).content.decode()
    matrix.refresh_from_db()
    client.post(_url("template_update_take", matrix), {"key": "changed:naming", "since": matrix.last_seq})
    matrix.refresh_from_db()
    assert matrix.template_version == template.version
    assert "Template updated" not in client.get(_url("matrix", matrix)).content.decode()


def test_an_admins_change_to_the_template_becomes_template_updated_on_its_matrices(client, editor, from_template):
    from types import SimpleNamespace

    from django.contrib.admin.sites import site

    from raci.admin import TemplateAdmin

    matrix, template = from_template
    naming = template.activities.get(name="Naming")
    naming.letters = {**naming.letters, "PM": "R"}
    naming.save()  # what the admin's inline saves; then the admin saves the template's related objects
    form = SimpleNamespace(instance=template, save_m2m=lambda: None)
    TemplateAdmin(Template, site).save_related(None, form, [], True)
    template.refresh_from_db()
    assert template.version == 2
    assert "Template updated: 1 change" in client.get(_url("matrix", matrix)).content.decode()


def test_a_matrix_made_before_template_versions_compares_with_the_current_template(client, editor, from_template):
    matrix, template = from_template
    Matrix.objects.filter(pk=matrix.pk).update(template_version=None)
    naming = template.activities.get(name="Naming")
    naming.letters = {**naming.letters, "PM": "R"}
    naming.save()
    services.template_snapshot(template=template)
    assert "Template updated" not in client.get(_url("matrix", matrix)).content.decode()
    compare = client.get(_url("template_compare", matrix)).content.decode()
    assert "Naming" in compare and "Letters differ" in compare


def test_a_reset_on_a_row_that_changed_since_is_refused_with_what_changed(client, editor, from_template):
    matrix, _ = from_template
    grid = matrix_grid(matrix=matrix, check=False)
    naming = next(a for a in grid.activities if a.name == "Naming")
    pm = grid.columns[0].role_id
    since = matrix.last_seq
    services.cell_set(
        matrix=matrix,
        activity_id=naming.id,
        role_id=pm,
        value="A",
        expected_version=grid.cells[(naming.id, pm)][1],
        actor=editor.user,
    )
    events = ChangeEvent.objects.filter(matrix=matrix).count()
    response = client.post(_url("template_row_reset", matrix, naming.id), {"since": since}, follow=True)
    page = response.content.decode()
    assert "was not applied: the matrix changed since you looked" in page and "Naming × PM to A" in page
    assert Cell.objects.get(activity_id=naming.id, role_id=pm).value == "A"
    assert ChangeEvent.objects.filter(matrix=matrix).count() == events


def test_taking_a_template_change_on_a_stale_page_is_refused_and_dismissing_keeps_the_matrix(
    client, editor, from_template
):
    matrix, template = from_template
    naming = template.activities.get(name="Naming")
    naming.letters = {**naming.letters, "PM": "R"}
    naming.save()
    services.template_snapshot(template=template)
    grid = matrix_grid(matrix=matrix, check=False)
    row = next(a for a in grid.activities if a.name == "Naming")
    pmm = grid.columns[1].role_id
    since = matrix.last_seq
    services.cell_set(
        matrix=matrix,
        activity_id=row.id,
        role_id=pmm,
        value="A",
        expected_version=grid.cells[(row.id, pmm)][1],
        actor=editor.user,
    )
    page = client.post(
        _url("template_update_take", matrix), {"key": "changed:naming", "since": since}, follow=True
    ).content.decode()
    assert "the matrix changed since you looked" in page
    assert Cell.objects.get(activity_id=row.id, role_id=grid.columns[0].role_id).value == "C"
    client.post(_url("template_updates_dismiss", matrix))
    matrix.refresh_from_db()
    assert matrix.template_version == template.version
    assert "Template updated" not in client.get(_url("matrix", matrix)).content.decode()
    assert Cell.objects.get(activity_id=row.id, role_id=grid.columns[0].role_id).value == "C"


def test_an_overloaded_role_shows_its_activities_and_hands_some_over_with_a_plain_form(client, editor):
    letters = {(i, 0): "AR" for i in range(8)} | {(i, 1): "R" for i in range(8)}
    matrix, acts, roles = build_matrix(editor.workspace, activities=8, roles=2, letters=letters)
    page = client.get(_url("finding", matrix) + f"?rule=overloaded-role&role={roles[0].pk}").content.decode()
    assert "Show the activities; hand some to another role" in page
    assert all(f'name="to-{a.pk}"' in page for a in acts)
    response = client.post(
        _url("role_handover", matrix, roles[0].pk),
        {f"to-{acts[0].pk}": roles[1].pk, f"to-{acts[1].pk}": roles[1].pk, "since": matrix.last_seq},
    )
    assert response.status_code == 302
    assert Cell.objects.get(activity=acts[0], role=roles[1]).value == "AR"
    assert Cell.objects.get(activity=acts[0], role=roles[0]).value == "R"
    group = ChangeEvent.objects.filter(matrix=matrix).first().group
    assert ChangeEvent.objects.filter(matrix=matrix, group=group).count() == 4
