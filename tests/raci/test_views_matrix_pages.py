"""A big matrix's page shows at most about 3,000 cells at once; pager links work without
htmx; edits, the live refresh and the findings stay right on any page."""

import re

import pytest
from django.urls import reverse

from raci import services
from raci.models import Activity, Cell, Matrix
from tests.factories import MembershipFactory, build_matrix
from tests.module_rows import rows_for_the_module
from tests.queries import assert_same_queries
from workspaces.models import Membership, Role

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true"}
ROW = re.compile(r'<tr id="row-(\d+)"')
CELL = re.compile(r'<(?:a|span) id="c-\d+-\d+"')


@pytest.fixture
def big(editor):
    """2,000 activities x 10 roles: 20,000 cells, 300 activities (3,000 cells) a page."""
    return build_matrix(editor.workspace, activities=2000, roles=10, name="Big")


def _mid() -> tuple[int, int, list[int], list[int]]:
    editor = MembershipFactory(access="editor")
    matrix, acts, roles = build_matrix(editor.workspace, activities=700, roles=10, name="Mid")
    return editor.pk, matrix.pk, [a.pk for a in acts], [r.pk for r in roles]


@pytest.fixture(scope="module")
def mid_rows(django_db_setup, django_db_blocker):
    yield from rows_for_the_module(django_db_blocker, _mid)


@pytest.fixture
def mid(client, db, mid_rows):
    """Three pages: 700 activities x 10 roles, built once for the module (each test's writes
    are rolled back); the client is signed in as an editor of its workspace."""
    editor_pk, matrix_pk, act_pks, role_pks = mid_rows
    client.force_login(Membership.objects.select_related("user").get(pk=editor_pk).user)
    acts, roles = Activity.objects.in_bulk(act_pks), Role.objects.in_bulk(role_pks)
    matrix = Matrix.objects.select_related("workspace").get(pk=matrix_pk)
    return matrix, [acts[pk] for pk in act_pks], [roles[pk] for pk in role_pks]


def page_url(matrix, query=""):
    return reverse("raci:matrix", args=[matrix.workspace.slug, matrix.slug]) + query


def test_every_page_of_a_2000_by_10_matrix_shows_at_most_3000_cells_and_every_activity_once(client, big):
    matrix, acts, _ = big
    seen = []
    for number in range(1, 8):
        html = client.get(page_url(matrix, f"?page={number}")).content.decode()
        assert len(CELL.findall(html)) <= 3000
        seen += [int(pk) for pk in ROW.findall(html)]
    assert len(CELL.findall(client.get(page_url(matrix)).content.decode())) == 3000
    assert sorted(seen) == sorted(a.pk for a in acts) and len(seen) == len(set(seen)) == 2000
    html = client.get(page_url(matrix, "?page=2")).content.decode()
    assert "Activities 301–600 of 2,000" in html and "page 2 of 7" in html
    assert 'href="?page=1" rel="prev"' in html and 'href="?page=3" rel="next"' in html
    assert 'href="?page=7" aria-label="Page 7"' in html
    last = client.get(page_url(matrix, "?page=7")).content.decode()
    assert "Activities 1,801–2,000 of 2,000" in last and 'rel="next"' not in last


def test_the_only_findings_filter_pages_through_the_rows_with_findings(client, editor):
    matrix, acts, _ = build_matrix(
        editor.workspace, activities=700, roles=10, name="Half", letters={(i, 0): "AR" for i in range(1, 700, 2)}
    )
    html = client.get(page_url(matrix, "?only=findings&page=2")).content.decode()
    assert "Activities 301–350 of 350" in html and 'href="?page=1&amp;only=findings" rel="prev"' in html
    assert all(int(pk) in {a.pk for a in acts[0::2]} for pk in ROW.findall(html))


