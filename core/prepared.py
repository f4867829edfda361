"""Querysets compiled to SQL once per process and run again with new values.

Building and compiling a queryset costs this stack about a millisecond of Python per
query, more than PostgreSQL takes to answer it; on the cell-edit path, which runs a
handful of queries per keystroke, that is most of the time. The SQL still comes from
the ORM, and values stay bound parameters.
"""

import functools
import json
from collections.abc import Callable

from django.db import connections
from django.db.models import DateTimeField, JSONField, Model, QuerySet


class Prepared:
    """`build` makes the queryset from keyword values; the markers are stand-ins for those
    values, chosen so that they cannot collide with a literal of the query."""

    def __init__(self, build: Callable[..., QuerySet], **markers):
        self._build = build
        self._markers = markers
        self._compiled: dict[str, tuple[str, list, str]] = {}

    def _compile(self, alias: str) -> tuple[str, list, str]:
        queryset = self._build(**self._markers)
        sql, params = queryset.query.sql_with_params()
        by_value = {value: name for name, value in self._markers.items()}
        slots = [("slot", by_value[p]) if p in by_value else ("literal", p) for p in params]
        missing = set(self._markers) - {name for kind, name in slots if kind == "slot"}
        if missing:
            raise ValueError(f"markers not found in the query's parameters: {missing}")
        return sql, slots, queryset.db

    def rows(self, **values) -> list[tuple]:
        alias = "default"
        if alias not in self._compiled:
            self._compiled[alias] = self._compile(alias)
        sql, slots, db = self._compiled[alias]
        params = [values[name] if kind == "slot" else name for kind, name in slots]
        with connections[db].cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()


@functools.cache
def _conversions(model: type[Model], attnames: tuple[str, ...]) -> tuple[frozenset[int], frozenset[int]]:
    fields = {f.attname: f for f in model._meta.concrete_fields}
    jsons = frozenset(i for i, name in enumerate(attnames) if isinstance(fields[name], JSONField))
    datetimes = frozenset(i for i, name in enumerate(attnames) if isinstance(fields[name], DateTimeField))
    return jsons, datetimes


def model_from_row[M: Model](model: type[M], attnames: list[str], values: list | tuple, *, db: str = "default") -> M:
    """A whole instance of `model` from a prepared row's values for `attnames`, converted
    as the ORM's own converters would: raw rows skip them, so JSON comes back as its text
    (from both databases) and SQLite's datetimes as strings."""
    connection = connections[db]
    jsons, datetimes = _conversions(model, tuple(attnames))
    convert = getattr(connection.ops, "convert_datetimefield_value", None)  # None: already aware datetimes
    converted = list(values)
    for i in jsons:
        if isinstance(converted[i], str):
            converted[i] = json.loads(converted[i])
    if convert is not None:
        for i in datetimes:
            if converted[i] is not None:
                converted[i] = convert(converted[i], None, connection)
    return model.from_db(db, attnames, converted)
