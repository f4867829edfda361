"""The open page polls for others' edits: GET changes/?since=N."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from raci import rules, services
from raci.models import Cell
from raci.selectors import cells as selector_cells
from raci.views import live as live_views
from tests.factories import MembershipFactory, build_matrix
from tests.queries import assert_same_queries, queries_of

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


def test_nothing_new_is_204_for_two_queries(client, two_editors):
    _, _, matrix, _, _ = two_editors
    client.get(reverse("raci:matrix", args=[matrix.workspace.slug, matrix.slug]))
    response, queries = queries_of(lambda: client.get(changes_url(matrix, 0), headers=HX))
    assert response.status_code == 204 and len(queries) <= 2


def test_anothers_cell_edit_arrives_with_its_badges_and_their_name(client, two_editors):
    _, other, matrix, acts, roles = two_editors
    services.cell_set(
        matrix=matrix, activity_id=acts[0].pk, role_id=roles[1].pk, value="A", expected_version=1, actor=other.user
    )
    html = client.get(changes_url(matrix, 0), headers=HX).content.decode()
    assert f'id="c-{acts[0].pk}-{roles[1].pk}" class="c vA remote"' in html
    assert 'data-v="2" hx-swap-oob="true"' in html
    assert f'id="rb-{acts[0].pk}" class="badge-slot" hx-swap-oob="true"' in html
    assert "multiple-accountable" in html
    assert f"{other.user.first_name} changed the matrix" in html
    assert 'hx-get="/w/' in html and "since=1" in html


def test_own_edits_are_not_sent_back_only_the_sequence_moves_on(client, two_editors):
    me, _, matrix, acts, roles = two_editors
    services.cell_set(
        matrix=matrix, activity_id=acts[0].pk, role_id=roles[1].pk, value="I", expected_version=1, actor=me.user
    )
    html = client.get(changes_url(matrix, 0), headers=HX).content.decode()
    assert "changed the matrix" not in html and "remote" not in html and "since=1" in html


def test_own_structural_change_does_not_redraw_the_grid_being_edited(client, two_editors):
    me, _, matrix, _, _ = two_editors
    services.activity_add(matrix=matrix, name="Battlecards", phase="launch", actor=me.user)
    html = client.get(changes_url(matrix, 0), headers=HX).content.decode()
    assert 'id="grid"' not in html and "since=1" in html


def test_others_changes_beside_mine_are_sent(client, two_editors):
    me, other, matrix, acts, roles = two_editors
    services.cell_set(
        matrix=matrix, activity_id=acts[0].pk, role_id=roles[1].pk, value="I", expected_version=1, actor=me.user
    )
    services.cell_set(
        matrix=matrix, activity_id=acts[1].pk, role_id=roles[1].pk, value="R", expected_version=1, actor=other.user
    )
    html = client.get(changes_url(matrix, 0), headers=HX).content.decode()
    assert "vI remote" in html and "vR remote" in html and f"{other.user.first_name} changed the matrix" in html


def test_a_structural_change_sends_the_whole_grid(client, two_editors):
    _, other, matrix, _, _ = two_editors
    services.activity_add(matrix=matrix, name="Battlecards", phase="launch", actor=other.user)
    html = client.get(changes_url(matrix, 0), headers=HX).content.decode()
    assert '<div id="grid" class="grid-wrap"' in html and "Battlecards" in html and "it was reloaded" in html


def test_only_changes_after_since_are_sent(client, two_editors):
    _, other, matrix, acts, roles = two_editors
    services.cell_set(
        matrix=matrix, activity_id=acts[0].pk, role_id=roles[1].pk, value="I", expected_version=1, actor=other.user
    )
    services.cell_set(
        matrix=matrix, activity_id=acts[1].pk, role_id=roles[2].pk, value="I", expected_version=1, actor=other.user
    )
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
    services.cell_set(
        matrix=matrix, activity_id=acts[0].pk, role_id=roles[1].pk, value="R", expected_version=1, actor=other.user
    )
    html = client.get(changes_url(matrix, 0), headers=HX).content.decode()
    assert f'<span id="c-{acts[0].pk}-{roles[1].pk}"' in html and "<a id=" not in html


# --- staying live costs what changed, and is shared ------------------------------------


@pytest.fixture
def workshop(client):
    """A 60 x 10 matrix, one editor polling and another editing."""
    me = MembershipFactory(access="editor")
    other = MembershipFactory(workspace=me.workspace, access="editor")
    matrix, acts, roles = build_matrix(me.workspace, activities=60, roles=10)
    client.force_login(me.user)
    return me, other, matrix, acts, roles


def _edit(matrix, other, activity, role, value):
    matrix.refresh_from_db()
    version = Cell.objects.filter(activity=activity, role=role).values_list("version", flat=True).first() or 0
    services.cell_set(
        matrix=matrix, activity_id=activity.pk, role_id=role.pk, value=value, expected_version=version, actor=other.user
    )


def _watch_reads(monkeypatch):
    """Count the rows every grid read fetches; a full check of the matrix fails the test."""
    read = {"rows": 0}
    fetch = selector_cells._fetch

    def counting(queryset):
        rows = fetch(queryset)
        read["rows"] += len(rows)
        return rows

    def no_full_check(*args, **kwargs):
        raise AssertionError("the poll checked the whole matrix")

    monkeypatch.setattr(selector_cells, "_fetch", counting)
    monkeypatch.setattr(rules, "check", no_full_check)
    return read


def test_a_poll_reads_only_the_changed_cells_rows_and_columns(client, workshop, monkeypatch):
    _, other, matrix, acts, roles = workshop
    monkeypatch.setattr(live_views, "PANEL_FRESH_SECONDS", 3600)
    live_views.panel_shared(matrix, editable=True)  # the shared panel is built once, here
    for i in range(3):
        _edit(matrix, other, acts[10 + i], roles[5], "C" if i % 2 else "R")
    read = _watch_reads(monkeypatch)
    html = client.get(changes_url(matrix, 0), headers=HX).content.decode()
    assert all(f'id="c-{acts[10 + i].pk}-{roles[5].pk}"' in html for i in range(3))
    assert f'id="rb-{acts[11].pk}"' in html and f'id="cb-{roles[5].pk}"' in html
    # 3 events, 10 columns, 3 rows of 10 cells, one column of 60: far from the 600 cells.
    assert read["rows"] <= 3 + 10 + 3 * 10 + 60


def test_the_queries_of_a_poll_do_not_grow_with_the_changes(client, workshop, monkeypatch):
    _, other, matrix, acts, roles = workshop
    monkeypatch.setattr(live_views, "PANEL_FRESH_SECONDS", 3600)
    live_views.panel_shared(matrix, editable=True)
    values = {1: "I", 8: "R"}

    def build(k):
        matrix.refresh_from_db()
        since = matrix.last_seq
        for i in range(k):
            _edit(matrix, other, acts[i], roles[i % 10], values[k])
        return changes_url(matrix, since) + f"&panel={since + k}"

    def check(response, k):
        assert response.content.decode().count(f'class="c v{values[k]} remote"') == k

    assert_same_queries(build, lambda url: client.get(url, headers=HX), sizes=(1, 8), check=check)


def test_viewers_at_the_same_change_share_one_answer(client, workshop, monkeypatch):
    me, other, matrix, acts, roles = workshop
    third = MembershipFactory(workspace=me.workspace, access="editor")
    _edit(matrix, other, acts[0], roles[1], "A")
    first = client.get(changes_url(matrix, 0), headers=HX).content.decode()
    read = _watch_reads(monkeypatch)
    client.force_login(third.user)
    response, queries = queries_of(lambda: client.get(changes_url(matrix, 0), headers=HX))
    second = response.content.decode()
    assert read["rows"] == 0 and len(queries) <= 2  # the user and the matrix, nothing more
    assert first == second and f"{other.user.first_name} changed the matrix" in second


def test_a_viewer_does_not_get_the_editors_shared_answer(client, workshop):
    me, other, matrix, acts, roles = workshop
    viewer = MembershipFactory(workspace=me.workspace, access="viewer")
    _edit(matrix, other, acts[0], roles[1], "A")
    assert f'<a id="c-{acts[0].pk}-{roles[1].pk}"' in client.get(changes_url(matrix, 0), headers=HX).content.decode()
    client.force_login(viewer.user)
    html = client.get(changes_url(matrix, 0), headers=HX).content.decode()
    assert f'<span id="c-{acts[0].pk}-{roles[1].pk}"' in html and "<a id=" not in html


def test_a_change_by_the_same_person_is_not_announced_to_them_from_a_shared_answer(client, workshop):
    me, other, matrix, acts, roles = workshop
    _edit(matrix, other, acts[0], roles[1], "A")
    _edit(matrix, me, acts[1], roles[1], "A")
    client.force_login(other.user)
    html = client.get(changes_url(matrix, 0), headers=HX).content.decode()
    assert f'role="status">{me.user.first_name} changed the matrix.' in html
    client.force_login(me.user)
    assert (
        f"{other.user.first_name} changed the matrix" in client.get(changes_url(matrix, 0), headers=HX).content.decode()
    )


def test_a_behind_findings_panel_catches_up_on_a_later_poll(client, workshop, monkeypatch):
    _, other, matrix, acts, roles = workshop
    monkeypatch.setattr(live_views, "PANEL_FRESH_SECONDS", 3600)
    live_views.panel_shared(matrix, editable=True)  # the shared panel as of seq 0
    _edit(matrix, other, acts[0], roles[1], "A")
    html = client.get(changes_url(matrix, 0) + "&panel=0", headers=HX).content.decode()
    assert 'id="findings-panel"' not in html and 'id="rb-' in html  # the panel is shared and fresh enough
    monkeypatch.setattr(live_views, "PANEL_FRESH_SECONDS", 0)
    html = client.get(changes_url(matrix, 1) + "&panel=0", headers=HX).content.decode()
    assert '<section id="findings-panel" hx-swap-oob="true"' in html and "multiple-accountable" in html
    assert 'name="panel" value="1"' in html
    assert client.get(changes_url(matrix, 1) + "&panel=1", headers=HX).status_code == 204


def test_while_one_request_rebuilds_the_panel_the_others_answer_with_the_one_they_have(workshop, monkeypatch):
    _, other, matrix, acts, roles = workshop
    live_views.panel_shared(matrix, editable=True)  # the shared panel as of seq 0
    _edit(matrix, other, acts[0], roles[1], "A")
    monkeypatch.setattr(live_views, "PANEL_FRESH_SECONDS", 0)
    cache.add(f"live-panel:{matrix.pk}:1:building", 1, 60)  # another request is rebuilding it
    read = _watch_reads(monkeypatch)
    assert live_views.panel_shared(matrix, editable=True)["seq"] == 0 and read["rows"] == 0
    cache.delete(f"live-panel:{matrix.pk}:1:building")  # done (or gone): the next one rebuilds
    monkeypatch.undo()
    monkeypatch.setattr(live_views, "PANEL_FRESH_SECONDS", 0)
    assert live_views.panel_shared(matrix, editable=True)["seq"] == matrix.last_seq == 1


def test_the_open_page_polls_within_a_second_and_sends_its_panels_change(client, workshop):
    _, _, matrix, _, _ = workshop
    html = client.get(reverse("raci:matrix", args=[matrix.workspace.slug, matrix.slug])).content.decode()
    assert 'hx-trigger="every 800ms, live-fetch" hx-include="#panel-seq"' in html
    assert f'id="panel-seq" name="panel" value="{matrix.last_seq}"' in html


@pytest.mark.django_db
def test_a_viewer_is_never_shown_the_editors_fix_buttons_in_the_shared_panel(client):
    editor = MembershipFactory(access="editor")
    matrix, acts, roles = build_matrix(editor.workspace, activities=3, roles=2, letters={(0, 0): "A", (0, 1): "A"})
    editors = live_views.panel_shared(matrix, editable=True)["html"]
    viewer = MembershipFactory(workspace=editor.workspace, access="viewer")
    viewers = live_views.panel_shared(matrix, editable=False)["html"]
    assert 'class="fix-buttons"' in editors and 'class="fix-buttons"' not in viewers
    client.force_login(viewer.user)
    page = client.get(
        reverse("raci:findings", args=[matrix.workspace.slug, matrix.slug]), headers={"HX-Request": "true"}
    ).content.decode()
    assert 'class="fix-buttons"' not in page
