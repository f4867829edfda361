"""The launch pages and endpoints: plain paths redirect, htmx paths return fragments,
refusals say why, user text is escaped, the board's query count does not grow."""

from datetime import date

import pytest
from django.urls import reverse

from launches import services, tiering
from launches.models import GoDecision, Launch, LaunchCycle, TieringRubric
from tests.launches.conftest import TIER_2_SCORES, make_launch, owners_matrix
from tests.queries import assert_same_queries

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true"}


def board_url(ws, cycle):
    return reverse("launches:cycle", args=[ws.slug, cycle.slug])


def launch_url(launch, name="launch", *extra):
    return reverse(f"launches:{name}", args=[launch.cycle.workspace.slug, launch.cycle.slug, launch.pk, *extra])


def test_cycles_page_lists_and_opens_a_quarter(editor_client, team):
    ws, cycle, _ = team
    url = reverse("launches:cycles", args=[ws.slug])
    page = editor_client.get(url)
    assert page.status_code == 200 and "2027-Q1" in page.content.decode()
    response = editor_client.post(url, {"quarter": "2027-q2"})
    assert response.status_code == 302 and response["Location"] == reverse("launches:cycle", args=[ws.slug, "2027-q2"])
    refused = editor_client.post(url, {"quarter": "2027-Q2"})
    assert refused.status_code == 422 and "already has a launch cycle" in refused.content.decode()
    assert LaunchCycle.objects.filter(workspace=ws).count() == 2


def test_board_shows_columns_and_the_add_form(editor_client, team):
    ws, cycle, people = team
    make_launch(cycle, people, name="Billing v2")
    body = editor_client.get(board_url(ws, cycle)).content.decode()
    for column in ("Untiered", "Tier 1", "Tier 2", "Tier 3"):
        assert column in body
    assert "Billing v2" in body and "Add a candidate launch" in body and "js/launches.js" in body


def test_viewer_sees_the_board_without_forms(client, team):
    ws, cycle, people = team
    make_launch(cycle, people)
    client.force_login(people["viewer"].user)
    body = client.get(board_url(ws, cycle)).content.decode()
    assert "Usage-based billing" in body and "Add a candidate launch" not in body and 'name="tier"' not in body


def test_htmx_board_get_is_the_fragment(editor_client, team):
    ws, cycle, _ = team
    response = editor_client.get(board_url(ws, cycle), headers=HX)
    assert '<div id="board"' in response.content.decode() and "<html" not in response.content.decode()
    assert "HX-Request" in response["Vary"]


def test_adding_a_launch(editor_client, team):
    ws, cycle, people = team
    url = reverse("launches:launch_add", args=[ws.slug, cycle.slug])
    response = editor_client.post(
        url,
        {
            "name": "SSO",
            "summary": "SAML",
            "pm_owner": people["PM"].pk,
            "pmm_owner": people["PMM"].pk,
            "ship_date": "2027-02-01",
            "launch_date": "2027-02-10",
        },
    )
    assert response.status_code == 302
    launch = Launch.objects.get(name="SSO")
    assert launch.pm_owner == people["PM"] and launch.launch_date == date(2027, 2, 10)
    refused = editor_client.post(url, {"name": "", "pm_owner": 999999})
    assert refused.status_code == 422


def test_move_on_the_board_with_htmx_returns_the_board(editor_client, team):
    ws, cycle, people = team
    launch = make_launch(cycle, people)
    services.launch_score(launch=launch, scores=TIER_2_SCORES)
    response = editor_client.post(launch_url(launch, "launch_tier"), {"tier": "2", "reason": ""}, headers=HX)
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body and '<div id="board"' in body
    assert "HX-Request" in response["Vary"]
    launch.refresh_from_db()
    assert launch.tier == 2 and launch.items.count() == 8  # seven deliverables and the day-30 metric
    tier_2_column = body.split('data-tier="2"')[1].split('data-tier="3"')[0]
    assert f'id="card-{launch.pk}"' in tier_2_column


