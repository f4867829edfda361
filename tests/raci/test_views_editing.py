"""The undo and paste endpoints: htmx answers patch the changed cells out of band with a
message; plain POSTs redirect (or show the paste form with the message at the field);
outsiders get 404 and viewers 403."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from raci import services
from raci.models import Cell, ChangeEvent
from tests.factories import MembershipFactory, build_matrix

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def editor(client):
    member = MembershipFactory(access="editor")
    client.force_login(member.user)
    return member


@pytest.fixture
def grid(editor):
    return build_matrix(editor.workspace, activities=3, roles=3)


def _url(name, matrix):
    return reverse(f"raci:{name}", args=[matrix.workspace.slug, matrix.slug])


def _value(activity, role):
    return Cell.objects.get(activity=activity, role=role).value


def _edit(matrix, activity, role, value, who):
    cell = Cell.objects.get(activity=activity, role=role)
    services.cell_set(
        matrix=matrix, activity_id=activity.pk, role_id=role.pk, value=value, expected_version=cell.version, actor=who
    )


def test_the_undo_button_is_shown_to_editors(client, grid):
    matrix, acts, roles = grid
    page = client.get(_url("matrix", matrix)).content.decode()
    assert 'id="undo-form"' in page and "Undo my last edit" in page and "Paste a block" in page


def test_a_viewer_does_not_see_the_undo_button_and_cannot_post(client, grid):
    matrix, acts, roles = grid
    viewer = MembershipFactory(workspace=matrix.workspace, access="viewer")
    client.force_login(viewer.user)
    assert "Undo my last edit" not in client.get(_url("matrix", matrix)).content.decode()
    assert client.post(_url("undo", matrix)).status_code == 403
    assert (
        client.post(
            _url("paste", matrix), {"activity": acts[0].pk, "role": roles[0].pk, "text": "R", "since": 0}
        ).status_code
        == 403
    )
    assert _value(acts[0], roles[0]) == "AR"


def test_an_outsider_gets_404_for_a_foreign_matrix(client, grid):
    matrix, acts, roles = grid
    client.force_login(MembershipFactory(access="admin").user)
    assert client.post(_url("undo", matrix)).status_code == 404
    assert (
        client.post(
            _url("paste", matrix), {"activity": acts[0].pk, "role": roles[0].pk, "text": "R", "since": 0}
        ).status_code
        == 404
    )
    assert client.get(_url("paste", matrix)).status_code == 404


def test_a_paste_starting_at_a_cell_of_another_matrix_is_404(client, editor, grid):
    matrix, acts, roles = grid
    other, other_acts, other_roles = build_matrix(editor.workspace, activities=1, roles=1, name="Other")
    response = client.post(
        _url("paste", matrix), {"activity": other_acts[0].pk, "role": other_roles[0].pk, "text": "R", "since": 0}
    )
    assert response.status_code == 404


def test_the_wrong_method_is_405(client, grid):
    matrix, acts, roles = grid
    assert client.get(_url("undo", matrix)).status_code == 405
    assert client.put(_url("paste", matrix)).status_code == 405


def test_htmx_undo_answers_the_cell_out_of_band_with_a_message(client, editor, grid):
    matrix, acts, roles = grid
    _edit(matrix, acts[0], roles[1], "R", editor.user)
    response = client.post(_url("undo", matrix), **HTMX)
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert f'id="c-{acts[0].pk}-{roles[1].pk}"' in body and 'hx-swap-oob="true"' in body
    assert 'id="finding-counts"' in body
    assert "Undo: Activity 0 × GRI1 set to R." in body
    assert response["HX-Trigger"] == "findings-changed"
    assert _value(acts[0], roles[1]) == "C"


def test_plain_undo_redirects_to_the_matrix_with_the_message(client, editor, grid):
    matrix, acts, roles = grid
    _edit(matrix, acts[0], roles[1], "R", editor.user)
    response = client.post(_url("undo", matrix), follow=True)
    assert response.redirect_chain[-1][0] == _url("matrix", matrix)
    assert "Undo: Activity 0 × GRI1 set to R." in response.content.decode()
    assert _value(acts[0], roles[1]) == "C"


def test_undo_refused_as_stale_is_409_saying_who_changed_what(client, editor, grid):
    matrix, acts, roles = grid
    ana = MembershipFactory(
        workspace=matrix.workspace, access="editor", user__first_name="Ana", user__last_name="Ortiz"
    )
    _edit(matrix, acts[0], roles[1], "R", editor.user)
    _edit(matrix, acts[0], roles[1], "I", ana.user)
    response = client.post(_url("undo", matrix), **HTMX)
    assert response.status_code == 409
    assert "Ana Ortiz set Activity 0 × GRI1 to I" in response.content.decode()
    assert _value(acts[0], roles[1]) == "I"


def test_nothing_to_undo_is_422_with_a_message(client, grid):
    matrix, acts, roles = grid
    response = client.post(_url("undo", matrix), **HTMX)
    assert response.status_code == 422
    assert "Nothing to undo" in response.content.decode()


def test_htmx_paste_answers_the_changed_cells_and_a_message(client, grid):
    matrix, acts, roles = grid
    response = client.post(
        _url("paste", matrix),
        {"activity": acts[1].pk, "role": roles[1].pk, "text": "R\tI\nI\tR\n", "since": matrix.last_seq},
        **HTMX,
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count('class="c v') >= 4 and "Paste of 2×2 cells." in body
    assert [
        _value(acts[1], roles[1]),
        _value(acts[1], roles[2]),
        _value(acts[2], roles[1]),
        _value(acts[2], roles[2]),
    ] == ["R", "I", "I", "R"]


def test_an_invalid_htmx_paste_is_422_with_the_message_and_changes_nothing(client, grid):
    matrix, acts, roles = grid
    response = client.post(
        _url("paste", matrix),
        {"activity": acts[0].pk, "role": roles[0].pk, "text": "R\tQ", "since": matrix.last_seq},
        **HTMX,
    )
    assert response.status_code == 422
    assert "“Q” in row “Activity 0”, column GRI1 is not a RACI value" in response.content.decode()
    assert not ChangeEvent.objects.filter(matrix=matrix).exists()


def test_a_plain_paste_form_shows_the_message_at_the_field_and_keeps_the_text(client, grid):
    matrix, acts, roles = grid
    page = client.get(_url("paste", matrix) + f"?activity={acts[1].pk}&role={roles[2].pk}").content.decode()
    assert f'<option value="{acts[1].pk}" selected>' in page
    response = client.post(
        _url("paste", matrix), {"activity": acts[1].pk, "role": roles[2].pk, "text": "R\tR", "since": matrix.last_seq}
    )
    body = response.content.decode()
    assert response.status_code == 422
    assert 'id="paste-error"' in body and "to its edge: nothing was pasted" in body
    assert "R\tR</textarea>" in body


def test_a_plain_paste_redirects_to_the_matrix(client, grid):
    matrix, acts, roles = grid
    response = client.post(
        _url("paste", matrix), {"activity": acts[0].pk, "role": roles[0].pk, "text": "I", "since": matrix.last_seq}
    )
    assert response.status_code == 302 and response["Location"] == _url("matrix", matrix)
    assert _value(acts[0], roles[0]) == "I"


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"activity": "x", "role": "1", "text": "R"},
        {"activity": "1" * 40, "role": "1", "text": "R"},
        {"activity": "1", "role": "²", "text": "R"},
    ],
)
def test_missing_or_malformed_ids_are_refused_at_the_form_never_500(client, grid, data):
    matrix, acts, roles = grid
    response = client.post(_url("paste", matrix), data)
    assert response.status_code in (404, 422)
    if response.status_code == 422:
        assert "Pick the activity and the role" in response.content.decode()


def test_others_see_an_undo_through_the_live_refresh_as_cells(client, editor, grid):
    matrix, acts, roles = grid
    _edit(matrix, acts[0], roles[1], "R", editor.user)
    matrix.refresh_from_db()
    since = matrix.last_seq
    client.post(_url("undo", matrix), **HTMX)
    other = MembershipFactory(workspace=matrix.workspace, access="editor")
    client.force_login(other.user)
    body = client.get(_url("changes", matrix) + f"?since={since}", **HTMX).content.decode()
    assert f'id="c-{acts[0].pk}-{roles[1].pk}"' in body
    assert 'id="grid"' not in body  # only the cell, not the whole grid


def test_undo_of_a_paste_costs_the_same_queries_for_5_and_50_rows(client, editor):
    counts = []
    for n, name in ((5, "Five"), (50, "Fifty")):
        matrix, acts, roles = build_matrix(editor.workspace, activities=n, roles=2, name=name)
        services.cells_paste(
            matrix=matrix,
            activity_id=acts[0].pk,
            role_id=roles[0].pk,
            text="\n".join(["I"] * n),
            since=0,
            actor=editor.user,
        )
        with CaptureQueriesContext(connection) as captured:
            assert client.post(_url("undo", matrix), **HTMX).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_undo_of_a_big_paste_answers_the_whole_grid(client, editor):
    matrix, acts, roles = build_matrix(editor.workspace, activities=60, roles=2, name="Big")
    services.cells_paste(
        matrix=matrix,
        activity_id=acts[0].pk,
        role_id=roles[0].pk,
        text="\n".join(["I\tR"] * 60),
        since=0,
        actor=editor.user,
    )
    response = client.post(_url("undo", matrix), **HTMX)
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="grid"' in body and 'hx-swap-oob="true"' in body and "Undo: Paste of 60×2 cells." in body
    assert Cell.objects.get(activity=acts[59], role=roles[1]).value == "AR"


def test_a_paste_into_the_rows_with_findings_view_is_refused_rows_between_are_hidden(client, grid):
    matrix, acts, roles = grid
    response = client.post(
        _url("paste", matrix),
        {"activity": acts[0].pk, "role": roles[0].pk, "text": "I\nI", "since": matrix.last_seq},
        HTTP_HX_CURRENT_URL="http://testserver" + _url("matrix", matrix) + "?only=findings",
        **HTMX,
    )
    assert response.status_code == 422
    assert "Show all activities" in response.content.decode()
    assert not ChangeEvent.objects.filter(matrix=matrix).exists()


def test_redo_takes_back_the_undo_and_a_viewer_cannot(client, editor, grid):
    matrix, acts, roles = grid
    _edit(matrix, acts[0], roles[1], "R", editor.user)
    client.post(_url("undo", matrix), **HTMX)
    response = client.post(_url("redo", matrix), **HTMX)
    assert response.status_code == 200 and "Redo: Activity 0 × GRI1 set to R." in response.content.decode()
    assert _value(acts[0], roles[1]) == "R"
    assert client.post(_url("redo", matrix), **HTMX).status_code == 422
    client.force_login(MembershipFactory(workspace=matrix.workspace, access="viewer").user)
    assert client.post(_url("redo", matrix)).status_code == 403


def test_a_paste_on_a_page_of_a_big_matrix_stops_at_the_pages_last_row_saying_where_it_spilled(
    client, editor, monkeypatch
):
    from raci import paging, selectors

    monkeypatch.setattr(paging, "CELL_BUDGET", 9)  # three rows of three roles a page
    matrix, acts, roles = build_matrix(editor.workspace, activities=5, roles=3)
    order = sorted(acts, key=lambda a: selectors.activity_positions(matrix=matrix)[a.pk])
    page_url = "http://testserver" + _url("matrix", matrix)
    response = client.post(
        _url("paste", matrix),
        {"activity": order[1].pk, "role": roles[0].pk, "text": "R\nR\nR", "since": matrix.last_seq},
        HTTP_HX_CURRENT_URL=page_url,
        **HTMX,
    )
    body = response.content.decode()
    assert response.status_code == 422 and "Nothing was pasted" in body
    assert f"last row (“{order[2].name}”, row 3); 1 row would land on page 2, from “{order[3].name}”" in body
    assert not ChangeEvent.objects.filter(matrix=matrix).exists()
    # On the page that shows them, the same rows take the block.
    response = client.post(
        _url("paste", matrix),
        {"activity": order[3].pk, "role": roles[0].pk, "text": "R\nR", "since": matrix.last_seq},
        HTTP_HX_CURRENT_URL=page_url + "?page=2",
        **HTMX,
    )
    assert response.status_code == 200 and _value(order[4], roles[0]) == "R"


def test_undo_of_a_cell_whose_row_someone_removed_is_refused_in_place_and_saves_nothing(client, editor, grid):
    matrix, acts, roles = grid
    ana = MembershipFactory(workspace=matrix.workspace, access="editor")
    _edit(matrix, acts[0], roles[1], "R", editor.user)
    services.activity_delete(matrix=matrix, activity_id=acts[0].pk, actor=ana.user)
    response = client.post(_url("undo", matrix), **HTMX)
    # The row is gone, so the undo is refused with the error's own status, 404, as every other
    # change to a vanished row is (it used to answer 409 here, unlike the rest).
    assert response.status_code == 404 and "was not applied" in response.content.decode()
    assert not ChangeEvent.objects.filter(matrix=matrix, kind="undo").exists()
