"""Share links opened signed out in Chromium: each kind shows its content and no control or
address; expired, revoked and made-up links are 404; names hidden leave no name in the
source; an allowed wiki can frame a link and another cannot; the page reloads when what it
shows changes; the pre-read and a 60 × 10 matrix print to PDF at A4 and Letter with no row
cut across pages.

`SHOTS=<folder>` keeps the screenshots and the PDFs (with `pdftoppm` PNGs of each page)."""

from __future__ import annotations

import os
import re
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, expect

from raci.models import Activity
from sharing import services
from sharing.models import Kind, ShareLink
from tests.browser.conftest import PageWatch
from tests.factories import build_matrix
from tests.world import build_world
from workspaces.models import Membership

HEADINGS = {
    Kind.MATRIX: "Product launch",
    Kind.QUARTER: "2027-Q1 at a glance",
    Kind.LAUNCH: "Usage-based billing",
    Kind.PREREAD: "2027-Q1 pre-read",
}


@pytest.fixture
def world(server, settings):
    settings.SHARE_RATE_LIMITS = None
    return build_world()


def _target(world, kind) -> services.Target:
    if kind == Kind.MATRIX:
        return services.Target(kind, matrix=world.matrix)
    if kind == Kind.LAUNCH:
        return services.Target(kind, launch=world.launch)
    return services.Target(kind, year=2027, quarter=1)


def make(world, kind, **options) -> tuple[ShareLink, str]:
    made = services.link_create(membership=world.people["admin"], target=_target(world, kind), **options)
    return made.link, made.secret


def _shots() -> Path | None:
    folder = os.environ.get("SHOTS", "")
    if not folder:
        return None
    path = Path(folder)
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.mark.parametrize("kind", [Kind.MATRIX, Kind.QUARTER, Kind.LAUNCH, Kind.PREREAD])
def test_each_kind_of_link_opens_signed_out_read_only(world, server, browser: Browser, kind):
    _, secret = make(world, kind)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    watch = PageWatch(page)
    response = page.goto(f"{server}/s/{secret}/")
    assert response is not None and response.status == 200
    expect(page.get_by_role("heading", level=1)).to_contain_text(HEADINGS[kind])
    for control in ("form", "button", "input", "select", "textarea", "[hx-get]", "[hx-post]", "[contenteditable]"):
        assert page.locator(control).count() == 0, control
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))")
    assert all(href.startswith(("#", "?")) for href in hrefs), hrefs
    html = page.content()
    assert not re.search(r"[\w.+-]+@[\w-]+\.[\w.]+", html), "no e-mail address"
    assert "Sign in" not in html and "Members" not in html
    if kind in (Kind.QUARTER, Kind.PREREAD):
        assert "Mira Lane" not in html  # names hidden by default here
    shots = _shots()
    if shots:
        page.screenshot(path=shots / f"share_{kind}_1280.png", full_page=True)
        page.set_viewport_size({"width": 390, "height": 844})
        page.screenshot(path=shots / f"share_{kind}_390.png", full_page=True)
    watch.assert_clean()
    context.close()


def test_expired_revoked_and_made_up_links_answer_404(world, server, browser: Browser):
    expired, expired_secret = make(world, Kind.MATRIX)
    ShareLink.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    revoked, revoked_secret = make(world, Kind.LAUNCH)
    services.link_revoke(link_id=revoked.pk, workspace=world.workspace, actor=world.people["admin"].user)
    page = browser.new_page()
    for secret in (expired_secret, revoked_secret, "Z" * 43, "nothing"):
        response = page.goto(f"{server}/s/{secret}/")
        assert response is not None and response.status == 404
        assert "Product launch" not in page.content() and "Usage-based billing" not in page.content()
    page.close()


