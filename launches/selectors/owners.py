"""Ownership: the matrix's Launch phase and the owners of readiness items."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce

from launches import tiering
from launches.models import (
    Launch,
    ReadinessItem,
)
from raci.models import Activity, Cell, Column, Matrix
from raci.selectors import (
    activity_for_key,
    default_matrix_of,
    matrix_grid,
    template_activity_name,
)

# --- ownership: the matrix's Launch phase and the owners of readiness items -----------------


@dataclass(frozen=True, slots=True)
class ActivityOwners:
    """Who owns the items of one template activity in a matrix."""

    key: str
    name: str  # the matrix's name for it, else the template's
    found: bool  # the matrix has the activity
    # (role id, code, letter) of the roles that own it (tiering.owner_roles), in column order.
    candidates: tuple[tuple[int, str, str], ...] = ()

    @property
    def role_ids(self) -> tuple[int, ...]:
        return tuple(role_id for role_id, _, _ in self.candidates)

    def code(self, role_id: int | None) -> str:
        return next((code for rid, code, _ in self.candidates if rid == role_id), "")


@dataclass(slots=True)
class LaunchOwners:
    """The matrix a launch's readiness items take their owners from, and those owners."""

    matrix: Matrix | None
    from_default: bool  # the workspace's default matrix: the launch has none of its own
    grid: object | None  # raci.selectors.Grid of `matrix`
    activities: dict[str, ActivityOwners] = field(default_factory=dict)

    def of(self, item: ReadinessItem) -> ActivityOwners | None:
        return self.activities.get(item.activity_key)

    def role_for(self, item: ReadinessItem) -> int | None:
        found = self.of(item)
        return tiering.owner_role(found.role_ids, item.chosen_role_id) if found else None


def launch_owners_of(*, launch: Launch) -> LaunchOwners:
    """The owners of the launch's readiness items, from its matrix, else the workspace's
    default matrix: per template activity, the role that is A/R, else the R (several: each),
    else the A. Three queries whatever the matrix's size."""
    matrix, from_default = launch.matrix if launch.matrix_id else None, False
    if matrix is None:
        matrix, from_default = default_matrix_of(workspace_id=launch.cycle.workspace_id), True
    if matrix is None:
        return LaunchOwners(None, True, None)
    grid = matrix_grid(matrix=matrix, check=False)
    found = {}
    for key in sorted(set(tiering.ACTIVITY_OF.values())):
        name = template_activity_name(key)
        row = activity_for_key(grid=grid, key=key, name=name)
        if row is None:
            found[key] = ActivityOwners(key, name, False)
            continue
        letters = [(c.role_id, grid.cells.get((row.id, c.role_id), ("", 0))[0]) for c in grid.columns]
        owners = set(tiering.owner_roles(letters))
        found[key] = ActivityOwners(
            key,
            row.name,
            True,
            tuple(
                (c.role_id, c.code, "A/R" if value == "AR" else value)
                for c, (_, value) in zip(grid.columns, letters)
                if c.role_id in owners
            ),
        )
    return LaunchOwners(matrix, from_default, grid, found)


def item_owners_of(*, launch: Launch, item: ReadinessItem) -> LaunchOwners:
    """The owners of one readiness item's template activity, as `launch_owners_of` finds them,
    read for that activity alone: the matrix's columns with their letters on its row, in one
    query (and one for the workspace's default matrix when the launch has none of its own),
    whatever the size of the matrix or the checklist."""
    matrix, from_default = launch.matrix if launch.matrix_id else None, False
    if matrix is None:
        matrix, from_default = default_matrix_of(workspace_id=launch.cycle.workspace_id), True
    key = item.activity_key
    if matrix is None or not key:
        return LaunchOwners(matrix, from_default, None)
    name = template_activity_name(key)
    # The row copied from the template activity, else the one with its name (as activity_for_key).
    rows = Activity.objects.filter(matrix=matrix).order_by("order", "id")
    by_key, by_name = rows.filter(template_key=key), rows.filter(name__iexact=name)
    row_id = Coalesce(Subquery(by_key.values("id")[:1]), Subquery(by_name.values("id")[:1]))
    columns = list(
        Column.objects.filter(matrix=matrix)
        .order_by("order", "id")
        .annotate(
            row_id=row_id,
            row_name=Coalesce(Subquery(by_key.values("name")[:1]), Subquery(by_name.values("name")[:1])),
            letter=Subquery(Cell.objects.filter(activity_id=row_id, role_id=OuterRef("role_id")).values("value")[:1]),
        )
        .values_list("role_id", "role__code", "row_id", "row_name", "letter")
    )
    if columns:
        found_name = columns[0][3]
    else:  # a matrix without columns: whether it has the row at all
        found_name = (
            by_key.values_list("name", flat=True)[:1] or by_name.values_list("name", flat=True)[:1] or [None]
        )[0]
    if found_name is None:
        return LaunchOwners(matrix, from_default, None, {key: ActivityOwners(key, name, False)})
    letters = [(role_id, letter or "") for role_id, _, _, _, letter in columns]
    owners = set(tiering.owner_roles(letters))
    candidates = tuple(
        (role_id, code, "A/R" if letter == "AR" else letter)
        for role_id, code, _, _, letter in columns
        if role_id in owners
    )
    return LaunchOwners(matrix, from_default, None, {key: ActivityOwners(key, found_name, True, candidates)})


