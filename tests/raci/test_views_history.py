import pytest
from django.urls import reverse

from raci import services
from raci.models import Activity, Cell, Column
from tests.factories import MembershipFactory, build_matrix

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(client):
    me = MembershipFactory(access="editor")
    other = MembershipFactory(workspace=me.workspace, access="editor")
    matrix, acts, roles = build_matrix(me.workspace, activities=3, roles=3)
    client.force_login(me.user)
    return me, other, matrix, acts, roles


def history(client, matrix, query=""):
    return client.get(reverse("raci:history", args=[matrix.workspace.slug, matrix.slug]) + query).content.decode()


def test_history_lists_who_what_before_and_after(client, setup):
    me, other, matrix, acts, roles = setup
    services.cell_set(
        matrix=matrix, activity_id=acts[0].pk, role_id=roles[1].pk, value="A", expected_version=1, actor=other.user
    )
    html = history(client, matrix)
    assert other.user.first_name in html and f"Activity 0 × {roles[1].code}" in html
    assert '<span class="c vC">C</span>' in html and '<span class="c vA">A</span>' in html


def test_history_filters_by_person_activity_and_role(client, setup):
    me, other, matrix, acts, roles = setup
    services.cell_set(
        matrix=matrix, activity_id=acts[0].pk, role_id=roles[1].pk, value="A", expected_version=1, actor=other.user
    )
    services.cell_set(
        matrix=matrix, activity_id=acts[1].pk, role_id=roles[2].pk, value="R", expected_version=1, actor=me.user
    )
    assert "Activity 1 ×" not in history(client, matrix, f"?person={other.user_id}")
    assert "Activity 0 ×" not in history(client, matrix, f"?activity={acts[1].pk}")
    cell = history(client, matrix, f"?activity={acts[0].pk}&role={roles[1].pk}")
    assert "Activity 0 ×" in cell and "Activity 1 ×" not in cell


def test_history_is_paginated(client, setup):
    me, _, matrix, acts, roles = setup
    for i in range(60):
        version = Cell.objects.get(activity=acts[0], role=roles[1]).version
        services.cell_set(
            matrix=matrix,
            activity_id=acts[0].pk,
            role_id=roles[1].pk,
            value="R" if i % 2 else "I",
            expected_version=version,
            actor=me.user,
        )
    first = history(client, matrix)
    assert "Page 1 of 2" in first and ">60<" in first and ">10<" not in first
    assert ">1<" in history(client, matrix, "?page=2")


def test_a_removed_activity_comes_back_with_its_letters(client, setup):
    me, _, matrix, acts, roles = setup
    services.activity_delete(matrix=matrix, activity_id=acts[1].pk, actor=me.user)
    seq = matrix.last_seq
    assert "Restore" in history(client, matrix)
    response = client.post(
        reverse("raci:history_restore", args=[matrix.workspace.slug, matrix.slug, seq]), {"what": "activity"}
    )
    assert response.status_code == 302
    restored = Activity.objects.get(matrix=matrix, name="Activity 1")
    assert dict(restored.cells.values_list("role__code", "value")) == {
        roles[0].code: "C",
        roles[1].code: "AR",
        roles[2].code: "C",
    }


def test_restoring_over_a_new_activity_of_the_same_name_says_so(client, setup):
    me, _, matrix, acts, _ = setup
    services.activity_delete(matrix=matrix, activity_id=acts[1].pk, actor=me.user)
    seq = matrix.last_seq
    services.activity_add(matrix=matrix, name="Activity 1", phase="strategy", actor=me.user)
    response = client.post(
        reverse("raci:history_restore", args=[matrix.workspace.slug, matrix.slug, seq]),
        {"what": "activity"},
        follow=True,
    )
    assert "already an activity" in response.content.decode()


def test_a_removed_column_comes_back(client, setup):
    me, _, matrix, _, roles = setup
    services.column_remove(matrix=matrix, role_id=roles[2].pk, actor=me.user)
    seq = matrix.last_seq
    client.post(reverse("raci:history_restore", args=[matrix.workspace.slug, matrix.slug, seq]), {"what": "column"})
    assert Column.objects.filter(matrix=matrix, role=roles[2]).exists()


def test_restore_of_an_unknown_point_is_404(client, setup):
    _, _, matrix, _, _ = setup
    url = reverse("raci:history_restore", args=[matrix.workspace.slug, matrix.slug, 999])
    assert client.post(url, {"what": "activity"}).status_code == 404


def test_a_split_and_a_new_owner_read_in_words_with_no_internal_id(client, setup):
    me, other, matrix, acts, roles = setup
    services.activity_split(
        matrix=matrix, activity_id=acts[0].pk, input_role_id=roles[0].pk, outcome_role_id=roles[1].pk, actor=me.user
    )
    services.matrix_set_owner(matrix=matrix, owner_id=other.user_id, actor=me.user)
    html = history(client, matrix)
    assert "outcome_id" not in html and "<dt>outcome</dt>" in html
    assert f"<dt>owner</dt><dd>{other.display_name}</dd>" in html
