"""Reading what a chat message asks."""

from __future__ import annotations

import pytest

from chat.question import launch_words, question_of


@pytest.mark.parametrize(
    ("text", "activity", "matrix", "launch"),
    [
        ("who owns pricing", "pricing", "", ""),
        ("Who's accountable for the launch brief?", "launch brief", "", ""),
        ("who is responsible for positioning", "positioning", "", ""),
        ("pricing", "pricing", "", ""),
        ("<at>Lockstep</at> who owns pricing&nbsp;for Atlas", "pricing", "", "Atlas"),
        ("who owns pricing in Launch matrix", "pricing", "Launch matrix", ""),
        ("who owns pricing for the Q1 launch in Launch matrix", "pricing", "Launch matrix", "Q1 launch"),
        ("who owns pricing in Launch matrix for Atlas", "pricing", "Launch matrix", "Atlas"),
    ],
)
def test_the_activity_and_the_named_matrix_and_launch_are_read(text, activity, matrix, launch):
    question = question_of(text)
    assert (question.kind, question.activity, question.matrix, question.launch) == ("who", activity, matrix, launch)


@pytest.mark.parametrize("text", ["", "  ", "help", "HELP!", "?", "<at>Lockstep</at>", "<at>Lockstep</at> help"])
def test_nothing_or_help_asks_for_help(text):
    assert question_of(text).kind == "help"


def test_the_words_with_their_tails_are_kept_for_when_a_tail_names_nothing():
    assert question_of("who owns pricing for enterprise").whole == "pricing for enterprise"


def test_a_launch_is_named_without_the_word_launch():
    assert launch_words("the Q1 launch") == "Q1" and launch_words("launch") == "launch"


def test_hostile_text_is_bounded_and_stripped_of_markup():
    question = question_of("<script>x</script>" + "a" * 10_000 + "\x00")
    assert len(question.activity) <= 300 and "<" not in question.activity
