import pytest
from django.urls import reverse

from raci.models import Activity, Cell, ChangeEvent, Column
from tests.factories import MembershipFactory, build_matrix
from tests.queries import assert_same_queries

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true"}


@pytest.fixture
def matrix3(editor):
    return build_matrix(editor.workspace, activities=3, roles=3)


def cell_url(matrix, activity, role):
    return reverse("raci:cell", args=[matrix.workspace.slug, matrix.slug, activity.pk, role.pk])


def test_matrix_page_shows_the_grid_grouped_by_phase_with_counts(client, matrix3):
    matrix, acts, roles = matrix3
    response = client.get(reverse("raci:matrix", args=[matrix.workspace.slug, matrix.slug]))
    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="c-{acts[0].pk}-{roles[0].pk}"' in html
    assert "Strategy" in html and 'id="finding-counts"' in html and 'id="findings-panel"' in html


def test_column_headers_show_the_roles_name_with_its_code_as_an_abbreviation(client, editor):
    matrix, _, roles = build_matrix(editor.workspace, activities=2, roles=3)
    roles[1].name = "Product <Marketing> Manager"
    roles[1].save()
    html = client.get(reverse("raci:matrix", args=[matrix.workspace.slug, matrix.slug])).content.decode()
    header = html[html.index(f'id="col-{roles[1].pk}"') :]
    header = header[: header.index("</th>")]
    assert (
        '<span class="rname" title="Product &lt;Marketing&gt; Manager (GRI1)">Product &lt;Marketing&gt; Manager</span>'
        in header
    )
    # The code is shown for sight only: the name stays the header's accessible name.
    assert '<abbr class="code" title="Product &lt;Marketing&gt; Manager" aria-hidden="true">GRI1</abbr>' in header
    assert "<dt>GRI1</dt><dd>Product &lt;Marketing&gt; Manager</dd>" in html  # the key under the grid
    assert "short-heads" not in html


def test_a_matrix_of_more_than_eight_roles_heads_its_columns_with_the_codes(client, editor):
    matrix, _, _ = build_matrix(editor.workspace, activities=2, roles=9)
    html = client.get(reverse("raci:matrix", args=[matrix.workspace.slug, matrix.slug])).content.decode()
    assert '<table class="grid short-heads"' in html


