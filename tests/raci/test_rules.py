"""The rule engine (raci/rules.py) against the rule catalogue in docs/contracts.md, rule by rule."""

from __future__ import annotations

import pytest

from raci import rules
from raci.rules import (
    ActivityData,
    Finding,
    MatrixData,
    PersonData,
    RoleData,
    RuleSettings,
    check,
)

ROLES = ("PM", "PMM", "ENG")


def make(rows: list[str], roles: tuple[str, ...] = ROLES, **extra) -> MatrixData:
    """A matrix from rows of space-separated values, one per role; "." is an empty cell.

    Activity keys are "a0", "a1", ...; role keys are the codes themselves.
    """
    activities, cells = [], {}
    for index, row in enumerate(rows):
        values = row.split()
        assert len(values) == len(roles), row
        activities.append(ActivityData(f"a{index}", f"Activity {index}"))
        for code, value in zip(roles, values):
            if value != ".":
                cells[(f"a{index}", code)] = value
    return MatrixData(activities=activities, roles=[RoleData(code, code) for code in roles], cells=cells, **extra)


def codes(findings: list[Finding]) -> list[str]:
    return [finding.rule for finding in findings]


def of(findings: list[Finding], rule: str) -> list[Finding]:
    return [finding for finding in findings if finding.rule == rule]


# A filler row that fires no row rule; it keeps PM and PMM active and leaves ENG idle.
OK = "AR R I"


def test_catalogue_codes_are_the_contract():
    assert rules.RULE_CODES == (
        "no-accountable",
        "multiple-accountable",
        "no-responsible",
        "too-many-responsible",
        "too-many-consulted",
        "empty-activity",
        "idle-role",
        "overloaded-role",
        "shared-hats",
        "idle-driver",
    )


def test_a_sound_row_has_no_findings():
    assert check(make(["A R C"])) == []


# ------------------------------------------------------------------ accountable


def test_no_accountable_is_an_error_for_that_activity():
    findings = check(make(["R C I"]))
    assert codes(findings) == ["no-accountable"]
    (finding,) = findings
    assert finding.severity == "error"
    assert finding.activity == "a0"
    assert finding.role is None
    assert "Activity 0" in finding.message
    assert finding.fix


def test_a_over_r_counts_as_accountable():
    assert "no-accountable" not in codes(check(make(["AR . ."])))


def test_informed_and_consulted_do_not_count_as_accountable():
    assert codes(check(make(["C I C"]))) == ["no-accountable", "no-responsible"]


def test_two_accountable_roles_are_an_error_naming_both():
    findings = check(make(["A A R"]))
    assert codes(findings) == ["multiple-accountable"]
    (finding,) = findings
    assert finding.severity == "error"
    assert finding.activity == "a0"
    assert "PM and PMM" in finding.message


def test_a_over_r_and_a_are_two_accountable_roles():
    assert codes(check(make(["AR A ."]))) == ["multiple-accountable"]


def test_three_accountable_roles_are_listed_in_column_order():
    (finding,) = check(make(["A A AR"]))
    assert finding.message.startswith("PM, PMM and ENG are all accountable")


def test_accountable_roles_are_named_in_column_order_whatever_the_cell_order():
    # Storage may hand cells back in any order; the message follows the columns.
    matrix = MatrixData(
        activities=[ActivityData(1, "Naming")],
        roles=[RoleData(10, "PM"), RoleData(20, "PMM")],
        cells={(1, 20): "AR", (1, 10): "A"},
    )
    (finding,) = check(matrix)
    assert finding.message == "PM and PMM are both accountable for “Naming”."


# ------------------------------------------------------------------ responsible


def test_no_responsible_is_a_warning():
    findings = check(make(["A C I"]))
    assert codes(findings) == ["no-responsible"]
    assert findings[0].severity == "warning"
    assert findings[0].activity == "a0"


def test_a_over_r_counts_as_responsible():
    assert check(make(["AR C I"])) == []


def test_three_responsible_roles_are_fine():
    assert check(make(["A R R R"], roles=("PM", "PMM", "ENG", "UX"))) == []


def test_four_responsible_roles_are_too_many():
    findings = check(make(["A R R R R"], roles=("PM", "PMM", "ENG", "UX", "SALES")))
    assert codes(findings) == ["too-many-responsible"]
    assert findings[0].severity == "warning"
    assert findings[0].message.startswith("4 roles are responsible")


def test_a_over_r_is_counted_among_the_responsible():
    # AR + 3 R = 4 roles doing the work.
    assert codes(check(make(["AR R R R"], roles=("PM", "PMM", "ENG", "UX")))) == ["too-many-responsible"]


# ------------------------------------------------------------------ consulted

FIVE = ("PM", "PMM", "ENG", "UX", "SALES")
SIX = (*FIVE, "CS")


