"""The grid and the neighbourhood of a cell: what the selectors read and the rule engine,
the renderer and the services share. Plain data over `raci.rules`, no queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from raci import acknowledgments, rules
from raci.models import Matrix
from raci.phases import PhaseList


@dataclass(slots=True)
class ActivityRow:
    id: int
    name: str
    phase: str
    description: str
    order: int
    template_key: str = ""
    source: str = ""
    phase_label: str = ""  # the workspace's name for the phase (set by matrix_grid)

    @property
    def our_default(self) -> bool:
        """Some of the row's letters are the template's own choice, not the articles': worth a talk."""
        return "Our default:" in self.source

    @property
    def source_lines(self) -> tuple[str, list[str]]:
        """Where the letters come from: the articles the row cites, then one line per letter."""
        lines = [line for line in self.source.splitlines() if line.strip()]
        if lines and (lines[0].startswith("From ") or lines[0] == "Our default."):
            return lines[0], lines[1:]
        return "", lines

    @property
    def hover(self) -> str:
        """What the activity's name shows on hover: its description, then where its letters come from."""
        return "\n\n".join(text for text in (self.description, self.source) if text)


@dataclass(slots=True)
class RoleColumn:
    role_id: int
    code: str
    name: str
    description: str
    order: int
    holder_ids: list[int] = field(default_factory=list)


@dataclass(slots=True)
class Grid:
    matrix: Matrix
    activities: list[ActivityRow]
    columns: list[RoleColumn]
    # (activity id, role id) -> (value, version); includes cleared cells (value "").
    cells: dict[tuple[int, int], tuple[str, int]]
    people: dict[int, str]
    # The findings that count; those accepted on purpose are in `accepted` instead.
    findings: list[rules.Finding] = field(default_factory=list)
    phase_list: PhaseList = field(default_factory=PhaseList.default)
    accepted: list[tuple[rules.Finding, acknowledgments.Acknowledgment]] = field(default_factory=list)

    def rule_input(self) -> rules.MatrixData:
        """The whole grid as the rule engine reads it."""
        relay = Relay.of(self.phase_list)
        return rules.MatrixData(
            activities=[rules.ActivityData(a.id, a.name, a.phase) for a in self.activities],
            roles=[rules.RoleData(c.role_id, c.code, c.name) for c in self.columns],
            cells={key: value for key, (value, _) in self.cells.items() if value},
            holders={c.role_id: c.holder_ids for c in self.columns},
            people={pk: rules.PersonData(pk, name) for pk, name in self.people.items()},
            phase_drivers=relay.drivers,
            phase_names=relay.names,
        )

    def recheck(self) -> None:
        """Check the whole grid: its findings that count, and those accepted on purpose."""
        data = self.rule_input()
        found = rules.check(data, self.matrix.rule_settings)
        acknowledged = self.matrix.acknowledged
        if not acknowledged:
            self.findings, self.accepted = found, []
            return
        self.findings, self.accepted = acknowledgments.check_acknowledged(found, data, acknowledged)

    def all_findings(self) -> list[rules.Finding]:
        """Every finding, accepted or not (the rule engine's whole answer)."""
        return [*self.findings, *(f for f, _ in self.accepted)]

    def activity(self, activity_id: int) -> ActivityRow | None:
        return next((a for a in self.activities if a.id == activity_id), None)

    def column(self, role_id: int) -> RoleColumn | None:
        return next((c for c in self.columns if c.role_id == role_id), None)

    def row_findings(self, activity_id: int) -> list[rules.Finding]:
        return [f for f in self.findings if f.activity == activity_id]

    def column_findings(self, role_id: int) -> list[rules.Finding]:
        return [f for f in self.findings if f.role == role_id]

    def findings_by_activity(self) -> dict[int, list[rules.Finding]]:
        grouped = defaultdict(list)
        for finding in self.findings:
            if finding.activity is not None:
                grouped[finding.activity].append(finding)
        return grouped

    def findings_by_role(self) -> dict[int, list[rules.Finding]]:
        grouped = defaultdict(list)
        for finding in self.findings:
            if finding.role is not None:
                grouped[finding.role].append(finding)
        return grouped

    @property
    def counts(self) -> dict[str, int]:
        return rules.count_by_severity(self.findings)

    def phases(self) -> list[tuple[str, str, list[ActivityRow]]]:
        """Activities grouped by phase, in the workspace's order of phases: (phase, label, rows)."""
        groups: dict[str, list[ActivityRow]] = defaultdict(list)
        for activity in self.activities:
            groups[activity.phase].append(activity)
        return [
            (phase, self.phase_list.label(phase), groups[phase]) for phase in sorted(groups, key=self.phase_list.order)
        ]


