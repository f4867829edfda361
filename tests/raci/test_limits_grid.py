"""The grid's adds and template copies stop at the same limits as imports (2,000
activities, 60 roles, 60,000 cells), with a message where it happened and nothing half
saved."""

import pytest
from django.urls import reverse

from core import errors as core_errors
from raci import services
from raci.models import (
    Activity,
    ChangeEvent,
    Column,
    Matrix,
    Template,
    TemplateActivity,
    TemplateRole,
)
from tests.factories import build_matrix
from workspaces.models import Role

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true"}


def snapshot(matrix):
    matrix.refresh_from_db()
    return (
        matrix.last_seq,
        Activity.objects.filter(matrix=matrix).count(),
        Column.objects.filter(matrix=matrix).count(),
        Role.objects.count(),
        ChangeEvent.objects.filter(matrix=matrix).count(),
    )


# ---------------------------------------------------------------- services


def test_the_2001st_activity_is_refused_and_nothing_changes(editor):
    matrix, _, _ = build_matrix(editor.workspace, activities=2_000, roles=2, letters={})
    before = snapshot(matrix)
    with pytest.raises(core_errors.InvalidInput) as refused:
        services.activity_add(matrix=matrix, name="One more", actor=editor.user)
    assert refused.value.message == "A matrix holds at most 2,000 activities and this one has 2,000; nothing was added."
    assert snapshot(matrix) == before


def test_the_2000th_activity_is_accepted(editor):
    matrix, _, _ = build_matrix(editor.workspace, activities=1_999, roles=2, letters={})
    services.activity_add(matrix=matrix, name="Last one", actor=editor.user)
    assert Activity.objects.filter(matrix=matrix).count() == 2_000


def test_an_activity_past_60000_cells_is_refused(editor):
    matrix, _, _ = build_matrix(editor.workspace, activities=1_000, roles=60, letters={})
    before = snapshot(matrix)
    with pytest.raises(core_errors.InvalidInput) as refused:
        services.activity_add(matrix=matrix, name="One more", actor=editor.user)
    assert "at most 60,000 cells" in refused.value.message and "1,000 activities" in refused.value.message
    assert snapshot(matrix) == before


def test_the_61st_role_column_is_refused_and_no_role_is_created(editor):
    matrix, _, _ = build_matrix(editor.workspace, activities=3, roles=60, letters={})
    before = snapshot(matrix)
    with pytest.raises(core_errors.InvalidInput) as refused:
        services.column_add(matrix=matrix, name="Legal", code="LEG", actor=editor.user)
    assert refused.value.message == "A matrix holds at most 60 roles and this one has 60; nothing was added."
    assert snapshot(matrix) == before and not Role.objects.filter(code="LEG").exists()


def test_a_role_column_past_60000_cells_is_refused(editor):
    matrix, _, _ = build_matrix(editor.workspace, activities=1_500, roles=40, letters={})
    spare = Role.objects.create(workspace=editor.workspace, code="SPARE", name="Spare")
    before = snapshot(matrix)
    with pytest.raises(core_errors.InvalidInput) as refused:
        services.column_add(matrix=matrix, role_id=spare.pk, actor=editor.user)
    assert "at most 60,000 cells" in refused.value.message and "room for 40 roles" in refused.value.message
    assert snapshot(matrix) == before


def test_splitting_and_restoring_an_activity_count_as_adds(editor):
    matrix, acts, roles = build_matrix(editor.workspace, activities=2_000, roles=2, letters={})
    with pytest.raises(core_errors.InvalidInput, match="2,000"):
        services.activity_split(
            matrix=matrix,
            activity_id=acts[0].pk,
            input_role_id=roles[0].pk,
            outcome_role_id=roles[1].pk,
            actor=editor.user,
        )
    services.activity_delete(matrix=matrix, activity_id=acts[0].pk, actor=editor.user)
    seq = ChangeEvent.objects.get(matrix=matrix, kind="activity.delete").seq
    services.activity_add(matrix=matrix, name="Took the place", actor=editor.user)
    before = snapshot(matrix)
    with pytest.raises(core_errors.InvalidInput):
        services.activity_restore(matrix=matrix, seq=seq, actor=editor.user)
    assert snapshot(matrix) == before