def test_four_consulted_roles_are_fine():
    assert check(make(["AR C C C C"], roles=FIVE)) == []


def test_five_consulted_roles_are_too_many():
    findings = check(make(["AR C C C C C"], roles=SIX))
    assert codes(findings) == ["too-many-consulted"]
    assert findings[0].severity == "warning"
    assert findings[0].message.startswith("5 roles are consulted")


def test_row_rules_fire_together():
    findings = check(make(["A A C C C C C"], roles=(*SIX, "OPS")))
    assert codes(findings) == ["multiple-accountable", "no-responsible", "too-many-consulted"]


# ------------------------------------------------------------------ empty activity


def test_empty_activity_is_a_warning_and_suppresses_other_row_rules():
    findings = check(make([". . ."]))
    assert codes(findings) == ["empty-activity"]
    assert findings[0].severity == "warning"
    assert findings[0].activity == "a0"


def test_cells_holding_the_empty_string_count_as_empty():
    matrix = MatrixData(activities=[ActivityData(1, "X")], roles=[RoleData(1, "PM")], cells={(1, 1): ""})
    assert codes(check(matrix)) == ["empty-activity"]


def test_an_activity_with_only_i_is_not_empty():
    assert codes(check(make(["I . ."]))) == ["no-accountable", "no-responsible"]


def test_cells_of_roles_outside_the_matrix_are_ignored():
    matrix = make(["AR . ."])
    matrix.cells[("a0", "GHOST")] = "A"
    matrix.cells[("nowhere", "PM")] = "A"
    assert check(matrix) == []


def test_an_activity_whose_only_cell_is_in_an_unknown_column_is_empty():
    matrix = make([". . ."])
    matrix.cells[("a0", "GHOST")] = "AR"
    assert codes(check(matrix)) == ["empty-activity"]


# ------------------------------------------------------------------ role rules


def test_role_rules_need_at_least_three_activities():
    two = make([OK, OK])  # ENG holds only I: idle, but the matrix is too small to say
    assert check(two) == []
    three = make([OK, OK, OK])
    assert codes(check(three)) == ["idle-role"]


def test_idle_role_is_info_on_that_role():
    findings = check(make([OK, OK, OK]))
    (finding,) = of(findings, "idle-role")
    assert finding.severity == "info"
    assert finding.role == "ENG"
    assert finding.activity is None
    assert finding.message == "ENG holds no R and no A anywhere."


@pytest.mark.parametrize("value", ["R", "A", "AR"])
def test_one_r_or_a_anywhere_keeps_a_role_from_being_idle(value):
    findings = check(make([OK, OK, f"AR R {value}"]))
    assert of(findings, "idle-role") == []


def test_consulted_and_informed_everywhere_leave_a_role_idle():
    findings = check(make(["AR R I", "AR R C", "AR R C"]))
    assert [f.role for f in of(findings, "idle-role")] == ["ENG"]


def test_a_role_with_no_letters_at_all_is_idle():
    findings = check(make(["AR R .", "AR R .", "AR R ."]))
    assert [f.role for f in of(findings, "idle-role")] == ["ENG"]


def test_role_rules_count_empty_activities_too():
    # Two sound rows and an empty one still make three activities.
    findings = check(make([OK, OK, ". . ."]))
    assert codes(findings) == ["empty-activity", "idle-role"]


def test_overloaded_role_holds_a_on_more_than_three_quarters_of_eight_or_more():
    findings = check(make(["AR R C"] * 8))
    (finding,) = of(findings, "overloaded-role")
    assert finding.severity == "warning"
    assert finding.role == "PM"
    assert finding.message == "PM is accountable for 8 of 8 activities (more than 75%)."


def test_seed_001_cheat_sheet_does_not_trip_overload():
    # PMM responsible and accountable for 6 of the 9 activities, PM for 3.
    cheat_sheet = make(["C AR"] * 6 + ["AR C"] * 3, roles=("PM", "PMM"))
    assert of(check(cheat_sheet), "overloaded-role") == []


def test_a_pm_accountable_for_8_of_10_trips_overload_with_two_roles():
    matrix = make(["AR C"] * 8 + ["C AR"] * 2, roles=("PM", "PMM"))
    assert [f.role for f in of(check(matrix), "overloaded-role")] == ["PM"]


def test_overloaded_role_needs_at_least_eight_activities():
    assert of(check(make(["AR R C"] * 7)), "overloaded-role") == []


def test_overloaded_role_needs_more_than_three_quarters():
    # 6 of 8 is exactly 75%: not overloaded; 7 of 9 is.
    eight = make(["A R C"] * 6 + ["C A R"] * 2)
    assert of(check(eight), "overloaded-role") == []
    nine = make(["A R C"] * 7 + ["C A R"] * 2)
    assert [f.role for f in of(check(nine), "overloaded-role")] == ["PM"]