def test_phases_link_to_the_page_they_start_on(client, editor):
    matrix, acts, _ = build_matrix(editor.workspace, activities=700, roles=10, name="Phased")
    Activity.objects.filter(pk__in=[a.pk for a in acts[650:]]).update(phase="launch")
    html = client.get(page_url(matrix)).content.decode()
    assert 'href="?page=1" class="here">Strategy' in html and 'href="?page=3">Launch' in html
    third = client.get(page_url(matrix, "?page=3")).content.decode()
    assert "Strategy (continued)" in third and ">Launch</th>" in third and "Launch (continued)" not in third


HOSTILE = ["0", "-1", "abc", "99999999999999999999999", "1e3", "²", "٣", "3%0A", "%20", "1.5", "null", "[]", "9" * 5000]


def test_a_hostile_page_number_never_fails(client, editor):
    matrix, _, _ = build_matrix(editor.workspace, activities=700, roles=10, name="Hostile")
    changes = reverse("raci:changes", args=[matrix.workspace.slug, matrix.slug])
    for hostile in HOSTILE:
        response = client.get(page_url(matrix, f"?page={hostile}&person={hostile}&only={hostile}"))
        assert response.status_code == 200 and "page 1 of 3" in response.content.decode(), hostile
        assert client.get(f"{changes}?since={hostile}&page={hostile}", headers=HX).status_code in (200, 204), hostile


def test_a_nul_in_the_page_number_is_refused_before_the_matrix_is_read(client, editor):
    matrix, _, _ = build_matrix(editor.workspace, activities=10, roles=2, name="Nul")
    assert client.get(page_url(matrix, "?page=%00")).status_code == 400


def test_a_page_past_the_last_shows_the_last(client, editor):
    matrix, _, _ = build_matrix(editor.workspace, activities=700, roles=10, name="Past")
    assert "Activities 601–700 of 700" in client.get(page_url(matrix, "?page=4000")).content.decode()


def test_a_matrix_within_the_budget_has_no_pager(client, editor):
    matrix, _, _ = build_matrix(editor.workspace, activities=200, roles=15, name="Fits")
    html = client.get(page_url(matrix, "?page=2")).content.decode()
    assert 'class="pager' not in html and len(ROW.findall(html)) == 200


def test_a_paged_matrix_page_query_count_does_not_grow_with_its_size(client, editor):
    pages = {700: 2, 1400: 4}

    def build(activities):
        matrix, _, _ = build_matrix(editor.workspace, activities=activities, roles=10, name=f"M{activities}")
        client.get(page_url(matrix))  # warm the session cache
        return page_url(matrix, f"?page={pages[activities]}")

    def check(response, _):
        assert response.status_code == 200

    assert_same_queries(build, client.get, sizes=(700, 1400), at_most=12, check=check)


def test_counts_and_findings_are_for_the_whole_matrix_and_link_to_the_rows_page(client, editor):
    letters = {(i, 0): "AR" for i in range(700)}
    letters[650, 1] = "A"  # a second accountable on page 3
    matrix, acts, _ = build_matrix(editor.workspace, activities=700, roles=10, name="Found", letters=letters)
    html = client.get(page_url(matrix)).content.decode()
    assert "1 error" in html and "multiple-accountable" in html
    assert f'href="{page_url(matrix)}?page=3#row-{acts[650].pk}"' in html
    assert f'id="row-{acts[650].pk}"' not in html


def test_a_plain_cell_edit_returns_to_the_rows_page(client, mid):
    matrix, acts, roles = mid
    response = client.post(
        reverse("raci:cell", args=[matrix.workspace.slug, matrix.slug, acts[500].pk, roles[2].pk]),
        {"value": "I", "version": "1"},
    )
    assert response.status_code == 302 and response["Location"].endswith(f"?page=2#row-{acts[500].pk}")