def test_htmx_cell_edit_returns_the_cell_and_out_of_band_badges(client, matrix3):
    matrix, acts, roles = matrix3
    response = client.post(cell_url(matrix, acts[0], roles[1]), {"value": "A", "version": "1"}, headers=HX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert html.startswith(f'<a id="c-{acts[0].pk}-{roles[1].pk}" class="c vA"')
    assert f'id="rb-{acts[0].pk}" class="badge-slot" hx-swap-oob="true"' in html
    assert f'id="cb-{roles[1].pk}" class="badge-slot" hx-swap-oob="true"' in html
    assert 'id="finding-counts" class="counts" hx-swap-oob="true"' in html
    assert "multiple-accountable" in html
    assert "HX-Request" in response["Vary"]


def test_plain_cell_edit_redirects_back_to_the_row(client, matrix3):
    matrix, acts, roles = matrix3
    response = client.post(cell_url(matrix, acts[0], roles[1]), {"value": "I", "version": "1"})
    assert response.status_code == 302
    assert response["Location"].endswith(f"#row-{acts[0].pk}")
    assert Cell.objects.get(activity=acts[0], role=roles[1]).value == "I"


def test_cell_form_page_works_without_javascript(client, matrix3):
    matrix, acts, roles = matrix3
    response = client.get(cell_url(matrix, acts[0], roles[1]))
    assert response.status_code == 200
    assert 'name="version" value="1"' in response.content.decode()


def test_stale_edit_gets_409_with_the_current_value_and_who_changed_it(client, matrix3, editor):
    matrix, acts, roles = matrix3
    client.post(cell_url(matrix, acts[0], roles[1]), {"value": "R", "version": "1"}, headers=HX)
    response = client.post(cell_url(matrix, acts[0], roles[1]), {"value": "I", "version": "1"}, headers=HX)
    html = response.content.decode()
    assert response.status_code == 409
    assert 'class="c vR conflict"' in html and 'data-v="2"' in html
    assert editor.user.first_name in html and "not saved" in html
    assert Cell.objects.get(activity=acts[0], role=roles[1]).value == "R"


def test_invalid_value_gets_422_and_saves_nothing(client, matrix3):
    matrix, acts, roles = matrix3
    response = client.post(cell_url(matrix, acts[0], roles[1]), {"value": "X", "version": "1"}, headers=HX)
    assert response.status_code == 422
    assert "not a RACI value" in response.content.decode()
    assert not ChangeEvent.objects.exists()


def test_editing_a_deleted_activity_reloads_the_grid_with_a_message(client, matrix3):
    matrix, acts, roles = matrix3
    url = cell_url(matrix, acts[0], roles[1])
    Activity.objects.filter(pk=acts[0].pk).delete()
    response = client.post(url, {"value": "R", "version": "1"}, headers=HX)
    assert response.status_code == 404
    assert response["HX-Retarget"] == "#grid"
    assert "no longer in the matrix" in response.content.decode()


def test_cell_edit_with_wrong_method_is_405(client, matrix3):
    matrix, acts, roles = matrix3
    assert client.put(cell_url(matrix, acts[0], roles[1])).status_code == 405


def test_viewer_sees_no_edit_controls_and_cannot_write(client, matrix3):
    matrix, acts, roles = matrix3
    viewer = MembershipFactory(workspace=matrix.workspace, access="viewer")
    client.force_login(viewer.user)
    html = client.get(reverse("raci:matrix", args=[matrix.workspace.slug, matrix.slug])).content.decode()
    assert 'class="c vAR"' in html and '<a id="c-' not in html
    assert "Add an activity" not in html and "✎" not in html
    response = client.post(cell_url(matrix, acts[0], roles[1]), {"value": "A", "version": "1"}, headers=HX)
    assert response.status_code == 403


def test_only_rows_with_findings_filter(client, editor):
    matrix, acts, roles = build_matrix(
        editor.workspace, activities=3, roles=2, letters={(0, 0): "AR", (1, 0): "A", (1, 1): "A", (2, 1): "AR"}
    )
    url = reverse("raci:matrix", args=[matrix.workspace.slug, matrix.slug])
    html = client.get(url + "?only=findings").content.decode()
    assert f'id="row-{acts[1].pk}"' in html
    assert f'id="row-{acts[0].pk}"' not in html and f'id="row-{acts[2].pk}"' not in html


def test_by_person_view_shows_letters_across_the_roles_they_hold(client, editor):
    from tests.factories import hold

    matrix, acts, roles = build_matrix(editor.workspace, activities=3, roles=3)
    hold(roles[0], editor)
    hold(roles[1], editor)
    url = reverse("raci:matrix", args=[matrix.workspace.slug, matrix.slug])
    html = client.get(f"{url}?person={editor.pk}").content.decode()
    assert f"{roles[0].code} + {roles[1].code}" in html
    assert "shared-hats" in html


def test_activity_add_by_htmx_returns_the_grid_and_out_of_band_panel(client, matrix3):
    matrix, _, _ = matrix3
    url = reverse("raci:activity_add", args=[matrix.workspace.slug, matrix.slug])
    response = client.post(url, {"name": "Battlecards", "phase": "launch"}, headers=HX)
    html = response.content.decode()
    assert response.status_code == 200 and html.lstrip().startswith('<div id="grid"')
    assert "Battlecards" in html and 'id="findings-panel" class="panel card" hx-swap-oob="true"' in html
    assert "empty-activity" in html


def test_activity_add_with_an_empty_name_says_so_in_place(client, matrix3):
    matrix, _, _ = matrix3
    url = reverse("raci:activity_add", args=[matrix.workspace.slug, matrix.slug])
    response = client.post(url, {"name": "", "phase": "launch"}, headers=HX)
    assert response.status_code == 422
    assert "required" in response.content.decode()
    assert Activity.objects.filter(matrix=matrix).count() == 3


def test_plain_activity_add_redirects(client, matrix3):
    matrix, _, _ = matrix3
    url = reverse("raci:activity_add", args=[matrix.workspace.slug, matrix.slug])
    response = client.post(url, {"name": "Battlecards", "phase": "launch"})
    assert response.status_code == 302


def test_inline_activity_form_is_a_fragment(client, matrix3):
    matrix, acts, _ = matrix3
    url = reverse("raci:activity_edit", args=[matrix.workspace.slug, matrix.slug, acts[0].pk])
    fragment = client.get(url, headers=HX).content.decode()
    page = client.get(url).content.decode()
    assert fragment.lstrip().startswith("<form") and "<html" not in fragment
    assert "<html" in page and 'value="Activity 0"' in page


def test_split_asks_who_owns_the_input_and_the_outcome(client, matrix3):
    matrix, acts, roles = matrix3
    url = reverse("raci:activity_split", args=[matrix.workspace.slug, matrix.slug, acts[0].pk])
    page = client.get(url).content.decode()
    assert "Who owns the input?" in page and "Who owns the outcome?" in page
    response = client.post(url, {"input_role": roles[0].pk, "outcome_role": roles[1].pk, "since": matrix.last_seq})
    assert response.status_code == 302
    names = set(matrix.activities.values_list("name", flat=True))
    assert {"Activity 0: input", "Activity 0: outcome"} <= names


def test_column_add_and_remove(client, matrix3):
    matrix, _, roles = matrix3
    url = reverse("raci:column_add", args=[matrix.workspace.slug, matrix.slug])
    html = client.post(url, {"name": "Sales", "code": "SALES"}, headers=HX).content.decode()
    assert ">SALES<" in html and "idle-role" in html
    url = reverse("raci:column_action", args=[matrix.workspace.slug, matrix.slug, roles[2].pk, "remove"])
    client.post(url, headers=HX)
    assert not Column.objects.filter(matrix=matrix, role=roles[2]).exists()


def test_new_matrix_from_the_default_template(client, editor):
    from raci.models import Template
    from raci.seeding import templates_seed

    templates_seed()
    template = Template.objects.get(slug="pm-pmm-scaleup")
    url = reverse("raci:matrix_new", args=[editor.workspace.slug])
    page = client.get(url).content.decode()
    assert "PM/PMM" in page and "checked" in page
    response = client.post(url, {"name": "Core", "template": template.pk})
    assert response.status_code == 302 and response["Location"].endswith("/matrices/core/")


def _ok(response, _size):
    assert response.status_code == 200


def test_matrix_page_query_count_does_not_grow_with_its_size(client, editor):
    client.get("/")  # warm the session cache

    def build(size):
        return build_matrix(editor.workspace, activities=size, roles=max(3, size // 15), name=f"M{size}")[0]

    assert_same_queries(
        build,
        lambda m: client.get(reverse("raci:matrix", args=[m.workspace.slug, m.slug])),
        sizes=(10, 200),
        at_most=12,
        check=_ok,
    )


def test_cell_edit_query_count_does_not_grow_with_the_matrix_and_stays_within_8(client, editor):
    client.get("/")

    def build(size):
        matrix, acts, roles = build_matrix(editor.workspace, activities=size, roles=max(3, size // 15), name=f"M{size}")
        return cell_url(matrix, acts[5], roles[1])  # a C in every size: the same change

    assert_same_queries(
        build,
        lambda url: client.post(url, {"value": "I", "version": "1"}, headers=HX),
        sizes=(10, 200),
        at_most=8,
        check=_ok,
    )


def test_editing_a_cell_of_a_removed_column_reloads_the_grid_with_a_message(client, matrix3, editor):
    from raci import services

    matrix, acts, roles = matrix3
    url = cell_url(matrix, acts[0], roles[2])
    services.column_remove(matrix=matrix, role_id=roles[2].pk, actor=editor.user)
    response = client.post(url, {"value": "R", "version": "1"}, headers=HX)
    assert response.status_code == 404 and response["HX-Retarget"] == "#grid"
    assert "no longer in the matrix" in response.content.decode()
    assert f'id="col-{roles[2].pk}"' not in response.content.decode()


def test_edits_to_different_cells_never_conflict(client, matrix3):
    matrix, acts, roles = matrix3
    first = client.post(cell_url(matrix, acts[0], roles[1]), {"value": "I", "version": "1"}, headers=HX)
    second = client.post(cell_url(matrix, acts[1], roles[2]), {"value": "I", "version": "1"}, headers=HX)
    third = client.post(cell_url(matrix, acts[0], roles[2]), {"value": "I", "version": "1"}, headers=HX)
    assert (first.status_code, second.status_code, third.status_code) == (200, 200, 200)


def test_a_matrix_deleted_while_open_answers_htmx_with_a_message(client, matrix3):
    matrix, acts, roles = matrix3
    url = cell_url(matrix, acts[0], roles[1])
    matrix.delete()
    response = client.post(url, {"value": "R", "version": "1"}, headers=HX)
    assert response.status_code == 404 and response["HX-Retarget"] == "#toasts"
    assert "no longer here" in response.content.decode()


def test_over_long_and_duplicate_names_get_messages_in_place(client, matrix3):
    matrix, acts, _ = matrix3
    url = reverse("raci:activity_edit", args=[matrix.workspace.slug, matrix.slug, acts[0].pk])
    long = client.post(url, {"name": "x" * 201, "phase": "strategy"}, headers=HX)
    dup = client.post(url, {"name": "Activity 1", "phase": "strategy"}, headers=HX)
    assert long.status_code == 422 and "at most 200 characters" in long.content.decode()
    assert dup.status_code == 422 and "already an activity" in dup.content.decode()
    assert Activity.objects.get(pk=acts[0].pk).name == "Activity 0"


def test_responses_that_differ_for_htmx_say_so_in_vary(client, matrix3):
    matrix, acts, roles = matrix3
    for url in (
        reverse("raci:activity_edit", args=[matrix.workspace.slug, matrix.slug, acts[0].pk]),
        reverse("raci:column_edit", args=[matrix.workspace.slug, matrix.slug, roles[0].pk]),
        reverse("raci:findings", args=[matrix.workspace.slug, matrix.slug]),
    ):
        for headers in ({}, HX):
            assert "HX-Request" in client.get(url, headers=headers)["Vary"], url


def test_two_people_renaming_one_activity_do_not_overwrite_each_other(client, matrix3):
    matrix, acts, _ = matrix3
    url = reverse("raci:activity_edit", args=[matrix.workspace.slug, matrix.slug, acts[0].pk])
    form = client.get(url, headers=HX).content.decode()
    assert 'name="version" value="0"' in form
    first = client.post(url, {"name": "Pricing", "phase": "strategy", "version": "0"}, headers=HX)
    second = client.post(url, {"name": "Packaging", "phase": "strategy", "version": "0"}, headers=HX)
    assert first.status_code == 200 and second.status_code == 409
    assert "it is now “Pricing”" in second.content.decode()
    assert Activity.objects.get(pk=acts[0].pk).name == "Pricing"


def test_two_people_editing_one_column_do_not_overwrite_each_other(client, matrix3):
    from workspaces.models import Role

    matrix, _, roles = matrix3
    url = reverse("raci:column_edit", args=[matrix.workspace.slug, matrix.slug, roles[0].pk])
    first = client.post(url, {"name": "Sales", "code": "SALES", "version": "0"}, headers=HX)
    second = client.post(url, {"name": "Support", "code": "SUP", "version": "0"}, headers=HX)
    assert first.status_code == 200 and second.status_code == 409
    assert Role.objects.get(pk=roles[0].pk).code == "SALES"


def test_without_javascript_a_refused_activity_is_shown_beside_the_form_with_what_was_typed(client, matrix3):
    matrix, acts, _ = matrix3
    url = reverse("raci:activity_add", args=[matrix.workspace.slug, matrix.slug])
    response = client.post(url, {"name": acts[0].name, "phase": acts[0].phase})
    html = response.content.decode()
    assert response.status_code == 422 and Activity.objects.filter(matrix=matrix).count() == 3
    form = html[html.index('action="' + url) :]
    form = form[: form.index("</form>")]
    assert f'value="{acts[0].name}" aria-invalid="true"' in form
    assert 'id="new-activity-error" role="alert">' in form and "already" in form
    assert f'<option value="{acts[0].phase}" selected>' in form


def test_without_javascript_a_refused_role_column_keeps_the_typed_name_and_says_why(client, matrix3):
    matrix, _, _ = matrix3
    url = reverse("raci:column_add", args=[matrix.workspace.slug, matrix.slug])
    response = client.post(url, {"name": "Sales <team>", "code": ""})
    html = response.content.decode()
    assert response.status_code == 422 and Column.objects.filter(matrix=matrix).count() == 3
    form = html[html.index('action="' + url) :]
    form = form[: form.index("</form>")]
    assert 'value="Sales &lt;team&gt;"' in form and 'id="new-col-error" role="alert">' in form