def test_overloaded_role_needs_at_least_two_roles():
    # With one role it holds every A: that is not an overload between roles.
    one_role = make(["AR"] * 9, roles=("PM",))
    assert of(check(one_role), "overloaded-role") == []
    two_roles = make(["AR C"] * 9, roles=("PM", "PMM"))
    assert [f.role for f in of(check(two_roles), "overloaded-role")] == ["PM"]


def test_plain_a_counts_for_overload_like_a_over_r():
    findings = check(make(["A R C"] * 8))
    assert [f.role for f in of(findings, "overloaded-role")] == ["PM"]


def test_an_idle_role_can_also_be_reported_beside_an_overloaded_one():
    findings = check(make(["AR C I"] * 8))
    assert [(f.rule, f.role) for f in findings] == [
        ("overloaded-role", "PM"),
        ("idle-role", "PMM"),
        ("idle-role", "ENG"),
    ]


# ------------------------------------------------------------------ people


def hats(holders: dict, people: dict | None = None, rows=(OK,)) -> MatrixData:
    return make(
        list(rows),
        holders=holders,
        people=people if people is not None else {"ana": PersonData("ana", "Ana"), "bo": PersonData("bo", "Bo")},
    )


def test_shared_hats_when_one_person_holds_two_roles():
    findings = check(hats({"PM": ["ana"], "PMM": ["ana"], "ENG": ["bo"]}))
    (finding,) = findings
    assert finding.rule == "shared-hats"
    assert finding.severity == "info"
    assert finding.person == "ana"
    assert finding.activity is None and finding.role is None
    assert finding.message == "Ana holds PM and PMM."


def test_shared_hats_names_every_role_the_person_holds():
    (finding,) = check(hats({"PM": ["ana"], "PMM": ["ana"], "ENG": ["ana"]}))
    assert finding.message == "Ana holds PM, PMM and ENG."


def test_no_shared_hats_for_one_role_each():
    assert check(hats({"PM": ["ana"], "PMM": ["bo"]})) == []


def test_no_shared_hats_for_one_person_listed_twice_in_one_role():
    assert check(hats({"PM": ["ana", "ana"], "PMM": ["bo"]})) == []


def test_no_shared_hats_for_a_role_outside_the_matrix():
    assert check(hats({"PM": ["ana"], "SALES": ["ana"]})) == []


def test_shared_hats_does_not_need_three_activities():
    assert codes(check(hats({"PM": ["bo"], "ENG": ["bo"]}, rows=(OK,)))) == ["shared-hats"]


def test_shared_hats_one_finding_per_person():
    findings = check(hats({"PM": ["ana", "bo"], "PMM": ["ana", "bo"]}))
    assert [f.person for f in findings] == ["ana", "bo"]


def test_shared_hats_falls_back_to_the_key_for_an_unknown_person():
    (finding,) = check(hats({"PM": [7], "PMM": [7]}, people={}))
    assert finding.message == "7 holds PM and PMM."


def test_role_label_falls_back_to_its_name_without_a_code():
    matrix = MatrixData(
        activities=[ActivityData(1, "Naming")],
        roles=[RoleData(1, "", "Product Manager"), RoleData(2, "", "Product Marketing")],
        cells={(1, 1): "A", (1, 2): "A"},
    )
    (finding,) = [f for f in check(matrix) if f.rule == "multiple-accountable"]
    assert finding.message.startswith("Product Manager and Product Marketing")


# ------------------------------------------------------------------ settings


def test_max_responsible_setting():
    matrix = make(["A R R R R"], roles=FIVE)
    assert codes(check(matrix)) == ["too-many-responsible"]
    assert check(matrix, RuleSettings(max_responsible=4)) == []
    assert codes(check(make(["A R R ."], roles=("PM", "PMM", "ENG", "UX")), RuleSettings(max_responsible=1))) == [
        "too-many-responsible"
    ]


def test_max_consulted_setting():
    matrix = make(["AR C C C C C"], roles=SIX)
    assert check(matrix, RuleSettings(max_consulted=5)) == []
    assert codes(check(make(["AR C C ."], roles=("PM", "PMM", "ENG", "UX")), RuleSettings(max_consulted=1))) == [
        "too-many-consulted"
    ]


def test_min_activities_for_role_rules_setting():
    two = make([OK, OK])
    assert codes(check(two, RuleSettings(min_activities_for_role_rules=2))) == ["idle-role"]
    assert check(make([OK, OK, OK]), RuleSettings(min_activities_for_role_rules=4)) == []