@pytest.mark.parametrize("kind", [Kind.MATRIX, Kind.QUARTER, Kind.LAUNCH, Kind.PREREAD])
def test_with_names_hidden_no_name_is_in_the_source(world, server, browser: Browser, kind):
    _, secret = make(world, kind, hide_names=True)
    page = browser.new_page()
    page.goto(f"{server}/s/{secret}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(HEADINGS[kind])
    source = page.content()
    for member in Membership.objects.filter(workspace=world.workspace).select_related("user"):
        for name in (member.user.get_full_name(), member.user.first_name, member.user.username, member.user.email):
            assert not re.search(rf"\b{re.escape(name)}\b", source, re.IGNORECASE), name
    page.close()


FRAMING = """<!doctype html><title>Wiki</title><h1>Our wiki</h1>
<iframe id="shared" src="{src}" width="1000" height="600" title="Shared"></iframe>"""
# The wikis and Lockstep as the browser sees them on the internet: Chromium keeps public
# sites from framing a loopback address whatever its headers say, so Lockstep is reached
# under a public name too, each request passed to the live server with its answer as is.
LOCKSTEP = "https://lockstep.example.test"


def _internet(context, server: str, src: str) -> None:
    for origin in ("https://wiki.example.com", "https://elsewhere.example.org"):
        context.route(
            f"{origin}/**",
            lambda route: route.fulfill(status=200, content_type="text/html", body=FRAMING.format(src=src)),
        )
    context.route(
        f"{LOCKSTEP}/**",
        lambda route: route.fulfill(response=route.fetch(url=route.request.url.replace(LOCKSTEP, server))),
    )


def _framed_heading(page) -> int:
    frames = [f for f in page.frames if f.url.startswith(LOCKSTEP)]
    return frames[0].locator("h1").count() if frames else 0


@pytest.mark.parametrize("kind", [Kind.QUARTER, Kind.MATRIX])
def test_an_allowed_origin_frames_the_link_and_another_cannot(world, server, browser: Browser, kind):
    link, secret = make(world, kind)
    services.link_origins_set(link_id=link.pk, workspace=world.workspace, origins="https://wiki.example.com")
    context = browser.new_context()
    _internet(context, server, f"{LOCKSTEP}/s/{secret}/")
    page = context.new_page()
    seen = []
    page.on("response", lambda r: seen.append(r) if "/s/" in r.url else None)
    page.goto("https://wiki.example.com/page")
    frame = page.frame_locator("#shared")
    expect(frame.get_by_role("heading", level=1)).to_contain_text(HEADINGS[kind])
    headers = seen[-1].headers
    assert "frame-ancestors https://wiki.example.com" in headers["content-security-policy"]
    assert "x-frame-options" not in headers

    page.goto("https://elsewhere.example.org/page")
    page.wait_for_timeout(1500)
    assert _framed_heading(page) == 0, "another origin must not frame the link"
    assert "frame-ancestors https://wiki.example.com" in seen[-1].headers["content-security-policy"]
    context.close()


def test_a_link_without_origins_cannot_be_framed_and_the_app_neither(world, server, browser: Browser):
    _, secret = make(world, Kind.QUARTER)
    context = browser.new_context()
    for src in (f"{LOCKSTEP}/s/{secret}/", f"{LOCKSTEP}/accounts/login/"):
        _internet(context, server, src)
        page = context.new_page()
        page.goto("https://wiki.example.com/page")
        page.wait_for_timeout(1500)
        assert _framed_heading(page) == 0, src
        page.close()
        context.unroute_all()
    context.close()


def test_the_page_reloads_when_what_it_shows_changed(world, server, browser: Browser, settings):
    from raci import services as raci_services

    settings.SHARE_POLL_SECONDS = 1
    _, secret = make(world, Kind.MATRIX)
    page = browser.new_page()
    watch = PageWatch(page)
    page.goto(f"{server}/s/{secret}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Product launch")
    grid = page.get_by_role("grid")
    assert grid.get_by_text("Shared since the page opened").count() == 0
    raci_services.activity_add(
        matrix=world.matrix, name="Shared since the page opened", actor=world.people["admin"].user
    )
    expect(grid.get_by_text("Shared since the page opened")).to_be_visible(timeout=8000)
    watch.assert_clean()
    page.close()


def test_a_revoked_link_says_so_on_the_open_page(world, server, browser: Browser, settings):
    settings.SHARE_POLL_SECONDS = 1
    link, secret = make(world, Kind.LAUNCH)
    page = browser.new_page()
    page.goto(f"{server}/s/{secret}/")
    expect(page.locator("#share-gone")).to_be_hidden()
    services.link_revoke(link_id=link.pk, workspace=world.workspace, actor=world.people["admin"].user)
    expect(page.locator("#share-gone")).to_be_visible(timeout=8000)
    page.close()


# Printing


def _pdf_pages(pdf: Path) -> list[str]:
    """The text of each page of the PDF (poppler's pdftotext), in reading order."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    return text.split("\f")[:-1] if text.endswith("\f") else text.split("\f")


def _to_png(pdf: Path) -> None:
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(pdf.with_suffix(""))], check=True)


LONG = "agree who writes the release notes, the help centre article and the sales FAQ, and who signs them off"


@pytest.fixture
def big_matrix(world):
    matrix, activities, _roles = build_matrix(world.workspace, activities=60, roles=10, name="Sixty rows")
    for i, activity in enumerate(activities):
        # Long names wrap to two or three lines: a row cut across pages would put its first
        # word and its last on different pages.
        Activity.objects.filter(pk=activity.pk).update(name=f"Row{i:02d} {LONG} End{i:02d}")
    return matrix


@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_the_matrix_and_the_pre_read_print_with_no_row_cut(
    world, big_matrix, server, browser: Browser, paper, tmp_path
):
    matrix_link = services.link_create(
        membership=world.people["admin"], target=services.Target(Kind.MATRIX, matrix=big_matrix)
    )
    _, preread_secret = make(world, Kind.PREREAD)
    folder = _shots() or tmp_path
    page = browser.new_page()
    page.goto(f"{server}/s/{matrix_link.secret}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sixty rows")
    pdf = folder / f"share_matrix_{paper}.pdf"
    page.pdf(path=str(pdf), format=paper, print_background=True)
    pages = _pdf_pages(pdf)
    # 60 rows of two or three lines each, with the findings and the key after them.
    assert 3 <= len(pages) <= 8, len(pages)
    for i in range(60):
        starts = [n for n, text in enumerate(pages) if f"Row{i:02d}" in text]
        ends = [n for n, text in enumerate(pages) if f"End{i:02d}" in text]
        assert len(starts) == 1 and starts == ends, (paper, i, starts, ends)
    # Every column is on the paper, the last one too.
    assert "SIX9" in pages[0], pages[0][:600]
    print(f"matrix at {paper}: {len(pages)} pages")

    page.goto(f"{server}/s/{preread_secret}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("2027-Q1 pre-read")
    pdf = folder / f"share_preread_{paper}.pdf"
    page.pdf(path=str(pdf), format=paper, print_background=True)
    pages = _pdf_pages(pdf)
    assert len(pages) == 2, len(pages)  # the summary, then the launches on a page of their own
    assert "Summary" in pages[0] and "Launches" in pages[1] and "Usage-based" in pages[1] and "Dark mode" in pages[1]
    print(f"pre-read at {paper}: {len(pages)} pages")
    if _shots():
        _to_png(folder / f"share_matrix_{paper}.pdf")
        _to_png(pdf)
    page.close()


def test_an_admin_makes_a_link_from_settings_and_a_stranger_opens_it(world, server, browser: Browser, sign_in):
    from tests.browser.conftest import shoot

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    watch = PageWatch(page)
    sign_in(page, "ada")
    page.goto(f"{server}/w/{world.workspace.slug}/settings/")
    page.get_by_role("link", name="See, revoke and make share links").click()
    page.get_by_label("What it shows").select_option("preread")
    page.get_by_label("Quarter").fill("2027-Q1")
    page.get_by_role("button", name="Make the link").click()
    address = page.get_by_label("The link's address").input_value()
    assert re.fullmatch(rf"{server}/s/[A-Za-z0-9_-]{{43}}/", address)
    expect(page.locator("table.share-links")).to_contain_text("2027-Q1 pre-read")
    shoot(page, "share_links_admin")
    watch.assert_clean()

    stranger = browser.new_context().new_page()
    stranger.goto(address)
    expect(stranger.get_by_role("heading", level=1)).to_contain_text("2027-Q1 pre-read")
    stranger.context.close()

    # The address was shown on the answer to the form only (as an API token's is): a reload
    # would post the form again, so the list is opened anew.
    page.goto(f"{server}/w/{world.workspace.slug}/share/")
    assert ShareLink.objects.get().views == 1
    page.get_by_role("button", name="Revoke the link to 2027-Q1 pre-read").click()
    expect(page.locator("table.share-links")).to_contain_text("revoked")
    stranger = browser.new_context().new_page()
    assert stranger.goto(address).status == 404
    stranger.context.close()

    # Removing a member offers to keep or revoke their links in the same step.
    world.workspace.share_links_by = "editors"
    world.workspace.save()
    services.link_create(membership=world.people["editor"], target=_target(world, Kind.LAUNCH))
    page.goto(f"{server}/w/{world.workspace.slug}/members/{world.people['editor'].pk}/remove/")
    expect(page.get_by_text("1 live share link they made")).to_be_visible()
    shoot(page, "share_member_remove", part=".handover:has-text('Share links')")
    context.close()


def test_share_pages_and_the_links_page_have_no_serious_accessibility_violations(world, server, browser: Browser):
    from tests.browser.test_accessibility import _check, _context

    pages = {f"shared {kind}": f"/s/{make(world, kind)[1]}/" for kind in Kind.values}
    pages["shared quarter, names shown"] = f"/s/{make(world, Kind.QUARTER, hide_names=False)[1]}/"
    pages["shared matrix, downloads"] = f"/s/{make(world, Kind.MATRIX, allow_downloads=True)[1]}/"
    context = _context(browser)  # a CSP that lets axe in, for this scan only
    page = context.new_page()
    problems = _check(page, server, pages)
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(world.people["admin"].user)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": server,
            }
        ]
    )
    problems += _check(page, server, {"share links": f"/w/{world.workspace.slug}/share/"})
    context.close()
    assert not problems, "\n".join(problems)
