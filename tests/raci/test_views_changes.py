"""The open page polls for others' edits: GET changes/?since=N."""

import pytest
from django.urls import reverse

from raci import services
from tests.factories import MembershipFactory, build_matrix

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true"}


@pytest.fixture
def two_editors(client):
    me = MembershipFactory(access="editor")
    other = MembershipFactory(workspace=me.workspace, access="editor")
    matrix, acts, roles = build_matrix(me.workspace, activities=3, roles=3)
    client.force_login(me.user)
    return me, other, matrix, acts, roles


def changes_url(matrix, since):
    return reverse("raci:changes", args=[matrix.workspace.slug, matrix.slug]) + f"?since={since}"


def test_nothing_new_is_204_for_two_queries(client, two_editors, django_assert_max_num_queries):
    _, _, matrix, _, _ = two_editors
    client.get(reverse("raci:matrix", args=[matrix.workspace.slug, matrix.slug]))
    with django_assert_max_num_queries(2):
        response = client.get(changes_url(matrix, 0), headers=HX)
    assert response.status_code == 204


def test_anothers_cell_edit_arrives_with_its_badges_and_their_name(client, two_editors):
    _, other, matrix, acts, roles = two_editors
    services.cell_set(matrix=matrix, activity_id=acts[0].pk, role_id=roles[1].pk, value="A", expected_version=1,
                      actor=other.user)
    html = client.get(changes_url(matrix, 0), headers=HX).content.decode()
    assert f'id="c-{acts[0].pk}-{roles[1].pk}" class="c vA remote"' in html
    assert 'data-v="2" hx-swap-oob="true"' in html
    assert f'id="rb-{acts[0].pk}" class="badge-slot" hx-swap-oob="true"' in html
    assert "multiple-accountable" in html
    assert f"{other.user.first_name} changed the matrix" in html
    assert 'hx-get="/w/' in html and "since=1" in html


def test_own_edits_do_not_announce_themselves(client, two_editors):
    me, _, matrix, acts, roles = two_editors
    services.cell_set(matrix=matrix, activity_id=acts[0].pk, role_id=roles[1].pk, value="I", expected_version=1,
                      actor=me.user)
    html = client.get(changes_url(matrix, 0), headers=HX).content.decode()
    assert "changed the matrix" not in html and "vI remote" in html


def test_a_structural_change_sends_the_whole_grid(client, two_editors):
    _, other, matrix, _, _ = two_editors
    services.activity_add(matrix=matrix, name="Battlecards", phase="launch", actor=other.user)
    html = client.get(changes_url(matrix, 0), headers=HX).content.decode()
    assert '<div id="grid" class="grid-wrap"' in html and "Battlecards" in html and "it was reloaded" in html


def test_only_changes_after_since_are_sent(client, two_editors):
    _, other, matrix, acts, roles = two_editors
    services.cell_set(matrix=matrix, activity_id=acts[0].pk, role_id=roles[1].pk, value="I", expected_version=1,
                      actor=other.user)
    services.cell_set(matrix=matrix, activity_id=acts[1].pk, role_id=roles[2].pk, value="I", expected_version=1,
                      actor=other.user)
    html = client.get(changes_url(matrix, 1), headers=HX).content.decode()
    assert f'id="c-{acts[1].pk}-{roles[2].pk}"' in html and f'id="c-{acts[0].pk}-{roles[1].pk}"' not in html


def test_a_deleted_matrix_stops_the_polling(client, two_editors):
    _, _, matrix, _, _ = two_editors
    url = changes_url(matrix, 0)
    matrix.delete()
    response = client.get(url, headers=HX)
    assert response.status_code == 404
    assert 'class="live gone"' in response.content.decode() and "hx-get" not in response.content.decode()


def test_viewers_get_read_only_cells(client, two_editors):
    me, other, matrix, acts, roles = two_editors
    viewer = MembershipFactory(workspace=me.workspace, access="viewer")
    client.force_login(viewer.user)
    services.cell_set(matrix=matrix, activity_id=acts[0].pk, role_id=roles[1].pk, value="R", expected_version=1,
                      actor=other.user)
    html = client.get(changes_url(matrix, 0), headers=HX).content.decode()
    assert f'<span id="c-{acts[0].pk}-{roles[1].pk}"' in html and "<a id=" not in html
