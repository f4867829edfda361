"""Names typed by people: trimmed, bounded, and free of characters that hide or flip text."""

import pytest

from core.errors import InvalidInput
from core.text import clean_name
from workspaces.team_phases import clean_phase_name


@pytest.mark.parametrize("bad", ["\u202e", "\u202d", "\u2066", "\u2069", "\x07", "\x1b", "\x9b"])
def test_a_name_with_a_hidden_control_character_is_refused_saying_which(bad):
    with pytest.raises(InvalidInput, match=f"U\\+{ord(bad):04X}") as refused:
        clean_name(f"Launch{bad}plan", "matrix")
    assert refused.value.field == "name"


@pytest.mark.parametrize("good", ["שלום צוות", "فريق المنتج", "Équipe produit 🚀", "PM / PMM"])
def test_right_to_left_accented_and_emoji_names_are_kept(good):
    assert clean_name(f"  {good}  ", "matrix") == good


def test_a_phase_name_refuses_a_bidirectional_override():
    with pytest.raises(InvalidInput, match="control characters"):
        clean_phase_name("Beta\u202eATEB")
