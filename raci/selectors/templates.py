"""Reads of templates: their content and versions, a matrix's drift from its template, and
template activities by key."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from raci import drift, fixes
from raci.grid import ActivityRow, Grid
from raci.models import (
    Matrix,
    Template,
    TemplateVersion,
)
from raci.selectors.cells import matrix_grid

# --- templates: content, versions, drift --------------------------------------------------


def template_content(*, template: Template) -> dict:
    """The template's roles and activities as plain data, as a TemplateVersion stores them."""
    return {
        "roles": [{"code": r.code.upper(), "name": r.name} for r in template.roles.all()],
        "activities": [
            {
                "name": a.name,
                "phase": a.phase,
                "description": a.description,
                "letters": {str(k).upper(): v for k, v in (a.letters or {}).items() if v},
            }
            for a in template.activities.all()
        ],
    } | ({"acknowledgments": list(template.acknowledgments)} if template.acknowledgments else {})


def _drift_rows(content: dict) -> list[drift.Row]:
    return [
        drift.Row(a["name"], a.get("phase", ""), a.get("description", ""), dict(a.get("letters", {})))
        for a in content.get("activities", [])
    ]


def matrix_rows(grid: Grid) -> list[drift.Row]:
    codes = {c.role_id: c.code.upper() for c in grid.columns}
    letters: dict[int, dict[str, str]] = defaultdict(dict)
    for (activity_id, role_id), (value, _) in grid.cells.items():
        if value and role_id in codes:
            letters[activity_id][codes[role_id]] = value
    return [drift.Row(a.name, a.phase, a.description, letters.get(a.id, {}), a.id) for a in grid.activities]


def template_letters(*, matrix: Matrix) -> fixes.TemplateLetters | None:
    """The current letters of the matrix's template, for the fixes that suggest them."""
    if matrix.template_id is None:
        return None
    template = Template.objects.filter(pk=matrix.template_id).first()
    if template is None:
        return None
    return fixes.TemplateLetters(
        {a["name"].casefold(): a["letters"] for a in template_content(template=template)["activities"]}
    )


@dataclass(slots=True)
class Drift:
    template: Template
    diffs: list[drift.RowDiff]
    updates: list[drift.Update]
    basis_version: int | None
    # Findings the template accepts on purpose that the matrix dropped, and those it added.
    dropped: list[drift.AcceptedFinding] = field(default_factory=list)
    added: list[drift.AcceptedFinding] = field(default_factory=list)

    @property
    def differing(self) -> int:
        return sum(1 for d in self.diffs if d.kind != "same")


def template_drift(*, matrix: Matrix, grid: Grid | None = None) -> Drift | None:
    """The matrix against its template: rows side by side, and the template's changes since
    the version the matrix was made from (none when that version is unknown)."""
    if matrix.template_id is None:
        return None
    template = Template.objects.filter(pk=matrix.template_id).prefetch_related("roles", "activities").first()
    if template is None:
        return None
    # A checked grid knows which findings are accepted on purpose (compared below).
    grid = grid or matrix_grid(matrix=matrix, check=bool(matrix.acknowledgments))
    current = template_content(template=template)
    codes = [c.code.upper() for c in grid.columns]
    codes += [r["code"] for r in current["roles"] if r["code"] not in codes]
    mine = matrix_rows(grid)
    updates = []
    basis = None
    if matrix.template_version is not None and matrix.template_version < template.version:
        basis = TemplateVersion.objects.filter(template=template, number=matrix.template_version).first()
    if basis is not None:
        shared = [c.code.upper() for c in grid.columns]
        updates = drift.pending_updates(_drift_rows(basis.content), _drift_rows(current), mine, shared)
    dropped, added = drift.accepted_drift(_template_accepted(template), _matrix_accepted(matrix, grid))
    return Drift(
        template, drift.compare(mine, _drift_rows(current), codes), updates, matrix.template_version, dropped, added
    )


CREATOR_SUBJECT = "the matrix's creator"


def _template_accepted(template: Template) -> list[drift.AcceptedFinding]:
    return [
        drift.AcceptedFinding(
            str(a.get("rule", "")),
            str(a.get("activity") or a.get("role") or CREATOR_SUBJECT),
            str(a.get("reason", "")),
        )
        for a in template.acknowledgments or []
    ]


def _matrix_accepted(matrix: Matrix, grid: Grid) -> list[drift.AcceptedFinding]:
    """The matrix's acknowledgments that hold now, named as a template names them."""
    names = {a.id: a.name for a in grid.activities}
    codes = {c.role_id: c.code for c in grid.columns}
    return [
        drift.AcceptedFinding(
            f.rule,
            names.get(f.activity, "") if f.activity is not None else codes.get(f.role, CREATOR_SUBJECT),
            ack.reason,
        )
        for f, ack in grid.accepted
    ]


@dataclass(frozen=True, slots=True)
class TemplateRow:
    """One template activity, as a matrix takes it: letters by role code, and the template's
    name and description of each role it names."""

    key: str
    name: str
    phase: str
    description: str
    letters: dict[str, str]
    source: str
    roles: dict[str, tuple[str, str]]


def _row_of_spec(key: str) -> TemplateRow | None:
    from raci.builtin_templates import BUILTIN_TEMPLATES

    for spec in BUILTIN_TEMPLATES:  # the default (scale-up) template first
        for a in spec.activities:
            if a.key == key:
                return TemplateRow(
                    key,
                    a.name,
                    a.phase,
                    a.description,
                    dict(a.letters),
                    a.source,
                    {r.code: (r.name, r.description) for r in spec.roles},
                )
    return None


def template_activity_of(*, matrix: Matrix, key: str) -> TemplateRow | None:
    """The template activity `key` for the matrix: its own template's, else the default
    built-in template's (as seeded), else the built-in templates' as written."""
    for template in (
        Template.objects.filter(pk=matrix.template_id).first() if matrix.template_id else None,
        Template.objects.filter(workspace__isnull=True, is_default=True).first(),
    ):
        found = template and template.activities.filter(key=key).first()
        if found:
            return TemplateRow(
                key,
                found.name,
                found.phase,
                found.description,
                {str(c).upper(): v for c, v in (found.letters or {}).items() if v},
                found.source,
                {r.code.upper(): (r.name, r.description) for r in template.roles.all()},
            )
    return _row_of_spec(key)


def template_activity_name(key: str) -> str:
    """The built-in templates' name of the activity `key` ("Launch Readiness")."""
    row = _row_of_spec(key)
    return row.name if row else key


def activity_for_key(*, grid: Grid, key: str, name: str = "") -> ActivityRow | None:
    """The matrix's row for the template activity `key`: the one copied from it, else the
    one with the template activity's name (a matrix imported from a spreadsheet)."""
    name = (name or template_activity_name(key)).casefold()
    return next((a for a in grid.activities if a.template_key == key), None) or next(
        (a for a in grid.activities if a.name.casefold() == name), None
    )
