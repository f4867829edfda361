"""What hangs off a matrix's rows and columns, so that nothing that deletes one takes
others' work along unseen.

Deleting an activity deletes (or unlinks) whatever points at it; removing a role's column
orphans whatever points at one of the matrix's activities together with that role. Both
are found by walking the models' relations, of every app, so a relation added later is
checked without anyone remembering to: `activity_relations` and `pair_relations`. What a
higher app derives from a row or a column without a key (a launch's readiness items, owned
through the row's template activity and the column's role) it tells through `register`.

The row's own letters (`Cell`) are not "hanging off": every delete records them and a
restore or an undo brings them back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.apps import apps
from django.db import models

from core.errors import Conflict
from raci.models import Activity, Cell, Matrix
from workspaces.models import Role

# A row's own data: recorded with its delete and brought back with it.
OWN: frozenset[type[models.Model]] = frozenset({Cell})


@dataclass(frozen=True, slots=True)
class Dependent:
    """`count` things of a kind (`what`, plural, as a person says it) of the app `where`."""

    where: str
    what: str
    count: int

    def describe(self) -> str:
        return f"{self.count} {self.what}"


# (matrix, activity ids, role ids) -> what hangs off them that the relations do not show.
Counter = Callable[[Matrix, frozenset[int], frozenset[int]], list[Dependent]]
_counters: list[Counter] = []


def register(counter: Counter) -> None:
    """A higher app's own count of what depends on a matrix's rows or columns."""
    if counter not in _counters:
        _counters.append(counter)


def activity_relations() -> Iterator[models.ForeignObjectRel]:
    """Every relation of any model to `Activity` (foreign keys, one-to-one and many-to-many)
    other than the row's own letters."""
    for relation in Activity._meta.get_fields(include_hidden=True):
        if not relation.auto_created or relation.concrete or relation.related_model in OWN:
            continue
        if relation.related_model._meta.auto_created:
            continue  # a many-to-many's own table: its relation is walked instead
        yield relation


def pair_relations() -> Iterator[tuple[type[models.Model], str, str]]:
    """Models that point at an activity and a role together (a proposal or a settlement for
    one cell), as (model, activity field, role field), other than the row's own letters:
    removing the role's column from the matrix leaves them pointing at nothing."""
    for model in apps.get_models():
        if model in OWN:
            continue
        fields = [f for f in model._meta.get_fields() if f.many_to_one and f.concrete]
        to_activity = [f.name for f in fields if f.related_model is Activity]
        to_role = [f.name for f in fields if f.related_model is Role]
        for activity_field in to_activity:
            for role_field in to_role:
                yield model, activity_field, role_field


def _names(model: type[models.Model], count: int) -> tuple[str, str]:
    meta = model._meta
    name = str(meta.verbose_name if count == 1 else meta.verbose_name_plural)
    return str(meta.app_config.verbose_name), name


def dependents(*, matrix: Matrix, activity_ids: Iterable[int] = (), role_ids: Iterable[int] = ()) -> list[Dependent]:
    """What would be lost if the activities `activity_ids` were deleted from `matrix` and the
    columns of `role_ids` removed from it: one query per relation, plus the registered counts."""
    activity_ids, role_ids = frozenset(activity_ids), frozenset(role_ids)
    found: list[Dependent] = []
    if activity_ids:
        for relation in activity_relations():
            if relation.many_to_many:
                through = relation.through
                column = relation.field.m2m_reverse_field_name()
                count = through._base_manager.filter(**{f"{column}__in": activity_ids}).count()
                if count:
                    where, name = _names(relation.related_model, count)
                    found.append(Dependent(where, f"{name} whose scope holds the row", count))
                continue
            count = relation.related_model._base_manager.filter(**{f"{relation.field.name}__in": activity_ids}).count()
            if count:
                found.append(Dependent(*_names(relation.related_model, count), count))
    if role_ids:
        for model, activity_field, role_field in pair_relations():
            count = (
                model._base_manager.filter(**{f"{role_field}__in": role_ids, f"{activity_field}__matrix": matrix})
                .exclude(**{f"{activity_field}__in": activity_ids})
                .count()
            )
            if count:
                found.append(Dependent(*_names(model, count), count))
    if activity_ids or role_ids:
        for counter in _counters:
            found.extend(counter(matrix, activity_ids, role_ids))
    return found


def refuse_if_dependents(
    *, matrix: Matrix, what: str, activity_ids: Iterable[int] = (), role_ids: Iterable[int] = ()
) -> None:
    """Raise `Conflict` naming what `what` would lose (nothing is changed), if anything hangs
    off the activities or the columns."""
    found = dependents(matrix=matrix, activity_ids=activity_ids, role_ids=role_ids)
    if not found:
        return
    by_app: dict[str, list[str]] = {}
    for dependent in found:
        by_app.setdefault(dependent.where, []).append(dependent.describe())
    lost = "; ".join(f"{where}: {', '.join(items)}" for where, items in by_app.items())
    raise Conflict(
        f"{what} was not done: it would delete or orphan what others made on it ({lost}). "
        "Remove those first, or keep the row or column."
    )
