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


class PhaseList:
    """A workspace's phases in their order, and how to name and sort any phase key.

    A key the list does not hold (an activity copied from a template whose phase the
    workspace removed) sorts after the workspace's phases and before the unphased rows,
    under its lifecycle name when it has one.
    """

    def __init__(self, phases: list[tuple[str, str]]):
        self.phases = [PhaseInfo(key, name, i) for i, (key, name) in enumerate(phases)]
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
