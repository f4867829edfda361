"""How far a matrix drifted from its template, and what the template changed since (no
database): rows matched by name whatever the case, letters compared for shared roles."""

from raci.drift import Row, compare, pending_updates


def _rows(*specs):
    return [Row(name, letters=dict(letters)) for name, letters in specs]


def test_compare_lists_changed_added_and_removed_rows_side_by_side():
    mine = _rows(
        ("Naming", {"PM": "C", "PMM": "AR"}), ("Pricing", {"PM": "A", "PMM": "A"}), ("Our ritual", {"PM": "AR"})
    )
    theirs = _rows(
        ("naming", {"PM": "C", "PMM": "AR"}),
        ("Pricing", {"PM": "C", "PMM": "AR"}),
        ("Analyst briefings", {"PMM": "AR"}),
    )
    diffs = compare(mine, theirs, ["PM", "PMM"])
    assert [(d.kind, d.name) for d in diffs] == [
        ("same", "Naming"),
        ("changed", "Pricing"),
        ("removed", "Our ritual"),
        ("added", "Analyst briefings"),
    ]
    assert diffs[1].cells() == [("PM", "A", "C", True), ("PMM", "A", "A/R", True)]
    assert diffs[3].cells() == [("PM", "", "", False), ("PMM", "", "A/R", True)]


def test_letters_of_roles_the_matrix_does_not_have_do_not_count_as_drift():
    mine = _rows(("Naming", {"PM": "C"}))
    theirs = _rows(("Naming", {"PM": "C", "LEGAL": "I"}))
    assert compare(mine, theirs, ["PM"])[0].kind == "same"


def test_pending_updates_are_the_templates_changes_since_the_matrixs_version():
    basis = _rows(("Naming", {"PM": "C"}), ("Pricing", {"PMM": "AR"}), ("Old", {"PM": "AR"}))
    current = _rows(("Naming", {"PM": "R"}), ("Pricing", {"PMM": "AR"}), ("New", {"PMM": "AR"}))
    mine = _rows(("Naming", {"PM": "C"}), ("Pricing", {"PM": "A", "PMM": "A"}), ("Old", {"PM": "AR"}))
    updates = pending_updates(basis, current, mine, ["PM", "PMM"])
    assert [(u.kind, u.name) for u in updates] == [("changed", "Naming"), ("added", "New"), ("removed", "Old")]
    # The team's own edit of Pricing is not the template's change: nothing to take there.
    assert updates[0].describe() == "The template changed “Naming”: PM C → R."
    assert updates[1].key == "added:new"


def test_what_the_matrix_already_has_is_not_offered_again():
    basis = _rows(("Naming", {"PM": "C"}))
    current = _rows(("Naming", {"PM": "R"}), ("New", {"PMM": "AR"}))
    mine = _rows(("Naming", {"PM": "R"}), ("new", {"PMM": "AR"}))
    assert pending_updates(basis, current, mine, ["PM", "PMM"]) == []
    # A row the template removed that the team removed too is no change to take.
    assert pending_updates(_rows(("Gone", {})), [], [], ["PM"]) == []
