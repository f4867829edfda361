"""Writes to a workspace's phase list: bounded, unique names, at most 30, ordered, and
removal refused while activities are in the phase."""

import pytest

from core.errors import InvalidInput, NotFound
from tests.factories import MembershipFactory
from workspaces import team_phases
from workspaces.models import Access, Phase

pytestmark = pytest.mark.django_db


@pytest.fixture
def workspace():
    return MembershipFactory(access=Access.ADMIN).workspace


def names(workspace):
    return [p.name for p in team_phases.phases_of(workspace=workspace)]


def test_a_new_workspace_has_the_lifecycle_without_storing_it(workspace, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert [p.name for p in team_phases.phase_list(workspace_id=workspace.pk)] == [
            "Insight/Discovery",
            "Strategy",
            "Build & Validate",
            "Launch",
            "Post-Launch",
        ]
    assert not Phase.objects.exists()


def test_adding_stores_the_defaults_then_appends(workspace):
    phase = team_phases.phase_add(workspace=workspace, name="  Beta   program ")
    assert phase.name == "Beta program" and phase.key.startswith("t-")
    assert names(workspace)[-1] == "Beta program" and len(names(workspace)) == 6


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "needs a name"),
        ("   ", "needs a name"),
        ("x" * 61, "at most 60 characters"),
        ("strategy", "already has a phase named “Strategy”"),
        ("Beta\x07", "control characters"),
        ("Unphased", "without a phase"),
    ],
)
def test_bad_names_are_refused_with_a_clear_message(workspace, name, message):
    with pytest.raises(InvalidInput) as refused:
        team_phases.phase_add(workspace=workspace, name=name)
    assert message in refused.value.message and refused.value.field == "name"


def test_at_most_30_phases(workspace):
    team_phases.phases_add(workspace=workspace, names=[f"Stage {i}" for i in range(25)])
    with pytest.raises(InvalidInput, match="at most 30 phases"):
        team_phases.phase_add(workspace=workspace, name="One too many")
    assert Phase.objects.filter(workspace=workspace).count() == 30


def test_phases_add_skips_names_it_has_and_adds_all_or_nothing(workspace):
    team_phases.phases_add(workspace=workspace, names=["Alpha", "alpha", "LAUNCH", "Beta"])
    assert names(workspace)[5:] == ["Alpha", "Beta"]
    with pytest.raises(InvalidInput):
        team_phases.phases_add(workspace=workspace, names=["Gamma", "x" * 61])
    assert "Gamma" not in names(workspace)


def test_renaming_keeps_the_key_and_refuses_a_taken_name(workspace):
    phase = team_phases.phase_rename(workspace=workspace, phase_key="launch", name="GTM")
    assert (phase.key, phase.name) == ("launch", "GTM")
    with pytest.raises(InvalidInput, match="already has a phase named"):
        team_phases.phase_rename(workspace=workspace, phase_key="strategy", name="gtm")
    team_phases.phase_rename(workspace=workspace, phase_key="launch", name="gtm")  # its own name in another case
    assert names(workspace)[3] == "gtm"


def test_moving_swaps_with_the_neighbour_and_stops_at_the_ends(workspace):
    team_phases.phase_move(workspace=workspace, phase_key="launch", direction="up")
    team_phases.phase_move(workspace=workspace, phase_key="insight", direction="up")
    assert names(workspace) == ["Insight/Discovery", "Strategy", "Launch", "Build & Validate", "Post-Launch"]
    with pytest.raises(InvalidInput):
        team_phases.phase_move(workspace=workspace, phase_key="launch", direction="sideways")


def test_removing_renumbers_and_keeps_at_least_one(workspace):
    for key in ("insight", "strategy", "build", "launch"):
        team_phases.phase_remove(workspace=workspace, phase_key=key)
    assert [(p.name, p.position) for p in team_phases.phases_of(workspace=workspace)] == [("Post-Launch", 0)]
    with pytest.raises(InvalidInput, match="only phase"):
        team_phases.phase_remove(workspace=workspace, phase_key="post_launch")


def test_a_removed_lifecycle_phase_comes_back_with_its_key(workspace):
    team_phases.phase_remove(workspace=workspace, phase_key="launch")
    assert team_phases.phase_add(workspace=workspace, name="Go-to-market").key == "launch"


def test_another_workspaces_phase_is_not_found(workspace):
    other = MembershipFactory(access=Access.ADMIN).workspace
    phase = team_phases.phase_add(workspace=other, name="Secret")
    for write in (
        lambda: team_phases.phase_rename(workspace=workspace, phase_key=phase.key, name="Mine"),
        lambda: team_phases.phase_move(workspace=workspace, phase_key=phase.key, direction="up"),
        lambda: team_phases.phase_remove(workspace=workspace, phase_key=phase.key),
    ):
        with pytest.raises(NotFound):
            write()
    assert Phase.objects.get(pk=phase.pk).name == "Secret"


def test_a_stale_rename_is_refused(workspace):
    from core.errors import Conflict

    team_phases.phase_rename(workspace=workspace, phase_key="strategy", name="Plan")
    with pytest.raises(Conflict, match="renamed this phase to “Plan”"):
        team_phases.phase_rename(workspace=workspace, phase_key="strategy", name="Bets", expected_name="Strategy")
    assert names(workspace)[1] == "Plan"
