"""The RACI rule engine: plain Python over plain data, no ORM.

The same engine checks a saved matrix, an uploaded CSV and a template, so its input is
`MatrixData` (activities, roles, letters, who holds which role) and its output a list of
`Finding`s whose rule codes are a public contract (CLI, UI and tests use them; the
catalogue is in docs/contracts.md).

Keys are opaque: a saved matrix uses primary keys, a CSV uses row and column positions.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

# A key is opaque to the rules (a saved matrix uses primary keys, a file its row and column
# positions), so it is typed as anything: the rules only compare and look keys up.
Key = Any

VALUES = ("R", "A", "AR", "C", "I")
DISPLAY = {"R": "R", "A": "A", "AR": "A/R", "C": "C", "I": "I", "": ""}

ERROR, WARNING, INFO = "error", "warning", "info"
SEVERITY_ORDER = {ERROR: 0, WARNING: 1, INFO: 2}

RULE_CODES = (
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


@dataclass(frozen=True, slots=True)
class RuleSettings:
    """Per-matrix thresholds, with the catalogue's defaults."""

    max_responsible: int = 3
    max_consulted: int = 4
    min_activities_for_role_rules: int = 3
    # `overloaded-role`: A on more than 75% of the activities, in a matrix of at least 2
    # roles and 8 activities. The cheat sheet of "Key Differences" (docs/sources.md: PMM
    # accountable for 6 of 9, 67%) stays quiet; a PM accountable for 8 of 10 (80%) trips it.
    min_roles_for_overload: int = 2
    overload_share: float = 0.75
    overload_min_activities: int = 8


DEFAULT_SETTINGS = RuleSettings()


@dataclass(frozen=True, slots=True)
class ActivityData:
    key: Key
    name: str
    phase: str = ""


@dataclass(frozen=True, slots=True)
class RoleData:
    key: Key
    code: str
    name: str = ""

    @property
    def label(self) -> str:
        return self.code or self.name


@dataclass(frozen=True, slots=True)
class PersonData:
    key: Key
    name: str


@dataclass(slots=True)
class MatrixData:
    activities: list[ActivityData]
    roles: list[RoleData]
    # (activity key, role key) -> one of VALUES; absent means empty.
    cells: dict[tuple[Key, Key], str] = field(default_factory=dict)
    # role key -> keys of the people who hold it.
    holders: dict[Key, list[Key]] = field(default_factory=dict)
    people: dict[Key, PersonData] = field(default_factory=dict)
    # The relay (`idle-driver`): phase key -> the role codes that drive it, and the phases'
    # names. None means the lifecycle's relay (a file, a template: no workspace to ask).
    phase_drivers: dict[str, tuple[str, ...]] | None = None
    phase_names: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Finding:
    rule: str
    severity: str
    message: str
    fix: str
    activity: Key | None = None
    role: Key | None = None
    person: Key | None = None


def check(matrix: MatrixData, settings: RuleSettings = DEFAULT_SETTINGS) -> list[Finding]:
    """Every finding for `matrix`: rows first (in row order), then roles, then people."""
    role_keys = [role.key for role in matrix.roles]
    roles_by_key = {role.key: role for role in matrix.roles}
    by_row: dict[Key, dict[Key, str]] = defaultdict(dict)
    for (activity_key, role_key), value in matrix.cells.items():
        if value and role_key in roles_by_key:
            by_row[activity_key][role_key] = value

    findings: list[Finding] = []
    accountable_count: dict[Key, int] = dict.fromkeys(role_keys, 0)
    active_roles: set[Key] = set()
    for activity in matrix.activities:
        row = by_row.get(activity.key, {})
        findings.extend(_row_findings(activity, row, roles_by_key, settings))
        for role_key, value in row.items():
            if value in ("A", "AR"):
                accountable_count[role_key] += 1
            if value in ("R", "A", "AR"):
                active_roles.add(role_key)

    n_activities = len(matrix.activities)
    if n_activities >= settings.min_activities_for_role_rules:
        for role in matrix.roles:
            findings.extend(
                _role_findings(
                    role,
                    accountable_count[role.key],
                    role.key in active_roles,
                    n_activities,
                    len(matrix.roles),
                    settings,
                )
            )
    findings.extend(_person_findings(matrix, roles_by_key))
    findings.extend(relay_findings(matrix))
    return findings


