"""Reads of who holds what: each member's letters across the matrices, and what a member
holds (for removing them)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import (
    Count,
    F,
)

from raci import findings
from raci.models import (
    Activity,
    Cell,
    Column,
    Matrix,
)
from workspaces import handover
from workspaces import workload as workloads
from workspaces.models import Membership, Role
from workspaces.selectors import members_of, others_holding


@dataclass(slots=True)
class PersonLoad:
    membership: Membership
    roles: list[str]
    counts: dict[str, int]
    findings: list[str]
    heat: dict[str, int] = field(default_factory=dict)  # letter -> 0..5, relative to the busiest person


def workload(*, workspace, members: list[Membership] | None = None) -> list[PersonLoad]:
    """Each member's R, A, C, I across the workspace's matrices (A/R counts as both R and
    A), with the overloaded-role and shared-hats findings of the roles they hold. `members`,
    when given, are the workspace's members with their held roles prefetched."""
    members = members_of(workspace=workspace) if members is None else members
    per_role: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys("RACI", 0))
    per_matrix_role: dict[tuple[int, int], list[str]] = defaultdict(list)
    rows = (
        Cell.objects.filter(activity__matrix__workspace=workspace, role__columns__matrix_id=F("activity__matrix_id"))
        .exclude(value="")
        .values("activity__matrix_id", "role_id", "value")
        .annotate(n=Count("id"))
    )
    for row in rows:
        value, n = row["value"], row["n"]
        for letter in ("A", "R") if value == "AR" else (value,):
            per_role[row["role_id"]][letter] += n
        per_matrix_role[(row["activity__matrix_id"], row["role_id"])].extend([value] * n)
    activities = dict(
        Activity.objects.filter(matrix__workspace=workspace)
        .values("matrix_id")
        .annotate(n=Count("id"))
        .values_list("matrix_id", "n")
    )
    columns = defaultdict(list)
    for matrix_id, role_id, code, name in Column.objects.filter(matrix__workspace=workspace).values_list(
        "matrix_id", "role_id", "role__code", "role__name"
    ):
        columns[matrix_id].append((role_id, code, name))
    matrix_names = dict(Matrix.objects.filter(workspace=workspace).values_list("id", "name"))
    overloaded: dict[int, list[str]] = defaultdict(list)
    for matrix_id, cols in columns.items():
        for role_id, code, name in cols:
            overloaded[role_id] += [
                f"{message} ({matrix_names[matrix_id]})"
                for message in findings.overloaded_messages(
                    role_id=role_id,
                    code=code,
                    name=name,
                    values=per_matrix_role.get((matrix_id, role_id), []),
                    n_activities=activities.get(matrix_id, 0),
                    n_roles=len(cols),
                )
            ]
    loads = []
    for member in members:
        held = [h.role for h in member.held_roles.all()]
        counts = dict.fromkeys("RACI", 0)
        notes = []
        for role in held:
            for letter, n in per_role[role.pk].items():
                counts[letter] += n
            notes += [f"overloaded-role: {text}" for text in overloaded[role.pk]]
        held_ids = {r.pk for r in held}
        for matrix_id, cols in columns.items():
            mine = [code for role_id, code, _ in cols if role_id in held_ids]
            if len(mine) > 1:
                notes.append(f"shared-hats: holds {' and '.join(mine)} in {matrix_names[matrix_id]}")
        loads.append(PersonLoad(member, [r.code for r in held], counts, notes))
    for letter in "RACI":
        top = max((load.counts[letter] for load in loads), default=0)
        for load in loads:
            load.heat[letter] = (
                0 if not top or not load.counts[letter] else max(1, round(5 * load.counts[letter] / top))
            )
    return loads


def workload_letters(workspace, quarter: workloads.Quarter) -> list[workloads.Share]:
    """The matrix letters of each role across the workspace's matrices, counted as the
    People page counts them (A/R is both an A and an R), for `workspaces.workload`. Letters
    are the matrices as they stand: the quarter does not change them. One query."""
    rows = (
        Cell.objects.filter(activity__matrix__workspace=workspace, role__columns__matrix_id=F("activity__matrix_id"))
        .exclude(value="")
        .values("role_id", "value")
        .annotate(n=Count("id"))
    )
    per_role: dict[int, int] = defaultdict(int)
    for row in rows:
        per_role[row["role_id"]] += row["n"] * (2 if row["value"] == "AR" else 1)
    return [workloads.Share(workloads.LETTERS, n, role_id=role_id) for role_id, n in per_role.items()]


# --- what a member holds, for removing them (see handover.py) ------------------------------


def raci_holdings(membership: Membership) -> list[handover.Holding]:
    """The roles the member holds (a role may go to nobody when someone else holds it too,
    or when nothing needs it) and the matrices they own."""
    roles = list(Role.objects.filter(holders__membership=membership).order_by("code"))
    ids = {r.pk for r in roles}
    others = others_holding(ids, membership)
    uses = handover.role_uses(workspace=membership.workspace, role_ids=ids)
    found = []
    for role in roles:
        if others[role.pk]:
            detail = "Also held by " + ", ".join(others[role.pk]) + "."
        elif uses.get(role.pk):
            detail = "Nobody else holds it, and it " + "; it ".join(uses[role.pk]) + "."
        else:
            detail = "Nobody else holds it; nothing needs it."
        found.append(
            handover.Holding(
                key=f"role:{role.pk}",
                group="Roles held",
                label=f"{role.code} · {role.name}",
                detail=detail,
                nobody_ok=bool(others[role.pk]) or not uses.get(role.pk),
            )
        )
    for matrix in Matrix.objects.filter(workspace_id=membership.workspace_id, owner_id=membership.user_id).order_by(
        "name"
    ):
        found.append(
            handover.Holding(
                key=f"matrix:{matrix.pk}",
                group="Matrices owned",
                label=matrix.name,
                detail="Its owner is reminded when it is due for review.",
            )
        )
    return found


def raci_role_uses(workspace, role_ids: set[int]) -> dict[int, list[str]]:
    """A role accountable (A or A/R) on activities needs someone to answer for them."""
    rows = (
        Cell.objects.filter(
            role_id__in=role_ids,
            value__in=("A", "AR"),
            activity__matrix__workspace=workspace,
            role__columns__matrix_id=F("activity__matrix_id"),
        )
        .values("role_id", "activity__matrix__name")
        .annotate(n=Count("id"))
        .order_by("activity__matrix__name")
    )
    uses: dict[int, list[str]] = defaultdict(list)
    for row in rows:
        n = row["n"]
        uses[row["role_id"]].append(
            f"is accountable on {n} activit{'ies' if n != 1 else 'y'} of {row['activity__matrix__name']}"
        )
    return uses
