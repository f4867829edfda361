"""The phases that group a matrix's activities: the lifecycle, and a team's own.

Plain Python, no ORM. Every workspace starts with the five lifecycle phases of "Key
Differences" (docs/sources.md);
an admin may rename, add, reorder and remove them (`workspaces.models.Phase`). A phase has
a stable key and a display name: a lifecycle phase keeps its lifecycle key whatever it is
called ("launch" stays "launch" when the team calls it "GTM"), so the rules and the
launches that depend on the Launch phase still find it; a team's own phase gets a key of
its own (`TEAM_PREFIX` + random), which never changes when the phase is renamed.

Spreadsheets name phases as people write them: `parse_phase` maps the lifecycle's names
and their common aliases ("Discovery", "GTM", "Phase 0"...) to a lifecycle key, and any
other text is a team's own phase.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

LIFECYCLE = (
    ("insight", "Insight/Discovery"),
    ("strategy", "Strategy"),
    ("build", "Build & Validate"),
    ("launch", "Launch"),
    ("post_launch", "Post-Launch"),
)
LIFECYCLE_LABELS = dict(LIFECYCLE)
UNPHASED = ""
UNPHASED_LABEL = "Unphased"
TEAM_PREFIX = "t-"

PHASE_NAME_MAX = 60  # a phase's name, in the settings and in a file's Phase column
PHASES_MAX = 30  # phases per workspace

# Who drives each phase and who navigates (the relay). A phase's driver is a role's code,
# or one of two ways the pair (PAIR: the PM and PMM roles) hold the wheel together:
# SHARED, both drive the whole phase side by side; SPLIT, each drives their half (PM the
# product bets, PMM the market). A led phase names its navigator, the role in the
# passenger seat; a shared or split one has none. The lifecycle's defaults follow the
# relay of "Key Differences" and the driver-navigator post (docs/sources.md); a team's
# own phase starts shared.
SHARED = "shared"
SPLIT = "split"
PAIR = ("PM", "PMM")
LIFECYCLE_RELAY = {
    "insight": (SHARED, ""),
    "strategy": (SPLIT, ""),
    "build": ("PM", "PMM"),
    "launch": ("PMM", "PM"),
    "post_launch": (SHARED, ""),
}
RELAY_SOURCES = (
    "Product Management vs. Product Marketing: Key Differences",
    "Product Manager vs Product Marketing Manager",
)

# Words teams write in their spreadsheets' Phase column, folded (see `fold`).
_ALIASES = {
    "insight": "insight",
    "discovery": "insight",
    "insight/discovery": "insight",
    "insight & discovery": "insight",
    "insight and discovery": "insight",
    "research": "insight",
    "phase 0": "insight",
    "phase zero": "insight",
    "problem discovery": "insight",
    "explore": "insight",
    "strategy": "strategy",
    "planning": "strategy",
    "plan": "strategy",
    "definition": "strategy",
    "define": "strategy",
    "build": "build",
    "build & validate": "build",
    "build and validate": "build",
    "build/validate": "build",
    "development": "build",
    "dev": "build",
    "validate": "build",
    "build & test": "build",
    "launch": "launch",
    "go-to-market": "launch",
    "gtm": "launch",
    "go to market": "launch",
    "go-to market": "launch",
    "go live": "launch",
    "go-live": "launch",
    "release": "launch",
    "post-launch": "post_launch",
    "post launch": "post_launch",
    "postlaunch": "post_launch",
    "post_launch": "post_launch",
    "after launch": "post_launch",
    "post-release": "post_launch",
    "": UNPHASED,
    "unphased": UNPHASED,
}


def fold(text: str) -> str:
    """What two spellings of one phase name have in common: spaces and case."""
    return " ".join(text.split()).casefold()


def clean(text: str) -> str:
    """A phase name as stored and shown: runs of spaces (and line breaks) become one space."""
    return " ".join(text.split())


def parse_phase(text: str) -> str | None:
    """The lifecycle key for what a person wrote ("" for blank or "Unphased"), or None
    when it names no lifecycle phase: then it is a team's own phase."""
    return _ALIASES.get(fold(text))


def default_relay(key: str) -> tuple[str, str]:
    """(driver, navigator) a phase starts with: the lifecycle's relay, else shared."""
    return LIFECYCLE_RELAY.get(key, (SHARED, ""))