def test_htmx_move_without_a_reason_is_refused_on_the_card(editor_client, team):
    ws, cycle, people = team
    launch = make_launch(cycle, people)
    services.launch_score(launch=launch, scores=TIER_2_SCORES)
    response = editor_client.post(launch_url(launch, "launch_tier"), {"tier": "1", "reason": ""}, headers=HX)
    body = response.content.decode()
    assert response.status_code == 422 and "<html" not in body
    assert "The rubric suggests Tier 2 for Usage-based billing: say why it is Tier 1." in body
    assert f'id="card-error-{launch.pk}"' in body
    launch.refresh_from_db()
    assert launch.tier is None


def test_plain_move_redirects_and_refusal_is_a_message(editor_client, team):
    ws, cycle, people = team
    launch = make_launch(cycle, people)
    response = editor_client.post(launch_url(launch, "launch_tier"), {"tier": "3"})
    assert response.status_code == 302 and response["Location"] == board_url(ws, cycle)
    page = editor_client.get(board_url(ws, cycle)).content.decode()
    assert "is not scored yet" in page
    response = editor_client.post(
        launch_url(launch, "launch_tier"), {"tier": "3", "reason": "Small fix", "next": "launch"}
    )
    assert response["Location"] == launch_url(launch)
    launch.refresh_from_db()
    assert launch.tier == 3 and launch.tier_reason == "Small fix"


def test_launch_page_answers_ready_or_not_in_one_line(editor_client, team):
    ws, cycle, people = team
    launch = make_launch(cycle, people, launch_date=date(2020, 1, 31))
    body = editor_client.get(launch_url(launch)).content.decode()
    assert "Not ready: not tiered yet" in body
    services.launch_set_tier(launch=launch, tier=3, reason="Small", actor=people["PMM"])
    body = editor_client.get(launch_url(launch)).content.decode()
    assert "Not ready: 3 open required items (3 overdue), waiting on " in body
    assert "Help doc update" in body and "Confirm as" not in body


def test_scoring_from_the_launch_page(editor_client, team):
    _, cycle, people = team
    launch = make_launch(cycle, people)
    data = {f"q{n}": "2" for n in range(6)}
    response = editor_client.post(launch_url(launch, "launch_score"), data)
    assert response.status_code == 302
    launch.refresh_from_db()
    assert launch.scores == TIER_2_SCORES
    assert (
        "The rubric suggests <strong>Tier 2</strong> (total 12 of 18)"
        in editor_client.get(launch_url(launch)).content.decode()
    )
    assert editor_client.post(launch_url(launch, "launch_score"), {"q0": "5"}).status_code == 422


def test_checklist_item_with_htmx_returns_item_and_readiness_out_of_band(editor_client, team):
    _, cycle, people = team
    launch = make_launch(cycle, people)
    services.launch_set_tier(launch=launch, tier=3, reason="Small", actor=people["PMM"])
    item = launch.items.get(key="pricing")
    response = editor_client.post(launch_url(launch, "item_update", item.pk), {"status": "done"}, headers=HX)
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert f'id="item-{item.pk}"' in body and 'id="readiness"' in body and 'hx-swap-oob="true"' in body
    assert "Not ready: 2 open required items" in body
    refused = editor_client.post(launch_url(launch, "item_update", item.pk), {"status": "waived"}, headers=HX)
    assert refused.status_code == 422 and "is waived" in refused.content.decode()


def test_checklist_item_plain_post_redirects(editor_client, team):
    _, cycle, people = team
    launch = make_launch(cycle, people)
    services.launch_set_tier(launch=launch, tier=3, reason="Small", actor=people["PMM"])
    item = launch.items.get(key="pricing")
    response = editor_client.post(
        launch_url(launch, "item_update", item.pk), {"status": "waived", "waive_reason": "No change"}
    )
    assert response.status_code == 302 and response["Location"] == launch_url(launch)
    item.refresh_from_db()
    assert item.status == "waived"


