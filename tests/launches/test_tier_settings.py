"""The number of tiers, their names, thresholds and lead times as a workspace setting:
the pure rules, the service's refusal to drop a tier launches sit in, the admin page and the board."""

from datetime import date

import pytest
from django.urls import reverse

from core.errors import InvalidInput
from launches import services, tiering
from launches.models import Launch, TieringRubric
from launches.selectors import rubric_of
from launches.tiering import Question, Rubric, RubricError, rubric_check
from tests.launches.conftest import make_launch

Q = (Question("a"), Question("b"))


def rub(names, thresholds, weeks=()):
    return Rubric(Q, tuple(thresholds), tuple(names), tuple(weeks))


@pytest.mark.parametrize("count", [2, 3, 4, 5])
def test_two_to_five_tiers_are_accepted(count):
    names = [f"T{n}" for n in range(count)]
    thresholds = list(range(10, 10 - (count - 1), -1))
    assert rubric_check(rub(names, thresholds, [1] * count)).tiers == tuple(range(1, count + 1))


@pytest.mark.parametrize(
    "rubric, field",
    [
        (rub(["A"], []), "tier_count"),
        (rub(["A", "B", "C", "D", "E", "F"], [6, 5, 4, 3, 2]), "tier_count"),
        (rub(["A", " "], [3]), "tier_names"),
        (rub(["A", "B", "A", "C"], [6, 5, 4]), "tier_names"),
        (rub(["A", "B", "C", "D"], [6, 5]), "thresholds"),
        (rub(["A", "B", "C", "D"], [6, 5, 5]), "thresholds"),
        (rub(["A", "B", "C", "D"], [6, 4, 5]), "thresholds"),
        (rub(["A", "B", "C"], [6, 5], [1, 1]), "lead_weeks"),
        (rub(["A", "B", "C"], [6, 5], [1, 1, 53]), "lead_weeks"),
        (rub(["A", "B", "C"], [6, 5], [1, -1, 1]), "lead_weeks"),
    ],
)
def test_broken_tier_settings_are_refused_naming_the_field(rubric, field):
    with pytest.raises(RubricError) as error:
        rubric_check(rubric)
    assert error.value.field == field


def test_the_suggestion_uses_the_configured_thresholds():
    four = rub(["A", "B", "C", "D"], [6, 5, 4])
    assert [tiering.tier_for_total(four, t) for t in (7, 6, 5, 4, 3, 2)] == [1, 1, 2, 3, 4, 4]
    assert tiering.suggest_tier(four, [3, 3]) == 1 and tiering.suggest_tier(four, [1, 1]) == 4
    two = rub(["Big", "Small"], [5])
    assert tiering.suggest_tier(two, [3, 2]) == 1 and tiering.suggest_tier(two, [2, 2]) == 2


def test_lead_times_come_from_the_rubric_else_the_defaults():
    five = rub(["A", "B", "C", "D", "E"], [9, 8, 7, 6], [10, 6, 3, 2, 0])
    assert [tiering.lead_days(t, five) for t in (1, 2, 3, 4, 5)] == [70, 42, 21, 14, 0]
    unset = rub(["A", "B", "C", "D"], [6, 5, 4])
    assert [tiering.lead_days(t, unset) for t in (1, 2, 3, 4)] == [56, 28, 7, 7]
    assert tiering.lead_days(None, five) is None
    assert tiering.DEFAULT_RUBRIC.weeks_of(1) == 8


def test_tiers_past_the_third_use_the_last_deliverable_set():
    assert tiering.deliverables_for(4) == tiering.deliverables_for(5) == tiering.deliverables_for(3)


def test_dropped_tier_blockers():
    launches = [("Zeta", 4), ("Alpha", 5), ("Mid", 3), ("Loose", None)]
    assert tiering.dropped_tier_blockers(tier_count=3, launches=launches) == ["Alpha", "Zeta"]
    assert tiering.dropped_tier_blockers(tier_count=4, launches=launches) == ["Alpha"]
    assert tiering.dropped_tier_blockers(tier_count=5, launches=launches) == []
    assert tiering.dropped_tier_blockers(tier_count=2, launches=launches) == ["Alpha", "Mid", "Zeta"]


# --- service, page and board --------------------------------------------------------

FOUR = {
    "questions": [("a", 1), ("b", 1)],
    "thresholds": [6, 5, 4],
    "tier_names": ["Big", "Medium", "Small", "Tiny"],
    "lead_weeks": [8, 4, 2, 1],
}