def test_an_htmx_cell_edit_on_a_later_page_answers_with_the_cell_and_its_badges(client, mid):
    matrix, acts, roles = mid
    html = client.post(
        reverse("raci:cell", args=[matrix.workspace.slug, matrix.slug, acts[699].pk, roles[1].pk]),
        {"value": "A", "version": "1"},
        headers=HX,
    ).content.decode()
    assert html.startswith(f'<a id="c-{acts[699].pk}-{roles[1].pk}" class="c vA"')
    assert f'id="rb-{acts[699].pk}"' in html and "1 error" in html


def test_the_live_refresh_keeps_the_page_and_skips_cells_on_other_pages(client, mid):
    matrix, acts, roles = mid
    other = MembershipFactory(workspace=matrix.workspace, access="editor")
    page = client.get(page_url(matrix, "?page=2")).content.decode()
    live = re.search(r'hx-get="([^"]+changes/[^"]+)"', page).group(1).replace("&amp;", "&")
    assert "page=2" in live
    services.cell_set(
        matrix=matrix, activity_id=acts[0].pk, role_id=roles[3].pk, value="A", expected_version=1, actor=other.user
    )
    services.cell_set(
        matrix=matrix, activity_id=acts[400].pk, role_id=roles[4].pk, value="R", expected_version=1, actor=other.user
    )
    response = client.get(live, headers=HX)
    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="c-{acts[400].pk}-{roles[4].pk}" class="c vR remote"' in html
    assert f'id="c-{acts[0].pk}-{roles[3].pk}"' not in html and f'id="rb-{acts[0].pk}"' not in html
    assert f'id="cb-{roles[3].pk}" class="badge-slot" hx-swap-oob="true"' in html  # headers are on every page
    assert "1 error" in html and "multiple-accountable" in html  # counts and panel: the whole matrix
    assert re.search(r'hx-get="[^"]+changes/\?since=2&amp;page=2"', html)


def test_a_structural_change_reloads_the_same_page_of_the_grid(client, mid):
    matrix, acts, roles = mid
    other = MembershipFactory(workspace=matrix.workspace, access="editor")
    services.activity_delete(matrix=matrix, activity_id=acts[0].pk, actor=other.user)
    changes = reverse("raci:changes", args=[matrix.workspace.slug, matrix.slug])
    html = client.get(f"{changes}?since=0&page=2", headers=HX).content.decode()
    rows = [int(pk) for pk in ROW.findall(html)]
    assert rows == [a.pk for a in acts[301:601]] and "Activities 301–600 of 699" in html


def test_an_activity_added_onto_another_page_takes_the_editor_there(client, mid):
    matrix, _, _ = mid
    response = client.post(
        reverse("raci:activity_add", args=[matrix.workspace.slug, matrix.slug]),
        {"name": "Battlecards", "phase": "strategy"},
        headers=HX | {"HX-Current-URL": "http://testserver" + page_url(matrix, "?page=2")},
    )
    added = Activity.objects.get(matrix=matrix, name="Battlecards")
    assert response["HX-Redirect"] == page_url(matrix, f"?page=3#row-{added.pk}")


def test_a_structural_htmx_change_keeps_the_page_the_editor_is_on(client, mid):
    matrix, acts, _ = mid
    response = client.post(
        reverse("raci:activity_edit", args=[matrix.workspace.slug, matrix.slug, acts[400].pk]),
        {"name": "Renamed", "phase": "strategy", "description": "", "version": str(acts[400].version)},
        headers=HX | {"HX-Current-URL": "http://testserver" + page_url(matrix, "?page=2")},
    )
    html = response.content.decode()
    assert response.status_code == 200 and "Activities 301–600 of 700" in html and "Renamed" in html
    assert len(CELL.findall(html)) == 3000


def test_the_cell_form_cancels_back_to_the_rows_page(client, mid):
    matrix, acts, roles = mid
    html = client.get(
        reverse("raci:cell", args=[matrix.workspace.slug, matrix.slug, acts[650].pk, roles[0].pk])
    ).content.decode()
    assert f'href="{page_url(matrix)}?page=3#row-{acts[650].pk}">Cancel' in html
    assert Cell.objects.filter(activity=acts[650]).count() == 10