def test_leads_confirm_from_the_launch_page(client, team):
    _, cycle, people = team
    launch = make_launch(cycle, people)
    services.launch_score(launch=launch, scores=TIER_2_SCORES)
    services.launch_set_tier(launch=launch, tier=2, actor=people["PMM"])
    client.force_login(people["PM"].user)
    assert "Confirm as PM lead" in client.get(launch_url(launch)).content.decode()
    assert client.post(launch_url(launch, "tier_confirm"), {"as": "PM"}).status_code == 302
    assert client.post(launch_url(launch, "tier_confirm"), {"as": "PMM"}).status_code == 403
    launch.refresh_from_db()
    assert launch.pm_confirmed_by == people["PM"] and launch.pmm_confirmed_by is None


def test_the_readiness_line_names_the_unconfirmed_leads_until_go_is_possible(client, team):
    _, cycle, people = team
    launch = make_launch(cycle, people)
    services.launch_score(launch=launch, scores=TIER_2_SCORES)
    services.launch_set_tier(launch=launch, tier=2, actor=people["PMM"])
    launch.items.filter(required=True).update(status="done")
    Launch.objects.filter(pk=launch.pk).update(metric_name="Activated accounts", metric_target=120)
    client.force_login(people["PM"].user)
    body = client.get(launch_url(launch)).content.decode()
    assert "Not ready: the PM and PMM leads have not confirmed the tier" in body and ">Ready<" not in body
    board = client.get(reverse("launches:cycle", args=[cycle.workspace.slug, cycle.slug])).content.decode()
    assert 'class="pill ready"' not in board and "Awaiting leads" in board and "0 required open" not in board
    refused = client.post(launch_url(launch, "go_decision"), {"decision": "go"})
    body = refused.content.decode()
    assert refused.status_code == 422 and "The PM and PMM leads have not confirmed the tier" in body
    assert "settle the 1 thing listed above first" in body

    client.post(launch_url(launch, "tier_confirm"), {"as": "PM"})
    body = client.get(launch_url(launch)).content.decode()
    assert "Not ready: the PMM lead has not confirmed the tier" in body
    assert "Confirm as PM lead" not in body  # confirmed: the button is gone

    client.force_login(people["PMM"].user)
    assert "Confirm as PMM lead" in client.get(launch_url(launch)).content.decode()
    client.post(launch_url(launch, "tier_confirm"), {"as": "PMM"})
    body = client.get(launch_url(launch)).content.decode()
    assert "<strong>Ready</strong>" in body and "Confirm as" not in body
    board = client.get(reverse("launches:cycle", args=[cycle.workspace.slug, cycle.slug])).content.decode()
    assert 'class="pill ready"' in board
    assert client.post(launch_url(launch, "go_decision"), {"decision": "go"}).status_code == 302


def test_an_admin_who_confirmed_as_one_lead_is_not_offered_the_other(client, team):
    _, cycle, people = team
    launch = make_launch(cycle, people)
    services.launch_set_tier(launch=launch, tier=1, reason="Big bet", actor=people["PMM"])
    client.force_login(people["admin"].user)
    body = client.get(launch_url(launch)).content.decode()
    assert "Confirm as PM lead" in body and "Confirm as PMM lead" in body
    client.post(launch_url(launch, "tier_confirm"), {"as": "PM"})
    body = client.get(launch_url(launch)).content.decode()
    assert "Confirm as" not in body and 'PMM lead: <span class="warn-text">not confirmed</span>' in body


def test_a_tier_1_launch_without_its_day_30_metric_is_not_ready(client, team):
    """The metric is the checklist's own required item: the readiness line counts it once."""
    _, cycle, people = team
    launch = make_launch(cycle, people)
    services.launch_set_tier(launch=launch, tier=1, reason="Big bet", actor=people["PMM"])
    launch.items.filter(required=True).exclude(key=tiering.METRIC_KEY).update(status="done")
    Launch.objects.filter(pk=launch.pk).update(pm_confirmed_by=people["PM"], pmm_confirmed_by=people["PMM"])
    client.force_login(people["PM"].user)
    body = client.get(launch_url(launch)).content.decode()
    assert "Not ready: 1 open required item" in body and "no day-30 metric" not in body
    assert client.post(launch_url(launch, "go_decision"), {"decision": "go"}).status_code == 422