@dataclass(frozen=True, slots=True)
class ItemOwnership:
    """What the checklist says about an item's owner, from the matrix.

    state: "owned" (`code` is `letter` on `activity`), "choose" (several R: `candidates`),
    "missing" (the matrix has no `activity`), "unowned" (nobody is R or A on it),
    "no_matrix", "changed" (the matrix now gives it to `code`), or "" (nothing to say)."""

    state: str
    activity: str = ""
    code: str = ""
    letter: str = ""
    candidates: tuple[tuple[int, str, str], ...] = ()


def item_ownership(item: ReadinessItem, owners: LaunchOwners) -> ItemOwnership:
    found = owners.of(item)
    if owners.matrix is None:
        return ItemOwnership("no_matrix")
    if found is None:
        return ItemOwnership("")
    if not found.found:
        return ItemOwnership("missing", found.name)
    if not found.candidates:
        return ItemOwnership("unowned", found.name)
    role = owners.role_for(item)
    if role is None:
        return ItemOwnership("choose", found.name, candidates=found.candidates)
    if item.is_open and role != item.owner_role_id:
        return ItemOwnership("changed", found.name, found.code(role))
    if role != item.owner_role_id:
        return ItemOwnership("")
    letter = next(letter for rid, _, letter in found.candidates if rid == role)
    return ItemOwnership(
        "owned", found.name, found.code(role), letter, found.candidates if len(found.candidates) > 1 else ()
    )


@dataclass(frozen=True, slots=True)
class RoleOwner:
    """A role that is R or A at launch, and the person who does its work on this launch."""

    role_id: int
    code: str
    name: str
    letters: str  # R, A or A/R
    person: str  # "" when nobody holds the role

    @property
    def label(self) -> str:
        return tiering.owner_label(self.code, self.person)


@dataclass(slots=True)
class LaunchRaci:
    # (activity name, [RoleOwner]) for Launch-phase activities
    activities: list[tuple[str, list[RoleOwner]]]
    ra_role_ids: set[int]

    @property
    def unheld(self) -> list[RoleOwner]:
        """The roles R or A at launch that nobody holds, once each."""
        seen: dict[int, RoleOwner] = {}
        for _, owners in self.activities:
            for owner in owners:
                if not owner.person:
                    seen.setdefault(owner.role_id, owner)
        return list(seen.values())


def launch_raci_of(*, owners: LaunchOwners, launch: Launch) -> LaunchRaci | None:
    """Who is R/A for the Launch-phase activities of the matrix the launch's owners come
    from, each role with the one person who does its work on this launch
    (`tiering.person_for_role`, as the checklist assigns it)."""
    grid = owners.grid
    if grid is None:
        return None
    lead_names = {m.pk: m.display_name for m in (launch.pm_owner, launch.pmm_owner) if m is not None}
    rows, ra = [], set()
    for activity in grid.activities:
        if activity.phase != "launch":
            continue
        found = []
        for column in grid.columns:
            value = grid.cells.get((activity.id, column.role_id), ("", 0))[0]
            if value in ("R", "A", "AR"):
                ra.add(column.role_id)
                person = tiering.person_for_role(
                    code=column.code,
                    holder_ids=column.holder_ids,
                    pm_owner_id=launch.pm_owner_id,
                    pmm_owner_id=launch.pmm_owner_id,
                )
                name = lead_names.get(person) or grid.people.get(person, "") if person else ""
                found.append(
                    RoleOwner(column.role_id, column.code, column.name, "A/R" if value == "AR" else value, name)
                )
        rows.append((activity.name, found))
    return LaunchRaci(rows, ra)
