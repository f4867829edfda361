"""The reveal's rules, on plain data."""

from raci.rules import ActivityData, RoleData
from workshops import reveal

ROLES = [RoleData("pm", "PM"), RoleData("pmm", "PMM")]


def _acts(*names):
    return [ActivityData(n, n) for n in names]


def test_a_participant_who_filled_part_of_a_row_proposes_blank_for_the_rest():
    rows = reveal.reveal(_acts("x"), ROLES, {("ana", "x", "pm"): "A", ("bo", "x", "pm"): "A", ("bo", "x", "pmm"): "R"})
    pmm = rows[0].cells[1]
    assert pmm.counts == {"R": 1, "": 1} and pmm.disputed
    assert rows[0].total == 2


def test_a_row_nobody_touched_has_no_proposals_and_comes_last():
    rows = reveal.reveal(_acts("empty", "x"), ROLES, {("ana", "x", "pm"): "A", ("ana", "x", "pmm"): "R"})
    assert [r.activity.key for r in rows] == ["x", "empty"]
    assert rows[1].tier == reveal.EMPTY and rows[0].tier == reveal.AGREED


def test_the_most_split_cell_comes_first():
    proposals = {}
    for p, v in zip("abcd", "AARR", strict=True):  # 2-2 on "even"
        proposals[(p, "even", "pm")], proposals[(p, "even", "pmm")] = v, "C"
    for p, v in zip("abcd", "AAAR", strict=True):  # 3-1 on "lean"
        proposals[(p, "lean", "pm")], proposals[(p, "lean", "pmm")] = v, "R"
    rows = reveal.reveal(_acts("lean", "even"), ROLES, proposals)
    assert [r.activity.key for r in rows] == ["even", "lean"]
    cells = reveal.ordered_cells(rows)
    assert (cells[0].activity, cells[0].role) == ("even", "pm")


def test_agreed_cells_whose_majority_makes_two_accountable_come_before_agreed_ones():
    proposals = {}
    for p in "ab":
        proposals[(p, "fine", "pm")], proposals[(p, "fine", "pmm")] = "A", "R"
        proposals[(p, "two-a", "pm")], proposals[(p, "two-a", "pmm")] = "A", "A"
    rows = reveal.reveal(_acts("fine", "two-a"), ROLES, proposals)
    assert [r.activity.key for r in rows] == ["two-a", "fine"]
    assert rows[0].tier == reveal.FINDING
    assert {f.rule for f in rows[0].findings} >= {"multiple-accountable"}


def test_a_tie_has_no_majority():
    cell = reveal.spread("x", "pm", ["A", "R"])
    assert cell.majority is None and cell.split_score == 0.5
    assert reveal.spread("x", "pm", ["A", "A", "R"]).majority == "A"


def test_the_spread_reads_most_first():
    assert reveal.spread("x", "pm", ["R", "A", "A", "AR", ""]).spread_text() == "A×2, R×1, A/R×1, blank×1"


def test_agreement_counts_the_rows_proposers_who_proposed_exactly_the_settled_letters():
    proposals = {("a", "x", "pm"): "A", ("a", "x", "pmm"): "R", ("b", "x", "pm"): "A", ("c", "x", "pm"): "R"}
    assert reveal.agreement(proposals, {"a", "b", "c"}, "x", {"pm": "A"}) == (2, 3)
    assert reveal.agreement(proposals, {"a", "b", "c"}, "x", {"pm": "A", "pmm": "R"}) == (1, 3)
    # Someone no longer invited does not count.
    assert reveal.agreement(proposals, {"a", "b"}, "x", {"pm": "A"}) == (2, 2)
