"""Findings a team accepts on purpose: plain Python beside the rule engine, no ORM.

An acknowledgment names a finding (its rule and what it is about: the activity, the role
or the person) and a fingerprint of what it is about when it was given: the letters of
the activity's row, the letters of the role's column, or the roles the person holds. It
holds while that fingerprint is the same: change the letters and the finding counts
again by itself; put them back (an undo) and the acknowledgment holds again. Its review
date ends it too: the reminders' tick that tells about the decision lapses it (a write,
so that the counts a matrix keeps stay those of a full check; see `raci.reminders`).

Errors are never acknowledged: two accountable owners, or none, is never a choice.

Keys are opaque, as in `raci.rules`: a saved matrix uses primary keys.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import asdict, dataclass
from datetime import date

from raci.rules import ERROR, Finding, MatrixData

REASON_MAX = 1000
# A matrix keeps at most this many acknowledgments (a new one for the same finding
# replaces the old): enough for every warning of a big matrix, small enough to read with it.
PER_MATRIX_MAX = 500

ROW_RULES = frozenset({"no-responsible", "too-many-responsible", "too-many-consulted", "empty-activity"})
ROLE_RULES = frozenset({"idle-role", "overloaded-role"})
PERSON_RULES = frozenset({"shared-hats"})

# What "consulted on purpose" says for an idle role, unless the person writes their own.
IDLE_ROLE_REASON = "{role} is consulted and informed on purpose: it gives input, it does not own or do this work."


def suggested_reason(finding: Finding, label: str) -> str:
    """The reason the finding's page offers, for the person to keep or rewrite."""
    return IDLE_ROLE_REASON.format(role=label) if finding.rule == "idle-role" else ""


Key = tuple[str, Hashable | None, Hashable | None, Hashable | None]


def can_acknowledge(finding: Finding) -> bool:
    return finding.severity != ERROR


@dataclass(frozen=True, slots=True)
class Acknowledgment:
    """One accepted finding: `reason` is why, `review_on` when to look again (it counts
    again from that day), `by` and `on` who accepted it and when, `decision` the decision
    log entry that records it."""

    rule: str
    fingerprint: str
    reason: str
    activity: Hashable | None = None
    role: Hashable | None = None
    person: Hashable | None = None
    review_on: date | None = None
    by: str = ""
    on: date | None = None
    decision: int | None = None

    @property
    def key(self) -> Key:
        return (self.rule, self.activity, self.role, self.person)

    def holds(self, fingerprint: str) -> bool:
        return self.fingerprint == fingerprint

    def as_json(self) -> dict:
        data = asdict(self)
        data["review_on"] = self.review_on.isoformat() if self.review_on else None
        data["on"] = self.on.isoformat() if self.on else None
        return data

    @classmethod
    def from_json(cls, data: Mapping) -> Acknowledgment:
        return cls(
            rule=str(data["rule"]),
            fingerprint=str(data.get("fingerprint", "")),
            reason=str(data.get("reason", "")),
            activity=data.get("activity"),
            role=data.get("role"),
            person=data.get("person"),
            review_on=date.fromisoformat(data["review_on"]) if data.get("review_on") else None,
            by=str(data.get("by", "")),
            on=date.fromisoformat(data["on"]) if data.get("on") else None,
            decision=data.get("decision"),
        )


def key_of(finding: Finding) -> Key:
    return (finding.rule, finding.activity, finding.role, finding.person)


def index(acknowledgments: Iterable[Acknowledgment]) -> dict[Key, Acknowledgment]:
    return {a.key: a for a in acknowledgments}


def loaded(data: Iterable[Mapping] | None) -> dict[Key, Acknowledgment]:
    """A matrix's stored acknowledgments (a list of `as_json` dicts), by finding."""
    return index(Acknowledgment.from_json(item) for item in data or ())


# --- fingerprints: what a finding is about, as it stands ---------------------------------


def _digest(items: Iterable[tuple[Hashable, str]]) -> str:
    text = ";".join(sorted(f"{k}={v}" for k, v in items if v))
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def row_fingerprint(row: Mapping[Hashable, str]) -> str:
    """The letters of one activity's row: role key -> value."""
    return _digest(row.items())


def column_fingerprint(column: Mapping[Hashable, str]) -> str:
    """The letters of one role's column: activity key -> value."""
    return _digest(column.items())


def person_fingerprint(role_keys: Iterable[Hashable]) -> str:
    return _digest((k, "held") for k in role_keys)


@dataclass(slots=True)
class Letters:
    """A matrix's letters by row, by column and who holds which role: what fingerprints read."""

    rows: dict[Hashable, dict[Hashable, str]]
    columns: dict[Hashable, dict[Hashable, str]]
    held: dict[Hashable, list[Hashable]]

    @classmethod
    def of(cls, data: MatrixData) -> Letters:
        roles = {r.key for r in data.roles}
        rows: dict[Hashable, dict[Hashable, str]] = {}
        columns: dict[Hashable, dict[Hashable, str]] = {}
        for (a, r), v in data.cells.items():
            if v and r in roles:
                rows.setdefault(a, {})[r] = v
                columns.setdefault(r, {})[a] = v
        held: dict[Hashable, list[Hashable]] = {}
        for role in data.roles:
            for person in dict.fromkeys(data.holders.get(role.key, ())):
                held.setdefault(person, []).append(role.key)
        return cls(rows, columns, held)

    def fingerprint(self, finding: Finding) -> str:
        if finding.rule in PERSON_RULES:
            return person_fingerprint(self.held.get(finding.person, ()))
        if finding.activity is not None:
            return row_fingerprint(self.rows.get(finding.activity, {}))
        return column_fingerprint(self.columns.get(finding.role, {}))


def fingerprint_of(finding: Finding, data: MatrixData) -> str:
    return Letters.of(data).fingerprint(finding)


def partition(
    findings: Iterable[Finding],
    acknowledged: Mapping[Key, Acknowledgment],
    fingerprint: Callable[[Finding], str],
) -> tuple[list[Finding], list[tuple[Finding, Acknowledgment]]]:
    """The findings that count, and the accepted ones with their acknowledgment."""
    open_, accepted = [], []
    for finding in findings:
        ack = acknowledged.get(key_of(finding)) if acknowledged else None
        if ack is not None and can_acknowledge(finding) and ack.holds(fingerprint(finding)):
            accepted.append((finding, ack))
        else:
            open_.append(finding)
    return open_, accepted


def check_acknowledged(
    findings: list[Finding], data: MatrixData, acknowledged: Mapping[Key, Acknowledgment]
) -> tuple[list[Finding], list[tuple[Finding, Acknowledgment]]]:
    """`partition` over a whole matrix's findings."""
    if not acknowledged:
        return list(findings), []
    letters = Letters.of(data)
    return partition(findings, acknowledged, letters.fingerprint)