@dataclass(frozen=True, slots=True)
class Relay:
    """Who drives each phase (phase key -> role codes) and the phases' names."""

    drivers: dict[str, tuple[str, ...]]
    names: dict[str, str]

    @classmethod
    def of(cls, phase_list: PhaseList) -> Relay:
        return cls(phase_list.drivers(), {p.key: p.name for p in phase_list})

    def in_order(self, phases: Iterable[str]) -> list[str]:
        """The phases in the workspace's order (the names are in it), others after."""
        order = {key: i for i, key in enumerate(self.names)}
        return sorted(set(phases), key=lambda key: (order.get(key, len(order)), key))

    def column_findings(self, role: rules.RoleData, letters: Iterable[tuple[str, str]], phases: Iterable[str]):
        """The role's `idle-driver` finding from its column: `letters` are (phase, letter)
        of its cells, `phases` the matrix's phases that have activities."""
        led = {phase for phase, value in letters if value in COLUMN_LETTERS}
        return rules.relay_role_findings(
            role, phases=self.in_order(phases), led=led, drivers=self.drivers, names=self.names
        )


@dataclass(slots=True)
class CellNeighbourhood:
    """What one cell edit can change: its row and, when asked for, its column."""

    activity: ActivityRow | None
    column: RoleColumn | None
    row: dict[int, tuple[str, int]]  # role id -> (value, version), for every column
    down: dict[int, str] | None  # activity id -> value, for every activity; None if not read
    columns: list[RoleColumn]
    n_activities: int
    # Read with the column: each activity's phase, and the workspace's relay (phase key ->
    # the codes that drive it; its phases' names), which the column's `idle-driver` needs.
    phases: dict[int, str] = field(default_factory=dict)
    relay: Relay | None = None


# The letters that count in a column's findings (idle-role, overloaded-role): a column
# whose cell goes from none of these to none of these keeps its findings.
COLUMN_LETTERS = ("R", "A", "AR")


@dataclass(slots=True)
class CellsAround:
    """Some cells with everything their findings depend on: their rows (every column) and
    their columns (every activity's value), in a fixed number of queries."""

    columns: list[RoleColumn]
    activities: dict[int, ActivityRow]  # the rows of the cells, by id
    cells: dict[tuple[int, int], tuple[str, int]]  # every cell of those rows
    down: dict[int, list[tuple[int, str]]]  # role id -> (activity id, value) of its column's letters
    n_activities: int
    # The roles of the changed cells whose columns were read (a column may hold no letter).
    role_ids: set[int] = field(default_factory=set)
    # Read with the columns: the phase of each activity with a letter in them (and of the
    # changed rows), the phases with activities, in order, and the workspace's relay.
    phase_of: dict[int, str] = field(default_factory=dict)
    phases: list[str] = field(default_factory=list)
    relay: Relay | None = None

    def apply(self, values: dict[tuple[int, int], str]) -> None:
        """Set the cells (activity id, role id) -> value, as a write just did, in what was read."""
        for (activity_id, role_id), value in values.items():
            if activity_id in self.activities:
                _, version = self.cells.get((activity_id, role_id), ("", 0))
                self.cells[(activity_id, role_id)] = (value, version + 1)
            if role_id in self.role_ids:
                letters = [(a, v) for a, v in self.down.get(role_id, []) if a != activity_id]
                if value:
                    letters.append((activity_id, value))
                self.down[role_id] = letters
