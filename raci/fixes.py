"""What to do about a finding: why it matters, and the fixes a person can apply in one click.

Plain Python over the rule engine's data (no ORM), like `rules`: given the matrix
(`rules.MatrixData`), one `Finding` and, when the matrix came from a template, the
template's letters, `fixes_for` returns the fixes with the exact letters each would write.
The UI previews those letters; the service applies them as one recorded group.

Also here: `split_letters`, the boundary script of "The GTM Framework" (docs/sources.md) as letters ("if you handle the
Input, I'll handle the Outcome").
"""

from __future__ import annotations

from dataclasses import dataclass, field

from raci.rules import ERROR, LIFECYCLE_DRIVERS, ActivityData, Finding, Key, MatrixData, RuleSettings

# Why each rule matters, in our words, from the source articles' reasoning (docs/sources.md).
WHY = {
    "no-accountable": "Without one owner a decision waits for everyone, or gets made twice. The cheat sheet "
    "in “Key Differences” names one role Responsible & Accountable for every activity for that reason.",
    "multiple-accountable": "Two owners of one decision is how PM and PMM end up re-litigating it. Keep one A, or "
    "split the work the way the boundary script of “The GTM Framework” does: one role owns the input, the "
    "other the outcome.",
    "no-responsible": "A decision with nobody doing the work behind it stays a decision on paper.",
    "too-many-responsible": "When many roles do the work, nobody finishes it: hand-offs and meetings grow faster "
    "than the work.",
    "too-many-consulted": "Every consulted role is a meeting before the decision; inform the ones who only need "
    "to know.",
    "empty-activity": "A row nobody owns is a gap the team will find at launch, not before.",
    "idle-role": "A role with no R and no A anywhere either does work the matrix does not show, or does not "
    "belong in it.",
    "overloaded-role": "One role accountable for most activities is a bottleneck: the enterprise split in “Key Differences” hands "
    "decisions to the roles that do the work.",
    "idle-driver": "A phase's driver with no A and no R in it is a dropped baton waiting to happen: the relay of "
    "“Key Differences” hands each phase to the role that leads it, and the driver–navigator post says who sits "
    "shotgun changes with the phase, not that nobody drives.",
    "shared-hats": "Fine early on (the startup stage in “Key Differences”: one person wears both hats); check the workload as "
    "the team grows.",
}


@dataclass(frozen=True, slots=True)
class Fix:
    """One way to fix a finding. `changes` are (activity key, role key, new value) with the
    value before, for the preview; `remove_role` removes that role's column; `form` names
    a fix that needs a person's choices first ("split", "handover")."""

    code: str
    label: str
    changes: tuple[tuple[Key, Key, str, str], ...] = ()
    remove_role: Key | None = None
    form: str = ""

    @property
    def is_change(self) -> bool:
        return bool(self.changes or self.remove_role is not None)


@dataclass(frozen=True, slots=True)
class TemplateLetters:
    """A template's letters, by activity name (case-insensitive) and role code."""

    rows: dict[str, dict[str, str]] = field(default_factory=dict)

    def row(self, name: str) -> dict[str, str] | None:
        return self.rows.get(name.casefold())


def _demote(value: str) -> str:
    """An accountable role that is not the owner: A/R keeps doing the work (R), a plain A
    gives input (C)."""
    return "R" if value == "AR" else "C" if value == "A" else value


def single_accountable(row: dict[Key, str], owner: Key) -> dict[Key, str]:
    """The row with `owner` the only accountable role; the other A's become R or C."""
    return {k: (v if k == owner else _demote(v)) for k, v in row.items()}


def split_letters(row: dict[Key, str], input_owner: Key, outcome_owner: Key) -> tuple[dict[Key, str], dict[Key, str]]:
    """The GTM Framework's boundary script: the input row is the input owner's (A/R) with the other
    consulted; the outcome row the reverse. Everyone else keeps their letters, except that
    nobody else stays accountable (A/R becomes R, A becomes C): each row has one owner."""
    if input_owner == outcome_owner:
        raise ValueError("the input and the outcome need different owners")
    others = {k: _demote(v) for k, v in row.items() if k not in (input_owner, outcome_owner) and v}
    return ({**others, input_owner: "AR", outcome_owner: "C"}, {**others, input_owner: "C", outcome_owner: "AR"})


