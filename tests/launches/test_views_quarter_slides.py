"""The quarter page's "Download as PowerPoint": offered on the page, a .pptx for every
member, names hidden when the link asks."""

import io
from datetime import date

import pytest
from django.urls import reverse
from pptx import Presentation

from core import slides
from tests.factories import MembershipFactory
from tests.launches.conftest import make_launch

pytestmark = pytest.mark.django_db


def _url(ws, quarter="2027-q1"):
    return reverse("launches:quarter_slides", args=[ws.slug, quarter])


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


def test_the_quarter_page_offers_the_download_with_and_without_names(client, team):
    ws, _, people = team
    client.force_login(people["viewer"].user)
    html = client.get(reverse("launches:quarter", args=[ws.slug, "2027-q1"])).content.decode()
    assert '<summary class="btn">Download as PowerPoint</summary>' in html
    assert f'href="{_url(ws)}">With names</a>' in html
    assert f'href="{_url(ws)}?hide_names=1">Names hidden (roles only)</a>' in html


def test_a_viewer_downloads_the_quarter_as_slides(client, team):
    ws, cycle, people = team
    make_launch(cycle, people, name="Dark mode", launch_date=date(2027, 2, 1))
    client.force_login(people["viewer"].user)
    response = client.get(_url(ws))
    assert response.status_code == 200 and response["Content-Type"] == slides.CONTENT_TYPE
    assert response["Content-Disposition"] == f'attachment; filename="{ws.slug}-2027-q1.pptx"'
    text = _text(response)
    assert "2027-Q1 launches" in text and "Dark mode" in text and people["PM"].display_name in text


def test_hide_names_leaves_every_person_out(client, team):
    ws, cycle, people = team
    make_launch(cycle, people, name="Dark mode", launch_date=date(2027, 2, 1))
    client.force_login(people["viewer"].user)
    text = _text(client.get(_url(ws) + "?hide_names=1"))
    assert "Dark mode" in text
    assert not any(member.display_name in text for member in people.values())


def test_an_outsider_gets_404_a_bad_quarter_404_and_a_post_405(client, team):
    ws, _, people = team
    client.force_login(MembershipFactory().user)
    assert client.get(_url(ws)).status_code == 404
    client.force_login(people["viewer"].user)
    base = reverse("launches:quarter_now", args=[ws.slug])
    assert client.get(f"{base}2027-q5/slides.pptx").status_code == 404
    assert client.get(f"{base}1999-q1/slides.pptx").status_code == 404
    assert client.post(_url(ws)).status_code == 405
