"""A share link's deck in Chromium: an admin ticks "Allow downloads" on the form, and a
stranger with the address clicks "Download as PowerPoint" on the page and gets the deck,
with no member named when the link hides names; a link without downloads offers nothing.

`SHOTS=<folder>` keeps screenshots of the pages with the link, at 1280 and 390 px."""

from __future__ import annotations

import io
import re

import pytest
from playwright.sync_api import Browser, expect
from pptx import Presentation

from sharing import services
from sharing.models import Kind
from tests.browser.conftest import PageWatch, shoot
from tests.world import build_world
from workspaces.models import Membership


@pytest.fixture
def world(server, settings):
    settings.SHARE_RATE_LIMITS = None
    return build_world()


def _text(body: bytes) -> str:
    prs = Presentation(io.BytesIO(body))
    found = []
    for slide in prs.slides:
        for shape in slide.shapes:
            if shape.has_table:
                found += [cell.text for row in shape.table.rows for cell in row.cells]
            elif shape.has_text_frame:
                found.append(shape.text_frame.text)
    return "\n".join(found)


def test_a_link_made_with_downloads_lets_a_stranger_download_the_deck(world, server, browser: Browser, sign_in):
    admin = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(admin, world.people["admin"].user.username)
    admin.goto(f"{server}/w/{world.workspace.slug}/share/")
    admin.get_by_label("What it shows").select_option("matrix")
    admin.get_by_label("Matrix").select_option(label="Product launch")
    admin.get_by_label("People's names").select_option("hide")
    admin.get_by_label("Allow downloads").check()
    shoot(admin, "share_links_form_downloads", part=".share-make")
    admin.get_by_role("button", name="Make the link").click()
    address = admin.get_by_label("The link's address").input_value()
    expect(admin.locator("table.share-links")).to_contain_text("downloads")
    admin.context.close()

    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    watch = PageWatch(page)
    page.goto(address)
    link = page.get_by_role("link", name="Download as PowerPoint")
    expect(link).to_be_visible()
    shoot(page, "share_matrix_deck_link")
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "product-launch.pptx"
    path = download.value.path()
    text = _text(path.read_bytes())
    assert "Product launch" in text
    for member in Membership.objects.filter(workspace=world.workspace).select_related("user"):
        for name in (member.user.get_full_name(), member.user.username, member.user.email):
            assert not re.search(rf"(?<![\w@.]){re.escape(name)}(?![\w@])", text, re.IGNORECASE), name
    watch.assert_clean()
    context.close()


@pytest.mark.parametrize("kind", [Kind.QUARTER, Kind.PREREAD])
def test_the_quarter_and_the_pre_read_offer_the_quarter_deck(world, server, browser: Browser, kind):
    made = services.link_create(
        membership=world.people["admin"],
        target=services.Target(kind, year=2027, quarter=1),
        allow_downloads=True,
    )
    plain = services.link_create(membership=world.people["admin"], target=services.Target(kind, year=2027, quarter=1))
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.goto(f"{server}/s/{made.secret}/")
    shoot(page, f"share_{kind}_deck_link")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as PowerPoint").click()
    assert download.value.suggested_filename == "2027-q1.pptx"
    assert "2027-Q1" in _text(download.value.path().read_bytes())
    page.goto(f"{server}/s/{plain.secret}/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert page.get_by_role("link", name="Download as PowerPoint").count() == 0
    context.close()
