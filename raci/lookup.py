"""Find an activity of a matrix by what a person calls it, and who owns it.

One lookup for every door that asks "who owns pricing?": the API's search and the chat
commands call it, so they answer alike. Matching forgives case, spacing, punctuation and
small typos; when several activities fit it returns them all (the caller shows a pick
list), and when none does it returns the closest names ("did you mean").

Pure Python over a `raci.grid.Grid`: the caller reads the grid (three queries).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from raci import rules
from raci.grid import ActivityRow, Grid

# How alike two names must be to count as a typo of each other (difflib's ratio).
TYPO_RATIO = 0.8
# How alike a name must be to be offered as "did you mean".
SUGGEST_RATIO = 0.55
MAX_CANDIDATES = 8
QUERY_MAX = 200

_NOT_WORD = re.compile(r"[\W_]+")


def normalise(text: str) -> str:
    """Case, accents, punctuation and spacing folded away: "Launch  brief!" -> "launch brief"."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(_NOT_WORD.sub(" ", text.casefold()).split())


@dataclass(frozen=True, slots=True)
class RoleOwners:
    role_id: int
    code: str
    name: str
    people: tuple[str, ...]  # who holds the role; empty when nobody does


@dataclass(frozen=True, slots=True)
class Owners:
    """An activity with its accountable and responsible roles, who holds them, and its findings."""

    activity: ActivityRow
    accountable: tuple[RoleOwners, ...]
    responsible: tuple[RoleOwners, ...]
    findings: tuple[rules.Finding, ...]


@dataclass(slots=True)
class Lookup:
    query: str
    # "found": one activity (`owners`); "ambiguous": several fit (`candidates`);
    # "none": nothing fits (`suggestions`, maybe empty); "empty": nothing was asked.
    outcome: str
    owners: Owners | None = None
    candidates: list[ActivityRow] = field(default_factory=list)
    suggestions: list[ActivityRow] = field(default_factory=list)


def owners_of(grid: Grid, activity: ActivityRow) -> Owners:
    accountable, responsible = [], []
    for column in grid.columns:
        value, _ = grid.cells.get((activity.id, column.role_id), ("", 0))
        if not value:
            continue
        holders = tuple(grid.people[m] for m in column.holder_ids if m in grid.people)
        owner = RoleOwners(column.role_id, column.code, column.name, holders)
        if "A" in value:
            accountable.append(owner)
        if "R" in value:
            responsible.append(owner)
    return Owners(activity, tuple(accountable), tuple(responsible), tuple(grid.row_findings(activity.id)))


def _ratio(a: str, b: str) -> float:
    return SequenceMatcher(None, a, b).ratio()


def _closeness(query: str, name: str) -> float:
    """How well `query` names `name`: the whole name, or the best run of as many words."""
    best = _ratio(query, name)
    words, size = name.split(), len(query.split())
    for start in range(max(len(words) - size + 1, 0)):
        best = max(best, _ratio(query, " ".join(words[start : start + size])))
    return best


@dataclass(frozen=True, slots=True)
class NameMatch:
    """Which of a list of names a query names, by index: "found" (one), "ambiguous"
    (several, at most MAX_CANDIDATES), "none" (`suggestions`: the closest, maybe none) or
    "empty" (nothing was asked)."""

    outcome: str
    matches: tuple[int, ...] = ()
    suggestions: tuple[int, ...] = ()


def name_match(*, query: str, names: list[str]) -> NameMatch:
    """The one matcher behind every "which one did they mean": activities, and the chat's
    matrices, launches and readiness items. An exact name (folded) wins, then names holding
    the query as whole words (else as text), then names a small typo away."""
    wanted = normalise((query or "")[:QUERY_MAX])
    if not wanted:
        return NameMatch("empty")
    named = [(normalise(name), i) for i, name in enumerate(names)]

    def outcome(found: list[int]) -> NameMatch:
        return NameMatch("found" if len(found) == 1 else "ambiguous", tuple(found[:MAX_CANDIDATES]))

    exact = [i for name, i in named if name == wanted]
    if exact:
        return outcome(exact)
    padded = f" {wanted} "
    containing = [i for name, i in named if padded in f" {name} "] or [i for name, i in named if wanted in name]
    if containing:
        return outcome(containing)
    scored = sorted(((_closeness(wanted, name), i) for name, i in named), key=lambda pair: -pair[0])
    close = [i for score, i in scored if score >= TYPO_RATIO]
    if close:
        return outcome(close)
    return NameMatch("none", suggestions=tuple(i for score, i in scored[:3] if score >= SUGGEST_RATIO))


def activity_lookup(*, grid: Grid, query: str) -> Lookup:
    """The activity of `grid` that `query` names, the several it may name, or the closest."""
    query = (query or "")[:QUERY_MAX]
    activities = list(grid.activities)
    found = name_match(query=query, names=[a.name for a in activities])
    if found.outcome == "found":
        return Lookup(query, "found", owners=owners_of(grid, activities[found.matches[0]]))
    if found.outcome == "ambiguous":
        return Lookup(query, "ambiguous", candidates=[activities[i] for i in found.matches])
    return Lookup(query, found.outcome, suggestions=[activities[i] for i in found.suggestions])