# The lifecycle's relay ("Key Differences", docs/sources.md), as `workspaces.phases` sets
# it by default: Strategy split (both drive their half), Build & Validate led by PM,
# Launch by PMM; Insight and Post-Launch are shared, so nobody alone is expected to drive.
# Repeated here so the engine stays free of the apps.
LIFECYCLE_DRIVERS: dict[str, tuple[str, ...]] = {"strategy": ("PM", "PMM"), "build": ("PM",), "launch": ("PMM",)}
LIFECYCLE_NAMES = {"strategy": "Strategy", "build": "Build & Validate", "launch": "Launch"}


def relay_findings(matrix: MatrixData) -> list[Finding]:
    """`idle-driver`: a role drives a phase but holds no A and no R on any of its
    activities (the letters contradict the relay). One finding per role, naming every
    such phase, in the order of the matrix's rows."""
    drivers = LIFECYCLE_DRIVERS if matrix.phase_drivers is None else matrix.phase_drivers
    if not drivers:
        return []
    names = matrix.phase_names or LIFECYCLE_NAMES
    phase_of = {activity.key: activity.phase for activity in matrix.activities}
    phases = list(dict.fromkeys(activity.phase for activity in matrix.activities))
    led: dict[Key, set[str]] = defaultdict(set)
    for (activity_key, role_key), value in matrix.cells.items():
        if value in ("R", "A", "AR") and activity_key in phase_of:
            led[role_key].add(phase_of[activity_key])
    found = []
    for role in matrix.roles:
        found += relay_role_findings(role, phases=phases, led=led.get(role.key, set()), drivers=drivers, names=names)
    return found


def relay_role_findings(
    role: RoleData,
    *,
    phases: Iterable[str],
    led: Collection[str],
    drivers: Mapping[str, tuple[str, ...]],
    names: Mapping[str, str],
) -> list[Finding]:
    """`idle-driver` for one role, from its column alone (what an edit to one column can
    change): `phases` are the matrix's phases that have activities, in order; `led` those
    where the role holds A or R on one of them."""
    code = role.code.upper()
    idle = [p for p in phases if p not in led and any(c.upper() == code for c in drivers.get(p, ()))]
    if not idle:
        return []
    listed = [f"“{names.get(p, p)}”" for p in idle]
    what = listed[0] if len(listed) == 1 else ", ".join(listed[:-1]) + " and " + listed[-1]
    return [
        Finding(
            "idle-driver",
            WARNING,
            f"{role.label} drives {what} but holds no A and no R on {'its' if len(idle) == 1 else 'their'} activities.",
            "Make the driver accountable or responsible for the phase's work it leads, or change who "
            "drives the phase in the workspace's settings.",
            role=role.key,
        )
    ]


def row_findings(
    activity: ActivityData,
    row: dict[Key, str],
    roles_by_key: dict[Key, RoleData],
    settings: RuleSettings = DEFAULT_SETTINGS,
) -> list[Finding]:
    """Findings for one activity alone: what an edit to one row can change."""
    return _row_findings(activity, row, roles_by_key, settings)


