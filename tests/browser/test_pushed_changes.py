"""Another editor's change reaches an open matrix page over its stream, without a poll; with
the stream blocked, polling brings it. The pages are served by a stream process (uvicorn),
since the test live server is WSGI, where the stream refuses and pages poll."""

import re
import time

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Browser, expect

from raci.models import Column, Template
from raci.services import matrix_create
from tests.browser.conftest import CSP_RECORDER, assert_htmx_loaded, shoot
from tests.factories import MembershipFactory, UserFactory, WorkspaceFactory
from tests.streaming import REDIS_URL, stream_process
from workspaces.models import Access


@pytest.fixture
def site(transactional_db, tmp_path, settings):
    from raci.seeding import templates_seed

    templates_seed()
    settings.PUSH_REDIS_URL = REDIS_URL
    with stream_process(tmp_path / "uvicorn.log", app="tests.stream_app:application") as base:
        yield base


def _world():
    workspace = WorkspaceFactory(name="Acme", slug="acme")
    alice = MembershipFactory(
        workspace=workspace, access=Access.EDITOR, user=UserFactory(username="alice", first_name="Alice")
    )
    MembershipFactory(workspace=workspace, access=Access.EDITOR, user=UserFactory(username="bob", first_name="Bob"))
    matrix = matrix_create(
        workspace=workspace, name="Core", actor=alice.user, template=Template.objects.get(slug="pm-pmm-scaleup")
    )
    naming = matrix.activities.get(name="Naming")
    pm = Column.objects.get(matrix=matrix, role__code="PM").role
    return matrix, naming, pm


def _open(browser: Browser, base: str, username: str, url: str, *, block_stream=False):
    from django.contrib.auth import get_user_model

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.add_init_script(CSP_RECORDER)
    if block_stream:
        page.route("**/stream/**", lambda route: route.abort())
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": base}])
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(url)
    assert_htmx_loaded(page)
    page.evaluate("window.__marker = 'no reload'")
    return context, page, requests


def _until_streaming(page, timeout: float = 10.0) -> None:
    """Wait, polling from here, until the page's stream is open. (wait_for_function would
    poll inside the page with eval, which the page's CSP rightly refuses.)"""
    deadline = time.monotonic() + timeout
    while not page.evaluate("window.LockstepLive.streaming()"):
        assert time.monotonic() < deadline, "the page never opened its stream"
        page.wait_for_timeout(50)


def _set(page, a, r, key):
    page.locator(f"#c-{a}-{r}").focus()
    page.keyboard.press(key)


def test_anothers_edit_arrives_over_the_stream_with_no_poll(browser: Browser, site):
    matrix, naming, pm = _world()
    url = f"{site}/w/acme/matrices/{matrix.slug}/"
    ctx_a, alice, _ = _open(browser, site, "alice", url)
    ctx_b, bob, bob_requests = _open(browser, site, "bob", url)
    _until_streaming(bob)
    bob_requests.clear()
    _set(alice, naming.pk, pm.pk, "a")
    expect(alice.locator(f"#c-{naming.pk}-{pm.pk}")).to_have_text("A")
    expect(bob.locator(f"#c-{naming.pk}-{pm.pk}")).to_have_text("A", timeout=5_000)
    expect(bob.locator(f"#c-{naming.pk}-{pm.pk}")).to_have_class(re.compile(r"\bremote\b"))
    expect(bob.locator(f"#rb-{naming.pk} .badge")).to_have_count(1)
    expect(bob.locator("#finding-counts")).to_contain_text(re.compile(r"1 error\b"))
    expect(bob.locator("#findings-panel")).to_contain_text("multiple-accountable")
    bob.wait_for_timeout(1_500)  # polls would have gone out meanwhile, every 800 ms
    assert [u for u in bob_requests if "/changes/" in u or "/findings/" in u] == []
    # A change to rows is announced by the stream and fetched once, the polling way.
    alice.locator("#new-activity-name").fill("Analyst briefings")
    alice.locator("#new-activity-phase").select_option("launch")
    alice.get_by_role("button", name="Add").first.click()
    expect(bob.locator("#grid")).to_contain_text("Analyst briefings", timeout=5_000)
    assert bob.evaluate("window.__marker") == "no reload"
    assert bob.evaluate("window.__csp") == [] and alice.evaluate("window.__csp") == []
    ctx_a.close()
    ctx_b.close()


