"""The phase rules in plain Python: aliases, a workspace's list, keys for new phases."""

import pytest

from workspaces.phases import LIFECYCLE, PhaseList, key_for_new, parse_phase


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Discovery", "insight"),
        ("  insight   &  DISCOVERY ", "insight"),
        ("Phase 0", "insight"),
        ("Development", "build"),
        ("GTM", "launch"),
        ("Go-to-market", "launch"),
        ("go to market", "launch"),
        ("Post-launch", "post_launch"),
        ("post launch", "post_launch"),
        ("", ""),
        ("Unphased", ""),
    ],
)
def test_aliases_map_to_the_lifecycle(text, key):
    assert parse_phase(text) == key


@pytest.mark.parametrize("text", ["Alpha", "Phase 1", "Hypercare", "Découverte", "GA"])
def test_other_text_is_a_teams_own_phase(text):
    assert parse_phase(text) is None


def test_the_default_list_is_the_lifecycle_in_order():
    phases = PhaseList.default()
    assert [(p.key, p.name) for p in phases] == list(LIFECYCLE)
    assert phases.choices()[0] == ("", "Unphased")


def test_a_renamed_lifecycle_phase_is_found_by_its_new_name_and_its_aliases():
    phases = PhaseList([("insight", "Research"), ("launch", "Ship it"), ("t-1", "Beta")])
    assert phases.match("ship IT") == "launch" and phases.match("GTM") == "launch"
    assert phases.match("beta") == "t-1" and phases.match("") == ""
    assert phases.match("Strategy") is None  # the workspace has no Strategy phase
    assert phases.match("Gamma") is None


def test_the_workspaces_name_wins_over_an_alias():
    phases = PhaseList([("insight", "Insight"), ("t-9", "Research")])
    assert phases.match("Research") == "t-9"


def test_unknown_keys_sort_after_the_list_and_unphased_last():
    phases = PhaseList([("t-2", "Beta"), ("t-1", "Alpha")])
    assert sorted(["", "launch", "t-1", "t-2"], key=phases.order) == ["t-2", "t-1", "launch", ""]
    assert phases.label("launch") == "Launch" and phases.label("t-gone") == "Removed phase"
    assert phases.label("") == "Unphased"


def test_a_new_phase_takes_back_a_missing_lifecycle_key_else_a_team_key():
    assert key_for_new("GTM", {"insight"}) == "launch"
    assert key_for_new("GTM", {"launch"}).startswith("t-")
    assert key_for_new("Alpha", set()).startswith("t-") and len(key_for_new("Alpha", set())) <= 20
