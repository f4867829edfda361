"""The Launch Tiering meeting lists next quarter's candidates with score, suggestion,
owners and warnings, and lets the room tier them; each tier goes to the decision log."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from launches import services
from launches.models import Launch
from raci.models import Decision
from rituals import services as rituals_services
from rituals.models import OccurrenceDecision
from tests.factories import MatrixFactory, MembershipFactory
from tests.launches.conftest import TIER_1_SCORES, TIER_2_SCORES, make_launch

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel("2026-12-01 09:00Z", tick=False):
        yield


@pytest.fixture
def meeting(team):
    """The default Launch Tiering ritual and its December meeting, which tiers 2027-Q1."""
    ws, cycle, people = team
    ritual = next(r for r in rituals_services.rituals_seed_defaults(workspace=ws) if r.key == "launch-tiering")
    day = ritual.next_date(date(2026, 12, 1))
    assert (day.year, day.month) == (2026, 12)
    return ws, cycle, people, ritual, day


def _url(ritual, day, name="occurrence", *extra):
    return reverse(f"rituals:{name}", args=[ritual.workspace.slug, ritual.pk, day.isoformat(), *extra])


def test_the_meeting_lists_candidates_with_scores_suggestions_owners_and_warnings(client, meeting):
    ws, cycle, people, ritual, day = meeting
    billing = make_launch(cycle, people, name="Billing", launch_date=date(2027, 1, 20))
    services.launch_score(launch=billing, scores=TIER_1_SCORES)
    make_launch(cycle, people, name="Early bird", launch_date=date(2026, 12, 20))
    client.force_login(people["PMM"].user)
    body = client.get(_url(ritual, day)).content.decode()
    assert "Candidates for 2027-Q1" in body and "Billing" in body and "Score 15 · suggests Tier 1" in body
    assert people["PMM"].display_name in body and 'data-code="outside-cycle"' in body
    assert _url(ritual, day, "occurrence_tier", billing.pk) in body


def test_other_rituals_list_no_candidates(client, meeting):
    ws, cycle, people, ritual, day = meeting
    other = rituals_services.ritual_create(
        workspace=ws, name="Pricing sync", cadence="weekly", starts_on=date(2026, 12, 2)
    )
    client.force_login(people["PMM"].user)
    assert "Candidates for" not in client.get(_url(other, date(2026, 12, 2))).content.decode()


def test_a_meeting_before_the_cycle_is_open_offers_to_open_it(client, meeting):
    ws, cycle, people, ritual, day = meeting
    cycle.delete()
    client.force_login(people["PMM"].user)
    body = client.get(_url(ritual, day)).content.decode()
    assert "launch cycle is not open yet" in body and reverse("launches:quarter", args=[ws.slug, "2027-q1"]) in body


def test_the_room_tiers_a_candidate_and_the_decision_goes_to_the_log(client, meeting):
    ws, cycle, people, ritual, day = meeting
    matrix = MatrixFactory(workspace=ws)
    launch = make_launch(cycle, people, name="Billing")
    services.launch_score(launch=launch, scores=TIER_2_SCORES)
    client.force_login(people["PMM"].user)
    response = client.post(_url(ritual, day, "occurrence_tier", launch.pk), {"tier": "1", "reason": "Board ask"})
    assert response.status_code == 302 and response["Location"].endswith(f"#candidate-{launch.pk}")
    launch.refresh_from_db()
    assert launch.tier == 1 and launch.tier_reason == "Board ask"
    decision = Decision.objects.get(matrix=matrix)
    assert decision.what == "Billing: Tier 1" and "Board ask" in decision.why and decision.decided_on == day
    assert OccurrenceDecision.objects.filter(decision=decision, occurrence__ritual=ritual).exists()
    assert "Billing: Tier 1" in client.get(_url(ritual, day)).content.decode()


def test_a_tier_against_the_suggestion_without_a_reason_is_refused_and_nothing_logged(client, meeting):
    ws, cycle, people, ritual, day = meeting
    MatrixFactory(workspace=ws)
    launch = make_launch(cycle, people, name="Billing")
    services.launch_score(launch=launch, scores=TIER_2_SCORES)
    client.force_login(people["PMM"].user)
    response = client.post(_url(ritual, day, "occurrence_tier", launch.pk), {"tier": "1", "reason": ""}, follow=True)
    assert "say why it is Tier 1" in response.content.decode()
    assert Launch.objects.get(pk=launch.pk).tier is None and not Decision.objects.exists()


def test_without_a_matrix_the_tier_is_still_set(client, meeting):
    ws, cycle, people, ritual, day = meeting
    launch = make_launch(cycle, people, name="Billing")
    services.launch_score(launch=launch, scores=TIER_2_SCORES)
    client.force_login(people["PMM"].user)
    client.post(_url(ritual, day, "occurrence_tier", launch.pk), {"tier": "2"})
    assert Launch.objects.get(pk=launch.pk).tier == 2 and not Decision.objects.exists()


def test_viewers_cannot_tier_and_other_workspaces_launches_are_404(client, meeting):
    ws, cycle, people, ritual, day = meeting
    launch = make_launch(cycle, people, name="Billing")
    client.force_login(people["viewer"].user)
    assert client.post(_url(ritual, day, "occurrence_tier", launch.pk), {"tier": "3", "reason": "x"}).status_code == 403
    foreign_admin = MembershipFactory()
    foreign_cycle = services.cycle_create(workspace=foreign_admin.workspace, quarter="2027-Q1")
    foreign = make_launch(foreign_cycle, name="Theirs")
    client.force_login(people["PMM"].user)
    assert (
        client.post(_url(ritual, day, "occurrence_tier", foreign.pk), {"tier": "3", "reason": "x"}).status_code == 404
    )
    assert Launch.objects.get(pk=foreign.pk).tier is None