def test_with_the_stream_blocked_the_change_arrives_by_polling(browser: Browser, site):
    matrix, naming, pm = _world()
    url = f"{site}/w/acme/matrices/{matrix.slug}/"
    ctx_a, alice, _ = _open(browser, site, "alice", url)
    ctx_b, bob, bob_requests = _open(browser, site, "bob", url, block_stream=True)
    _set(alice, naming.pk, pm.pk, "a")
    expect(bob.locator(f"#c-{naming.pk}-{pm.pk}")).to_have_text("A", timeout=5_000)
    expect(bob.locator(f"#rb-{naming.pk} .badge")).to_have_count(1)
    assert any("/changes/" in u for u in bob_requests)
    assert not bob.evaluate("window.LockstepLive.streaming()")
    assert bob.evaluate("window.__marker") == "no reload"
    ctx_a.close()
    ctx_b.close()


def _cycle_world():
    from launches import services as launch_services

    workspace = WorkspaceFactory(name="Acme", slug="acme")
    for username in ("alice", "bob"):
        MembershipFactory(
            workspace=workspace, access=Access.EDITOR, user=UserFactory(username=username, first_name=username.title())
        )
    cycle = launch_services.cycle_create(workspace=workspace, quarter="2027-Q1")
    for name in ("Audit log export", "Dark mode"):
        launch = launch_services.launch_create(cycle=cycle, name=name)
        launch_services.launch_score(launch=launch, scores=[2, 2, 2, 2, 2, 2])
    return cycle


def _move(page, name: str, tier: str, reason: str) -> None:
    card = page.locator(".launch-card", has_text=name)
    card.locator("select[name=tier]").select_option(tier)
    card.locator("input[name=reason]").fill(reason)
    card.get_by_role("button", name="Move").click()


def test_a_tier_moved_reaches_another_s_board_and_quarter_page_over_the_stream(browser: Browser, site):
    """The page fetches the board (or the quarter's launches by tier) once per change it is
    told of, and sends no poll; a change waits while its person is moving a card."""
    _cycle_world()
    board, quarter = f"{site}/w/acme/launches/2027-q1/", f"{site}/w/acme/launches/quarter/2027-q1/"
    ctx_a, alice, _ = _open(browser, site, "alice", board)
    ctx_b, bob, bob_requests = _open(browser, site, "bob", board)
    ctx_c, bob_quarter, quarter_requests = _open(browser, site, "bob", quarter)
    expect(bob.locator("#cycle-live")).to_be_hidden()
    _until_streaming(bob)
    _until_streaming(bob_quarter)
    bob_requests.clear()
    quarter_requests.clear()
    _move(alice, "Audit log export", "3", "Small in the end")
    expect(alice.locator(".board-col[data-tier='3']")).to_contain_text("Audit log export")
    expect(bob.locator(".board-col[data-tier='3']")).to_contain_text("Audit log export", timeout=5_000)
    expect(bob_quarter.locator("#tiers .qv-tier", has_text="Tier 3")).to_contain_text("Audit log export")
    bob.wait_for_timeout(2_500)  # polls would have gone out meanwhile, every second
    assert len([u for u in bob_requests if "/live/" in u]) == 1
    assert len([u for u in quarter_requests if "/live/" in u]) == 1
    # Bob is typing a reason on another card: Alice's next move waits until he is done.
    bob.locator(".launch-card", has_text="Dark mode").locator("input[name=reason]").fill("half-typed")
    _move(alice, "Audit log export", "2", "Bigger after all")
    expect(bob_quarter.locator("#tiers .qv-tier", has_text="Tier 2")).to_contain_text("Audit log export")
    bob.wait_for_timeout(500)
    expect(bob.locator(".board-col[data-tier='3']")).to_contain_text("Audit log export")
    expect(bob.locator(".launch-card", has_text="Dark mode").locator("input[name=reason]")).to_have_value("half-typed")
    bob.locator("h1").click()
    expect(bob.locator(".board-col[data-tier='2']")).to_contain_text("Audit log export", timeout=5_000)
    for page in (bob, bob_quarter):
        assert page.evaluate("window.__marker") == "no reload"
        assert page.evaluate("window.__csp") == []
    shoot(bob, "board-live")
    shoot(bob_quarter, "quarter-live")
    for context in (ctx_a, ctx_b, ctx_c):
        context.close()