def _row_findings(activity, row, roles_by_key, settings) -> list[Finding]:
    name = activity.name
    if not row:
        return [
            Finding(
                "empty-activity",
                WARNING,
                f"“{name}” has no letters at all.",
                "Give it one accountable role (A) and who does the work (R), or remove the activity.",
                activity=activity.key,
            )
        ]
    accountable = [k for k, v in row.items() if v in ("A", "AR")]
    responsible = [k for k, v in row.items() if v in ("R", "AR")]
    consulted = [k for k, v in row.items() if v == "C"]
    found = []
    if not accountable:
        found.append(
            Finding(
                "no-accountable",
                ERROR,
                f"Nobody is accountable for “{name}”.",
                "Mark exactly one role A (or A/R): the one who owns the decision.",
                activity=activity.key,
            )
        )
    elif len(accountable) > 1:
        who = _labels(accountable, roles_by_key)
        found.append(
            Finding(
                "multiple-accountable",
                ERROR,
                f"{who} are {'both' if len(accountable) == 2 else 'all'} accountable for “{name}”.",
                "Keep one A; make the others R or C, or split the activity into input and outcome.",
                activity=activity.key,
            )
        )
    if not responsible:
        found.append(
            Finding(
                "no-responsible",
                WARNING,
                f"Nobody is responsible for doing “{name}”.",
                "Mark the role that does the work R (or A/R if the owner does it).",
                activity=activity.key,
            )
        )
    elif len(responsible) > settings.max_responsible:
        found.append(
            Finding(
                "too-many-responsible",
                WARNING,
                f"{len(responsible)} roles are responsible for “{name}” (more than {settings.max_responsible}).",
                "Narrow R to the roles that really do the work; the rest can be C or I.",
                activity=activity.key,
            )
        )
    if len(consulted) > settings.max_consulted:
        found.append(
            Finding(
                "too-many-consulted",
                WARNING,
                f"{len(consulted)} roles are consulted on “{name}” (more than {settings.max_consulted}).",
                "Consult fewer roles; inform the rest (I).",
                activity=activity.key,
            )
        )
    return found


def role_findings(
    role: RoleData,
    values: Iterable[str],
    n_activities: int,
    n_roles: int,
    settings: RuleSettings = DEFAULT_SETTINGS,
) -> list[Finding]:
    """Findings for one role alone, from its letters down the matrix: what an edit to one
    column can change. `values` holds the column's non-empty letters."""
    if n_activities < settings.min_activities_for_role_rules:
        return []
    values = list(values)
    n_accountable = sum(1 for v in values if v in ("A", "AR"))
    active = any(v in ("R", "A", "AR") for v in values)
    return list(_role_findings(role, n_accountable, active, n_activities, n_roles, settings))


def _role_findings(role, n_accountable, active, n_activities, n_roles, settings):
    label = role.label
    if not active:
        yield Finding(
            "idle-role",
            INFO,
            f"{label} holds no R and no A anywhere.",
            "Give the role work it is responsible for, or remove its column.",
            role=role.key,
        )
    if (
        n_roles >= settings.min_roles_for_overload
        and n_activities >= settings.overload_min_activities
        and n_accountable > n_activities * settings.overload_share
    ):
        yield Finding(
            "overloaded-role",
            WARNING,
            f"{label} is accountable for {n_accountable} of {n_activities} activities "
            f"(more than {settings.overload_share:.0%}).",
            "Hand some of the A's to the roles that do the work.",
            role=role.key,
        )


def _person_findings(matrix: MatrixData, roles_by_key) -> list[Finding]:
    roles_of: dict[Key, list[Key]] = defaultdict(list)
    for role in matrix.roles:
        for person in dict.fromkeys(matrix.holders.get(role.key, ())):
            roles_of[person].append(role.key)
    found = []
    for person, held in roles_of.items():
        if len(held) < 2:
            continue
        name = matrix.people[person].name if person in matrix.people else str(person)
        found.append(
            Finding(
                "shared-hats",
                INFO,
                f"{name} holds {_labels(held, roles_by_key)}.",
                "Fine for a small team; check that one person can carry both "
                "workloads, and split the roles as the team grows.",
                person=person,
            )
        )
    return found


def _labels(keys, roles_by_key) -> str:
    # Name roles in column order (roles_by_key's order), not in the order the cells
    # happened to arrive from storage, so messages are the same for the same matrix.
    keys = set(keys)
    labels = [role.label for key, role in roles_by_key.items() if key in keys]
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]


def count_by_severity(findings: list[Finding]) -> dict[str, int]:
    counts = {ERROR: 0, WARNING: 0, INFO: 0}
    for finding in findings:
        counts[finding.severity] += 1
    return counts


def worst(findings: list[Finding]) -> str | None:
    """The most severe severity among `findings`, for one badge."""
    return min((f.severity for f in findings), key=SEVERITY_ORDER.__getitem__, default=None)