@pytest.mark.django_db
def test_reducing_tiers_is_refused_while_a_launch_sits_in_a_dropped_tier(team):
    ws, cycle, people = team
    services.rubric_update(workspace=ws, **FOUR)
    tiny = make_launch(cycle, people, name="Tiny thing")
    services.launch_set_tier(launch=tiny, tier=4, reason="Smallest", actor=people["PMM"])
    assert tiny.items.exists()  # the fourth tier falls back to the last deliverable set
    with pytest.raises(InvalidInput) as refused:
        services.rubric_update(workspace=ws, questions=[("a", 1)], thresholds=[3, 2], tier_names=["A", "B", "C"])
    assert "Tiny thing" in refused.value.message and refused.value.field == "tier_count"
    assert rubric_of(workspace_id=ws.pk).tier_names == ("Big", "Medium", "Small", "Tiny")
    services.launch_set_tier(launch=tiny, tier=3, reason="Small after all", actor=people["PMM"])
    services.rubric_update(workspace=ws, questions=[("a", 1)], thresholds=[3, 2], tier_names=["A", "B", "C"])
    assert rubric_of(workspace_id=ws.pk).tier_names == ("A", "B", "C")


@pytest.mark.django_db
def test_a_launch_in_a_dropped_tier_of_another_workspace_does_not_block_reducing_tiers(team):
    from tests.factories import MembershipFactory

    ws, _, _ = team
    other = MembershipFactory().workspace
    services.rubric_update(workspace=other, **FOUR)
    other_launch = make_launch(services.cycle_create(workspace=other, quarter="2027-Q1"), name="Theirs")
    other_launch.tier = 4
    other_launch.save()
    services.rubric_update(workspace=ws, **FOUR)
    services.rubric_update(workspace=ws, questions=[("a", 1)], thresholds=[2], tier_names=["A", "B"])
    assert rubric_of(workspace_id=ws.pk).tier_names == ("A", "B")
    assert rubric_of(workspace_id=other.pk).tier_names == ("Big", "Medium", "Small", "Tiny")
    assert Launch.objects.get(pk=other_launch.pk).tier == 4


def _form(count, **extra):
    data = {"tier_count": str(count), "questions": "a\nb"}
    for n, (name, threshold, weeks) in enumerate(
        zip(["Big", "Medium", "Small", "Tiny", "Micro"], [6, 5, 4, 3], [8, 4, 2, 1, 0]), start=1
    ):
        data |= {f"tier_{n}": name, f"threshold_{n}": str(threshold), f"lead_{n}": str(weeks)}
    data |= {"tier_5": "Micro", "lead_5": "0"}
    return data | extra


@pytest.mark.django_db
def test_admin_sets_four_tiers_and_the_board_shows_them(client, team):
    ws, cycle, people = team
    url = reverse("launches:rubric", args=[ws.slug])
    client.force_login(people["admin"].user)
    page = client.get(url).content.decode()
    assert 'name="tier_count"' in page and 'name="lead_5"' in page
    assert client.post(url, _form(4)).status_code == 302
    rubric = TieringRubric.objects.get(workspace=ws).as_rubric()
    assert rubric.tier_names == ("Big", "Medium", "Small", "Tiny") and rubric.thresholds == (6, 5, 4)
    assert rubric.lead_weeks == (8, 4, 2, 1)
    launch = make_launch(cycle, people)
    services.launch_set_tier(launch=launch, tier=4, reason="Tiny", actor=people["PMM"])
    board = client.get(reverse("launches:cycle", args=[ws.slug, cycle.slug])).content.decode()
    assert board.count('class="board-col"') == 5 and 'data-tier="4"' in board and ">Tiny <span" in board
    page = client.get(reverse("launches:launch", args=[ws.slug, cycle.slug, launch.pk])).content.decode()
    assert "7 days for Tiny" in page
    assert "<strong>Tiny</strong>: 1 week before" in client.get(url).content.decode()


@pytest.mark.django_db
def test_admin_page_refusals(client, team):
    ws, cycle, people = team
    url = reverse("launches:rubric", args=[ws.slug])
    client.force_login(people["admin"].user)
    for data, text in (
        (_form(4, tier_3=""), "Every tier needs a name"),
        (_form(4, tier_3="Big"), "a name of its own"),
        (_form(4, threshold_3="7"), "higher than the next"),
        (_form(4, threshold_2=""), "needs a threshold"),
        (_form(5, lead_5=""), "needs a lead time"),
        (_form(6), "Select a valid choice"),
    ):
        refused = client.post(url, data)
        assert refused.status_code == 422 and text in refused.content.decode(), text
    assert not TieringRubric.objects.filter(workspace=ws).exists()
    assert client.post(url, _form(5)).status_code == 302
    launch = make_launch(cycle, people, name="Micro <fix>", launch_date=date(2027, 3, 1))
    services.launch_set_tier(launch=launch, tier=5, reason="Micro", actor=people["PMM"])
    refused = client.post(url, _form(2))
    assert refused.status_code == 422 and "Micro &lt;fix&gt;" in refused.content.decode()
    assert len(rubric_of(workspace_id=ws.pk).tier_names) == 5
    client.force_login(people["viewer"].user)
    assert client.post(url, _form(3)).status_code == 403