def test_overload_min_activities_setting():
    matrix = make(["AR R C"] * 5)
    assert of(check(matrix), "overloaded-role") == []
    assert [f.role for f in of(check(matrix, RuleSettings(overload_min_activities=5)), "overloaded-role")] == ["PM"]
    assert of(check(make(["AR R C"] * 8), RuleSettings(overload_min_activities=9)), "overloaded-role") == []


def test_overload_share_setting():
    matrix = make(["AR R C"] * 6 + ["C AR R"] * 4)  # PM: 6 of 10
    assert of(check(matrix), "overloaded-role") == []
    assert [f.role for f in of(check(matrix, RuleSettings(overload_share=0.5)), "overloaded-role")] == ["PM"]


def test_min_roles_for_overload_setting():
    matrix = make(["AR C"] * 9, roles=("PM", "PMM"))
    assert of(check(matrix, RuleSettings(min_roles_for_overload=3)), "overloaded-role") == []
    assert [
        f.role for f in of(check(make(["AR C I"] * 9), RuleSettings(min_roles_for_overload=3)), "overloaded-role")
    ] == ["PM"]


def test_default_settings_are_the_catalogue_defaults():
    assert rules.DEFAULT_SETTINGS == RuleSettings(
        max_responsible=3,
        max_consulted=4,
        min_activities_for_role_rules=3,
        min_roles_for_overload=2,
        overload_share=0.75,
        overload_min_activities=8,
    )


# ------------------------------------------------------------------ order and helpers


def test_findings_come_rows_first_in_row_order_then_roles_then_people():
    matrix = make(
        ["AR C I", ". . .", "A AR C", "R C I", "AR C I", "AR C I"],
        holders={"PM": ["ana"], "ENG": ["ana"]},
        people={"ana": PersonData("ana", "Ana")},
    )
    findings = check(matrix)
    assert [(f.rule, f.activity or f.role or f.person) for f in findings] == [
        ("empty-activity", "a1"),
        ("multiple-accountable", "a2"),
        ("no-accountable", "a3"),
        ("idle-role", "ENG"),
        ("shared-hats", "ana"),
    ]


def test_row_findings_match_what_check_reports_for_that_row():
    matrix = make(["A A C C C C C"], roles=(*SIX, "OPS"))
    roles_by_key = {role.key: role for role in matrix.roles}
    row = {role: value for (activity, role), value in matrix.cells.items() if activity == "a0"}
    assert rules.row_findings(matrix.activities[0], row, roles_by_key) == check(matrix)
    assert codes(rules.row_findings(matrix.activities[0], {}, roles_by_key)) == ["empty-activity"]


def test_row_findings_take_settings():
    matrix = make(["AR C C C C C"], roles=SIX)
    roles_by_key = {role.key: role for role in matrix.roles}
    row = {role: value for (_, role), value in matrix.cells.items()}
    assert codes(rules.row_findings(matrix.activities[0], row, roles_by_key)) == ["too-many-consulted"]
    assert rules.row_findings(matrix.activities[0], row, roles_by_key, RuleSettings(max_consulted=5)) == []


def test_count_by_severity_and_worst():
    findings = check(make(["A AR C", ". . .", "AR C I"]))  # error, warning, info (idle ENG)
    assert rules.count_by_severity(findings) == {"error": 1, "warning": 1, "info": 1}
    assert rules.worst(findings) == "error"
    assert rules.worst([f for f in findings if f.severity != "error"]) == "warning"
    assert rules.worst([f for f in findings if f.severity == "info"]) == "info"
    assert rules.worst([]) is None
    assert rules.count_by_severity([]) == {"error": 0, "warning": 0, "info": 0}


def test_display_of_values():
    assert [rules.DISPLAY[v] for v in rules.VALUES] == ["R", "A", "A/R", "C", "I"]


def test_empty_matrix_has_no_findings():
    assert check(MatrixData(activities=[], roles=[])) == []
    assert check(MatrixData(activities=[], roles=[RoleData(1, "PM")])) == []


# ------------------------------------------------------------------ scale


def test_checks_a_2000_by_30_matrix():
    """The catalogue's size (2,000 activities x 30 roles); proved fast by `make bench`, not here."""
    n_roles, n_activities = 30, 2000
    roles = [RoleData(r, f"R{r}") for r in range(n_roles)]
    activities = [ActivityData(a, f"Activity {a}") for a in range(n_activities)]
    cells = {}
    for a in range(n_activities):
        if a % 100 == 0:
            continue  # 20 empty activities
        for r in range(n_roles):
            offset = (r - a) % n_roles
            cells[(a, r)] = "A" if offset == 0 else "R" if offset == 1 else "C" if offset == 2 else "I"
    findings = check(MatrixData(activities=activities, roles=roles, cells=cells))
    assert [f.activity for f in findings] == list(range(0, n_activities, 100))
    assert {f.rule for f in findings} == {"empty-activity"}