def test_go_refused_while_open_then_recorded(editor_client, team):
    _, cycle, people = team
    launch = make_launch(cycle, people)
    services.launch_set_tier(launch=launch, tier=3, reason="Small", actor=people["PMM"])
    refused = editor_client.post(launch_url(launch, "go_decision"), {"decision": "go"})
    assert refused.status_code == 422 and "settle the 3 things listed above first" in refused.content.decode()
    launch.items.filter(required=True).update(status="done")
    response = editor_client.post(launch_url(launch, "go_decision"), {"decision": "go", "notes": "Ship"})
    assert response.status_code == 302
    assert GoDecision.objects.get(launch=launch).decided_by == people["PMM"].user
    assert "Ready" in editor_client.get(launch_url(launch)).content.decode()


def test_rubric_admin_edits_and_viewer_reads(client, team):
    ws, _, people = team
    url = reverse("launches:rubric", args=[ws.slug])
    client.force_login(people["admin"].user)
    data = {
        "tier_count": "3",
        "tier_1": "Major",
        "tier_2": "Minor",
        "tier_3": "Patch",
        "threshold_1": "8",
        "threshold_2": "5",
        "lead_1": "6",
        "lead_2": "3",
        "lead_3": "1",
        "questions": "Revenue? | 2\nReach?\n\n",
    }
    assert client.post(url, data).status_code == 302
    rubric = TieringRubric.objects.get(workspace=ws).as_rubric()
    assert rubric.tier_names == ("Major", "Minor", "Patch") and [q.weight for q in rubric.questions] == [2, 1]
    refused = client.post(url, dict(data, threshold_1="4"))
    assert refused.status_code == 422 and "higher than the next" in refused.content.decode()
    refused = client.post(url, dict(data, questions="Revenue? | lots"))
    assert refused.status_code == 422 and "is not a weight" in refused.content.decode()
    client.force_login(people["viewer"].user)
    body = client.get(url).content.decode()
    assert "Major" in body and "Workspace admins edit the rubric" in body


def test_user_text_is_escaped_everywhere(editor_client, team):
    ws, cycle, people = team
    evil = "<script>alert(1)</script>"
    launch = make_launch(cycle, people, name=evil, summary=evil)
    services.launch_set_tier(launch=launch, tier=3, reason=evil, actor=people["PMM"])
    for url in (board_url(ws, cycle), launch_url(launch)):
        body = editor_client.get(url).content.decode()
        assert evil not in body and "&lt;script&gt;" in body


def _board_with(cycle, people, n):
    """The cycle grown to n launches, every other one tiered."""
    for i in range(Launch.objects.filter(cycle=cycle).count(), n):
        launch = make_launch(cycle, people, name=f"Launch {i}")
        if i % 2:
            services.launch_score(launch=launch, scores=TIER_2_SCORES)
            services.launch_set_tier(launch=launch, tier=1 + i % 3, reason="Planned", actor=people["PMM"])


def test_board_query_count_is_constant(editor_client, team):
    ws, cycle, people = team

    def check(response, size):
        assert response.status_code == 200 and response.content.decode().count('class="launch-card') == size

    # 7 for the board, 3 for its plan warnings (first open items, dependencies, dates to
    # avoid), 1 for the bell's unread count, 1 for the workspace switcher in the top bar and
    # 2 for the relay's flags (the workspace's phases, the hand-overs waiting).
    assert_same_queries(
        lambda size: _board_with(cycle, people, size),
        lambda _: editor_client.get(board_url(ws, cycle)),
        at_most=14,
        check=check,
    )


