"""Polls answered from the live feed: each edit made on the page is worked out once, by
its own answer, and a poll for k such edits reads k cache entries, not the matrix."""

import re

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import reverse

from raci import live_feed, paging, services
from raci.models import Cell
from raci.views import live as live_views
from tests.factories import MembershipFactory, build_matrix
from tests.queries import queries_of
from tests.raci.test_views_changes import _watch_reads, changes_url

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true"}


@pytest.fixture
def room(client, django_capture_on_commit_callbacks):
    """A 12 x 6 matrix: `client` polls as one editor, `other` edits on the page (each edit
    committed, as a request outside a test's transaction is)."""
    me = MembershipFactory(access="editor")
    them = MembershipFactory(workspace=me.workspace, access="editor")
    matrix, acts, roles = build_matrix(me.workspace, activities=12, roles=6)
    client.force_login(me.user)
    other = Client()
    other.force_login(them.user)
    other.committed = django_capture_on_commit_callbacks
    return me, them, other, matrix, acts, roles


def _edit_on_page(other, matrix, activity, role, value):
    version = Cell.objects.filter(activity=activity, role=role).values_list("version", flat=True).first() or 0
    url = reverse("raci:cell", args=[matrix.workspace.slug, matrix.slug, activity.pk, role.pk])
    with other.committed(execute=True):
        response = other.post(url, {"value": value, "version": version}, headers=HX)
    assert response.status_code == 200, response.content


def _last_seq(matrix):
    matrix.refresh_from_db()
    return matrix.last_seq


def test_a_poll_for_edits_made_on_the_page_reads_nothing_of_the_matrix(client, room, monkeypatch):
    _, _, other, matrix, acts, roles = room
    for i, value in enumerate(["A", "R", "C", "I", ""]):
        _edit_on_page(other, matrix, acts[i], roles[i], value)
    last = _last_seq(matrix)
    url = changes_url(matrix, 0) + f"&panel={last}"
    read = _watch_reads(monkeypatch)
    response, queries = queries_of(lambda: client.get(url, headers=HX))
    html = response.content.decode()
    assert read["rows"] == 0 and len(queries) <= 2, "\n".join(q[:300] for q in queries)  # the user and the matrix
    assert all(f'id="c-{acts[i].pk}-{roles[i].pk}"' in html for i in range(5)), html
    assert f'id="rb-{acts[0].pk}"' in html and f'id="cb-{roles[4].pk}"' in html and f"since={last}" in html


def test_the_feed_answers_exactly_as_the_matrix_would(client, room):
    _, _, other, matrix, acts, roles = room
    # The same cell twice, two A's in one row, a column emptied: newest state wins.
    for activity, role, value in [
        (0, 0, "A"),
        (0, 1, "A"),
        (0, 0, "R"),
        (3, 2, ""),
        (4, 2, ""),
        (5, 5, "A"),
        (0, 1, "C"),
        (7, 2, "I"),
    ]:
        _edit_on_page(other, matrix, acts[activity], roles[role], value)
    url = changes_url(matrix, 0)
    assert live_feed.edits_between(matrix_id=matrix.pk, since=0, upto=_last_seq(matrix)) is not None
    fed = client.get(url, headers=HX).content.decode()
    cache.clear()  # the feed and the shared answers gone: the answer is worked out from the matrix
    worked_out = client.get(url, headers=HX).content.decode()
    fed_swaps, worked_out_swaps = _swaps(fed), _swaps(worked_out)
    assert "remote" in fed and all(worked_out_swaps[key] == html for key, html in fed_swaps.items())
    # Left out: only the badges of columns whose edits were all C, I or empty, which cannot
    # have changed; here column 2 (emptied twice, then I) keeps its badge.
    assert set(worked_out_swaps) - set(fed_swaps) == {f"cb-{roles[2].pk}"}


def _swaps(html):
    """The answer's top-level swaps by element id (cells, badges, counts, the poller), and
    the toast naming who changed the matrix."""
    html, _, toast = html.partition('<div hx-swap-oob="beforeend:#toasts">')
    starts = [m.start() for m in re.finditer(r'<(?:a|span|div) id="(?:c-|rb-|cb-|finding-counts|live)', html)]
    chunks = [html[a:b] for a, b in zip(starts, [*starts[1:], len(html)], strict=True)]
    return {re.match(r'<\w+ id="([^"]+)"', chunk).group(1): chunk for chunk in chunks} | {"toast": toast}


def test_a_viewer_gets_read_only_cells_from_the_feed(client, room):
    me, _, other, matrix, acts, roles = room
    _edit_on_page(other, matrix, acts[0], roles[1], "R")
    viewer = MembershipFactory(workspace=me.workspace, access="viewer")
    client.force_login(viewer.user)
    html = client.get(changes_url(matrix, 0), headers=HX).content.decode()
    assert f'<span id="c-{acts[0].pk}-{roles[1].pk}"' in html and "<a id=" not in html


def test_a_range_with_a_change_made_another_way_is_worked_out_from_the_matrix(client, room):
    _, them, other, matrix, acts, roles = room
    _edit_on_page(other, matrix, acts[0], roles[0], "I")
    matrix.refresh_from_db()
    services.cell_set(
        matrix=matrix, activity_id=acts[1].pk, role_id=roles[1].pk, value="R", expected_version=1, actor=them.user
    )  # not through the page: not in the feed
    _edit_on_page(other, matrix, acts[2], roles[2], "C")
    assert live_feed.edits_between(matrix_id=matrix.pk, since=0, upto=_last_seq(matrix)) is None
    html = client.get(changes_url(matrix, 0), headers=HX).content.decode()
    assert all(
        f'id="c-{acts[i].pk}-{roles[i].pk}" class="c v{v} remote"' in html for i, v in [(0, "I"), (1, "R"), (2, "C")]
    )


def test_a_structural_change_in_the_range_sends_the_grid(client, room):
    _, them, other, matrix, acts, roles = room
    _edit_on_page(other, matrix, acts[0], roles[0], "I")
    matrix.refresh_from_db()
    services.activity_add(matrix=matrix, name="Battlecards", phase="launch", actor=them.user)
    html = client.get(changes_url(matrix, 0), headers=HX).content.decode()
    assert '<div id="grid" class="grid-wrap"' in html and "Battlecards" in html


def test_a_paged_matrix_is_answered_from_the_matrix(client, room, monkeypatch):
    _, _, other, matrix, acts, roles = room
    _edit_on_page(other, matrix, acts[0], roles[0], "I")
    monkeypatch.setattr(paging, "CELL_BUDGET", 12)  # a page of a few rows
    matrix.refresh_from_db()
    assert live_views._fed_changes(matrix, since=0, editable=True, page=1) is None
    assert 'class="c vI remote"' in client.get(changes_url(matrix, 0), headers=HX).content.decode()


def test_an_edit_rolled_back_leaves_nothing_in_the_feed(room, django_capture_on_commit_callbacks):
    _, _, _, matrix, acts, roles = room
    edit = live_feed.CellEdit(acts[0].pk, roles[0].pk, "R", 2, "", "", None, "", 12, 6)
    with transaction.atomic():
        live_feed.record(matrix_id=matrix.pk, seq=1, edit=edit)
        transaction.set_rollback(True)
    assert live_feed.edits_between(matrix_id=matrix.pk, since=0, upto=1) is None
    with django_capture_on_commit_callbacks(execute=True):
        live_feed.record(matrix_id=matrix.pk, seq=1, edit=edit)
    assert live_feed.edits_between(matrix_id=matrix.pk, since=0, upto=1) == [edit]