class Rows(dict):
    """Each activity's letters (activity key -> role key -> value), with the lookups that
    the fixes of every finding need: the activities by key, the roles' codes, labels and
    order. Built once by `rows_of` for a panel of many findings; looking these up in the
    matrix for each finding made the panel's time grow with the square of its rows."""

    __slots__ = ("activities", "codes", "labels", "order")

    activities: dict[Key, ActivityData]
    codes: dict[Key, str]
    labels: dict[Key, str]
    order: list[Key]


def rows_of(data: MatrixData) -> Rows:
    """Each activity's letters and the matrix's lookups, for callers that ask for the fixes
    of many findings."""
    rows = Rows()
    for (a, r), v in data.cells.items():
        if v:
            rows.setdefault(a, {})[r] = v
    rows.activities = {a.key: a for a in data.activities}
    rows.codes = {r.key: r.code.upper() for r in data.roles}
    rows.labels = {r.key: r.label for r in data.roles}
    rows.order = [r.key for r in data.roles]
    return rows


def _row(rows: Rows, activity: Key) -> dict[Key, str]:
    """The activity's letters in the columns' order."""
    row = rows.get(activity, {})
    return {r: row[r] for r in rows.order if r in row}


def _changes(activity, before: dict, after: dict) -> tuple:
    keys = list(dict.fromkeys([*before, *after]))
    return tuple(
        (activity, k, before.get(k, ""), after.get(k, "")) for k in keys if before.get(k, "") != after.get(k, "")
    )


def _label_of(rows: Rows, key) -> str:
    return rows.labels.get(key, str(key))


def _names(rows: Rows, keys) -> str:
    labels = [_label_of(rows, k) for k in keys]
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]


# Accepting a finding on purpose, with a reason (raci.acknowledgments): offered for every
# warning and info, never for an error. The finding's page asks for the reason.
ACCEPT = Fix("accept", "Accept on purpose, with a reason", form="accept")
ACCEPT_ON_PURPOSE = Fix("accept", "Consulted on purpose", form="accept")


def fixes_for(
    finding: Finding,
    data: MatrixData,
    *,
    settings: RuleSettings = RuleSettings(),  # noqa: B008  (frozen: one shared default is safe)
    template: TemplateLetters | None = None,
    rows: Rows | None = None,
) -> list[Fix]:
    """The fixes for `finding` on `data`, most likely first; for a warning or an info,
    accepting it on purpose is one of them (the first for an idle role, else the last).
    `rows` (from `rows_of`) saves reading the whole matrix again for each of many findings."""
    found = _fixes_for(finding, data, settings=settings, template=template, rows=rows)
    if finding.severity != ERROR and not any(f.code == "accept" for f in found):
        found.append(ACCEPT)
    return found