def test_board_move_query_count_is_constant(editor_client, team):
    ws, cycle, people = team

    def build(size):
        _board_with(cycle, people, size)
        return Launch.objects.filter(cycle=cycle, tier__isnull=True).first()

    def check(response, _):
        assert response.status_code == 200

    # 18 for the move and its checklist, 8 for telling the owners (whatever the number of
    # items), 3 for the board's plan warnings, 2 for the board's relay flags.
    assert_same_queries(
        build,
        lambda launch: editor_client.post(
            launch_url(launch, "launch_tier"), {"tier": "3", "reason": "Small"}, headers=HX
        ),
        at_most=31,
        check=check,
    )


def test_checklist_item_keeps_a_link_to_its_evidence(editor_client, team):
    _, cycle, people = team
    launch = make_launch(cycle, people)
    services.launch_set_tier(launch=launch, tier=3, reason="Small", actor=people["PMM"])
    item = launch.items.get(key="pricing")
    url = launch_url(launch, "item_update", item.pk)
    response = editor_client.post(
        url, {"status": "done", "evidence_url": "https://wiki.example.com/pricing"}, headers=HX
    )
    assert response.status_code == 200 and 'href="https://wiki.example.com/pricing"' in response.content.decode()
    refused = editor_client.post(url, {"status": "done", "evidence_url": "javascript:alert(1)"}, headers=HX)
    assert refused.status_code == 422 and "web address" in refused.content.decode()
    item.refresh_from_db()
    assert item.evidence_url == "https://wiki.example.com/pricing"


@pytest.mark.parametrize(("name", "data"), [("item_update", {"status": "bogus"}), ("item_role", {"role": "x"})])
@pytest.mark.parametrize("htmx", [True, False])
def test_a_post_to_a_checklist_item_deleted_since_answers_404(client, team, name, data, htmx):
    ws, cycle, people = team
    launch = make_launch(cycle, people)
    services.launch_set_tier(launch=launch, tier=3, reason="Small", actor=people["PMM"])
    item_id = launch.items.first().pk
    launch.items.filter(pk=item_id).delete()
    client.force_login(people["editor"].user)
    url = reverse(f"launches:{name}", args=[ws.slug, cycle.slug, launch.pk, item_id])
    response = client.post(url, data, headers={"HX-Request": "true"} if htmx else {})
    assert response.status_code == (404 if htmx else 302)


def _checklist_of(launch, people, size):
    """The launch's checklist grown to `size` items, half of them required and owned."""
    from launches.models import ReadinessItem

    have = launch.items.count()
    ReadinessItem.objects.bulk_create(
        [
            ReadinessItem(
                launch=launch,
                key=f"extra-{n}",
                title=f"Extra check {n}",
                required=n % 2 == 0,
                owner=people["PM"] if n % 2 == 0 else None,
                order=100 + n,
            )
            for n in range(have, size)
        ]
    )
    return launch


@pytest.mark.parametrize("own_matrix", [False, True])
def test_ticking_one_checklist_item_reads_what_the_item_needs_whatever_the_checklist_size(
    editor_client, team, own_matrix
):
    ws, cycle, people = team
    matrix = owners_matrix(ws)  # the workspace's default matrix, which the item's owner comes from
    launch = make_launch(cycle, people, matrix_id=matrix.pk if own_matrix else None)
    services.launch_set_tier(launch=launch, tier=3, reason="Small", actor=people["PMM"])
    item = launch.items.get(key="pricing")
    statuses = iter(["done", "in_progress"])

    def check(response, size):
        body = response.content.decode()
        assert response.status_code == 200 and f'id="item-{item.pk}"' in body and 'id="readiness"' in body
        assert body.count('class="check-item') == 1 and "PMM is A/R on Pricing &amp; Packaging" in body

    # The session and the membership, the launch with its cycle, the item read and written,
    # the cycle's number moved (launches.live), then the checklist (for the readiness line),
    # the item's row of the matrix (and the default matrix, for a launch without its own)
    # and the members to pick an owner from.
    count = assert_same_queries(
        lambda size: _checklist_of(launch, people, size),
        lambda launch: editor_client.post(
            launch_url(launch, "item_update", item.pk), {"status": next(statuses)}, headers=HX
        ),
        sizes=(5, 50),
        at_most=10,
        check=check,
    )
    assert count == (9 if own_matrix else 10)