def huge_template(workspace, *, roles: int, activities: int) -> Template:
    template = Template.objects.create(workspace=workspace, name="Everyone", slug="everyone")
    TemplateRole.objects.bulk_create(
        [TemplateRole(template=template, code=f"T{i}", name=f"Team {i}", order=i) for i in range(roles)]
    )
    TemplateActivity.objects.bulk_create(
        [
            TemplateActivity(template=template, name=f"Task {i}", order=i, letters={"T0": "AR"})
            for i in range(activities)
        ]
    )
    return template


def test_a_template_past_the_limits_is_not_copied(editor):
    template = huge_template(editor.workspace, roles=61, activities=2)
    with pytest.raises(core_errors.InvalidInput) as refused:
        services.matrix_create(workspace=editor.workspace, name="Copy", template=template, actor=editor.user)
    assert refused.value.field == "template"
    assert (
        refused.value.message
        == "The template “Everyone” is too big to copy: it has 61 roles; a matrix holds at most 60."
    )
    assert not Matrix.objects.exists() and not Role.objects.exists()


def test_a_matrix_past_the_limits_is_not_saved_as_a_template(editor):
    # Only a matrix from before the limits can be this big.
    matrix, _, _ = build_matrix(editor.workspace, activities=1_001, roles=60, letters={})
    with pytest.raises(core_errors.InvalidInput) as refused:
        services.template_from_matrix(matrix=matrix, name="Big one", stage="scaleup")
    assert refused.value.message == (
        "This matrix is too big to save as a template: it has 1,001 activities × 60 roles "
        "= 60,060 cells; a matrix holds at most 60,000."
    )
    assert not Template.objects.exists()


# ---------------------------------------------------------------- views


def test_adding_an_activity_past_the_limit_by_htmx_is_422_in_the_grid(client, editor):
    matrix, _, _ = build_matrix(editor.workspace, activities=2_000, roles=1, letters={})
    url = reverse("raci:activity_add", args=[editor.workspace.slug, matrix.slug])
    response = client.post(url, {"name": "One more", "phase": "launch"}, headers=HX)
    assert response.status_code == 422
    page = response.content.decode()
    assert "<html" not in page and "at most 2,000 activities" in page
    assert Activity.objects.filter(matrix=matrix).count() == 2_000


def test_adding_an_activity_past_the_limit_by_plain_post_says_why_on_the_page(client, editor):
    matrix, _, _ = build_matrix(editor.workspace, activities=2_000, roles=1, letters={})
    url = reverse("raci:activity_add", args=[editor.workspace.slug, matrix.slug])
    response = client.post(url, {"name": "One more", "phase": "launch"})
    page = response.content.decode()
    assert response.status_code == 422 and 'value="One more"' in page
    error = page[page.index('id="new-activity-error"') :]
    assert "A matrix holds at most 2,000 activities and this one has 2,000; nothing was added." in error[:300]


def test_adding_a_role_column_past_the_limit_by_htmx_is_422(client, editor):
    matrix, _, _ = build_matrix(editor.workspace, activities=2, roles=60, letters={})
    url = reverse("raci:column_add", args=[editor.workspace.slug, matrix.slug])
    response = client.post(url, {"name": "Legal", "code": "LEG"}, headers=HX)
    assert response.status_code == 422 and "at most 60 roles" in response.content.decode()
    assert not Role.objects.filter(code="LEG").exists()


def test_a_new_matrix_from_a_template_past_the_limits_is_a_form_error(client, editor):
    template = huge_template(editor.workspace, roles=30, activities=2_001)
    url = reverse("raci:matrix_new", args=[editor.workspace.slug])
    response = client.post(url, {"name": "Copy", "template": template.pk})
    assert response.status_code == 422
    assert "too big to copy: it has 2,001 activities; a matrix holds at most 2,000." in response.content.decode()
    assert not Matrix.objects.exists()


def test_saving_a_matrix_past_the_limits_as_a_template_says_why(client, editor):
    matrix, _, _ = build_matrix(editor.workspace, activities=2_001, roles=1, letters={})
    url = reverse("raci:matrix_save_template", args=[editor.workspace.slug, matrix.slug])
    response = client.post(url, {"template-name": "Big", "template-stage": "scaleup"}, follow=True)
    assert "too big to save as a template" in response.content.decode()
    assert not Template.objects.exists()