def _fixes_for(
    finding: Finding,
    data: MatrixData,
    *,
    settings: RuleSettings = RuleSettings(),  # noqa: B008  (frozen: one shared default is safe)
    template: TemplateLetters | None = None,
    rows: Rows | None = None,
) -> list[Fix]:
    rows = rows if rows is not None else rows_of(data)
    activity = rows.activities.get(finding.activity) if finding.activity is not None else None
    code_of = rows.codes
    template_row = template.row(activity.name) if template and activity else None
    rule = finding.rule
    if activity is not None:
        row = _row(rows, activity.key)
    if rule == "multiple-accountable":
        owners = [k for k, v in row.items() if v in ("A", "AR")]
        suggested = [k for k in owners if template_row and template_row.get(code_of[k]) in ("A", "AR")]
        fixes = [
            Fix(
                f"single:{k}",
                f"Make {_label_of(rows, k)} the single A (the others R or C)",
                _changes(activity.key, row, single_accountable(row, k)),
            )
            for k in [*suggested, *[o for o in owners if o not in suggested]]
        ]
        return [*fixes, Fix("split", "Split into input and outcome", form="split")]
    if rule == "no-accountable":
        keys = rows.order
        suggested = [k for k in keys if template_row and template_row.get(code_of[k]) in ("A", "AR")]
        doers = [k for k in keys if row.get(k) == "R" and k not in suggested]
        ordered = [*suggested, *doers, *[k for k in keys if k not in suggested and k not in doers]]
        return [
            Fix(
                f"accountable:{k}",
                f"Make {_label_of(rows, k)} accountable" + (" (as in the template)" if k in suggested else ""),
                _changes(activity.key, row, {**row, k: "AR" if row.get(k) == "R" else "A"}),
            )
            for k in ordered
        ]
    if rule == "no-responsible":
        return [
            Fix(
                f"doer:{k}",
                f"{_label_of(rows, k)} also does the work (A/R)",
                _changes(activity.key, row, {**row, k: "AR"}),
            )
            for k, v in row.items()
            if v == "A"
        ]
    if rule in ("too-many-responsible", "too-many-consulted"):
        letter, to, limit = (
            ("R", "C", settings.max_responsible)
            if rule == "too-many-responsible"
            else ("C", "I", settings.max_consulted)
        )
        holders = [k for k, v in row.items() if v == letter]
        room = limit - (sum(1 for v in row.values() if v == "AR") if letter == "R" else 0)
        # Keep the ones the template gives this letter, then the leftmost columns.
        kept_first = [k for k in holders if template_row and template_row.get(code_of[k]) == letter]
        ordered = [*kept_first, *[k for k in holders if k not in kept_first]]
        narrowed = ordered[max(room, 0) :]
        if not narrowed:
            return []
        after = {**row, **dict.fromkeys(narrowed, to)}
        return [
            Fix(
                f"narrow:{to}",
                f"Make {_names(rows, [k for k in holders if k in narrowed])} {to}",
                _changes(activity.key, row, after),
            )
        ]
    if rule == "empty-activity":
        if not template_row:
            return []
        by_code = {c: k for k, c in code_of.items()}
        after = {by_code[c]: v for c, v in template_row.items() if c in by_code and v}
        return [Fix("template", "Fill from the template", _changes(activity.key, {}, after))] if after else []
    if rule == "idle-role":
        # A role consulted and informed on purpose is the common case (Legal, Finance, Sales):
        # accepting it comes first, removing the column second.
        role = finding.role
        fixes = [ACCEPT_ON_PURPOSE, Fix("remove", f"Remove the column {_label_of(rows, role)}", remove_role=role)]
        if template is not None:
            code = code_of.get(role)
            changes = []
            for a in data.activities:
                wanted = (template.row(a.name) or {}).get(code, "")
                current = data.cells.get((a.key, role), "")
                if wanted and wanted != current:
                    changes.append((a.key, role, current, wanted))
            if changes:
                fixes.append(Fix("template", f"Give {_label_of(rows, role)} the template's letters", tuple(changes)))
        return fixes
    if rule == "idle-driver":
        return _driver_fixes(finding, data, rows)
    if rule == "overloaded-role":
        return [Fix("handover", "Show the activities; hand some to another role", form="handover")]
    return []


def _driver_fixes(finding: Finding, data: MatrixData, rows: Rows) -> list[Fix]:
    """The obvious fix of `idle-driver`: in each phase it drives without an A or R, the
    one activity nobody is responsible for becomes the driver's (R). Offered only when
    every such phase has exactly one."""
    role = finding.role
    code = rows.codes.get(role) if role is not None else None
    drivers = LIFECYCLE_DRIVERS if data.phase_drivers is None else data.phase_drivers
    changes = []
    for phase, codes in drivers.items():
        keys = [a.key for a in data.activities if a.phase == phase]
        if code not in {c.upper() for c in codes} or not keys:
            continue
        if any(rows.get(a, {}).get(role) in ("R", "A", "AR") for a in keys):
            continue
        undone = [a for a in keys if not any(v in ("R", "AR") for v in rows.get(a, {}).values())]
        if len(undone) != 1:
            return []
        changes.append((undone[0], role, rows.get(undone[0], {}).get(role, ""), "R"))
    if not changes:
        return []
    listed = ", ".join(f"“{rows.activities[a].name}”" for a, *_ in changes)
    return [Fix("driver", f"Make {_label_of(rows, role)} responsible (R) for {listed}", tuple(changes))]


def handover_letters(row: dict[Key, str], *, from_role: Key, to_role: Key) -> dict[Key, str]:
    """Hand the A of one activity from `from_role` to `to_role`: the new owner keeps doing
    what it did (R becomes A/R), the old one is consulted (or R if it did the work)."""
    after = dict(row)
    after[from_role] = _demote(row.get(from_role, ""))
    after[to_role] = "AR" if row.get(to_role) in ("R", "AR") else "A"
    return {k: v for k, v in after.items() if v}
