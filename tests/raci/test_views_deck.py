"""The matrix page's "Download as PowerPoint": offered on the page, a .pptx for whoever
may read the matrix, names hidden when the link asks."""

import io

import pytest
from django.urls import reverse
from pptx import Presentation

from core import slides
from tests.factories import build_matrix, hold

pytestmark = pytest.mark.django_db


def _url(matrix):
    return reverse("raci:slides", args=[matrix.workspace.slug, matrix.slug])


def _text(response) -> str:
    prs = Presentation(io.BytesIO(response.content))
    found = []
    for slide in prs.slides:
        for shape in slide.shapes:
            if shape.has_table:
                found += [c.text for r in shape.table.rows for c in r.cells]
            elif shape.has_text_frame:
                found.append(shape.text_frame.text)
    return "\n".join(found)


def test_the_matrix_page_offers_the_download_with_and_without_names(client, viewer):
    matrix, _, _ = build_matrix(viewer.workspace, activities=2, roles=2)
    html = client.get(reverse("raci:matrix", args=[matrix.workspace.slug, matrix.slug])).content.decode()
    assert f'href="{_url(matrix)}">Download as PowerPoint</a>' in html
    assert f'href="{_url(matrix)}?hide_names=1"' in html


def test_a_viewer_downloads_the_matrix_as_slides(client, viewer):
    matrix, _, roles = build_matrix(viewer.workspace, activities=3, roles=2, name="Launch grid")
    hold(roles[0], viewer)
    response = client.get(_url(matrix))
    assert response.status_code == 200
    assert response["Content-Type"] == slides.CONTENT_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="launch-grid.pptx"'
    text = _text(response)
    assert "Launch grid" in text and "Launch grid role 0" in text and viewer.display_name in text
    assert viewer.workspace.name in text


def test_hide_names_leaves_every_person_out(client, viewer):
    matrix, _, roles = build_matrix(viewer.workspace, activities=3, roles=2)
    hold(roles[0], viewer)
    text = _text(client.get(_url(matrix) + "?hide_names=1"))
    assert viewer.display_name not in text and "Names are hidden: roles only." in text


def test_an_outsider_gets_404_and_nobody_signed_in_is_sent_to_sign_in(client, outsider, members_workspace):
    matrix, _, _ = build_matrix(members_workspace, activities=1, roles=1)
    assert client.get(_url(matrix)).status_code == 404
    client.logout()
    response = client.get(_url(matrix))
    assert response.status_code == 302 and "/login" in response["Location"]


def test_a_post_is_refused(client, editor):
    matrix, _, _ = build_matrix(editor.workspace, activities=1, roles=1)
    assert client.post(_url(matrix)).status_code == 405