def drivers_of(driver: str) -> tuple[str, ...]:
    """The role codes in the driver's seat: one for a led phase, the pair for a split
    one, none for a shared one (neither alone is expected to hold the wheel there)."""
    if driver == SHARED or not driver:
        return ()
    if driver == SPLIT:
        return PAIR
    return (driver,)


def relay_label(driver: str, navigator: str) -> str:
    """How a phase's header says who drives: "PM drives, PMM navigates"."""
    if driver == SHARED or not driver:
        return "Shared: PM and PMM drive together"
    if driver == SPLIT:
        return "Split: PM and PMM each drive their half"
    return f"{driver} drives, {navigator} navigates" if navigator else f"{driver} drives"


def is_lifecycle(key: str) -> bool:
    return key in LIFECYCLE_LABELS


def new_team_key() -> str:
    return TEAM_PREFIX + secrets.token_hex(6)


def key_for_new(name: str, taken: set[str]) -> str:
    """The key a new phase called `name` gets: the lifecycle key its name stands for when
    the workspace has no phase with that key (a team that removed "Launch" and adds
    "GTM" gets the Launch phase back), else a team key of its own."""
    lifecycle = parse_phase(name)
    if lifecycle and lifecycle not in taken:
        return lifecycle
    return new_team_key()


@dataclass(frozen=True, slots=True)
class PhaseInfo:
    key: str
    name: str
    position: int
    driver: str = SHARED
    navigator: str = ""

    @property
    def drivers(self) -> tuple[str, ...]:
        return drivers_of(self.driver)

    @property
    def relay_label(self) -> str:
        return relay_label(self.driver, self.navigator)


class PhaseList:
    """A workspace's phases in their order, and how to name and sort any phase key.

    A key the list does not hold (an activity copied from a template whose phase the
    workspace removed) sorts after the workspace's phases and before the unphased rows,
    under its lifecycle name when it has one.
    """

    def __init__(self, phases: list[tuple[str, str]] | list[tuple[str, str, str, str]]):
        """`phases` holds (key, name) or (key, name, driver, navigator) in order; without a
        driver a phase has its default relay (`default_relay`)."""
        self.phases = [
            PhaseInfo(key, name, i, *(rest if rest else default_relay(key)))
            for i, (key, name, *rest) in enumerate(phases)
        ]
        self._by_key = {p.key: p for p in self.phases}
        self._by_name = {fold(p.name): p for p in self.phases}

    @classmethod
    def default(cls) -> PhaseList:
        return cls(list(LIFECYCLE))

    def __iter__(self):
        return iter(self.phases)

    def __len__(self) -> int:
        return len(self.phases)

    def __contains__(self, key: str) -> bool:
        return key in self._by_key

    def label(self, key: str) -> str:
        if key == UNPHASED:
            return UNPHASED_LABEL
        found = self._by_key.get(key)
        if found:
            return found.name
        return LIFECYCLE_LABELS.get(key, "Removed phase")

    def info(self, key: str) -> PhaseInfo | None:
        return self._by_key.get(key)

    def drivers(self) -> dict[str, tuple[str, ...]]:
        """Phase key -> the role codes that drive it (for the relay rule)."""
        return {p.key: p.drivers for p in self.phases if p.drivers}

    def order(self, key: str) -> int:
        if key == UNPHASED:
            return PHASES_MAX + 2
        found = self._by_key.get(key)
        return found.position if found else PHASES_MAX + 1

    def choices(self) -> list[tuple[str, str]]:
        """For a form's select: unphased first, then the phases in order."""
        return [(UNPHASED, UNPHASED_LABEL), *((p.key, p.name) for p in self.phases)]

    def match(self, text: str) -> str | None:
        """The key of the phase a spreadsheet names: the workspace's own name for it
        first (so an export reads back into the same phase), then a lifecycle alias when
        the workspace has that phase. None when it names none of the workspace's phases."""
        found = self._by_name.get(fold(text))
        if found:
            return found.key
        lifecycle = parse_phase(text)
        if lifecycle == UNPHASED:
            return UNPHASED
        if lifecycle and lifecycle in self._by_key:
            return lifecycle
        return None
