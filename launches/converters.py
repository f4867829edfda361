"""A quarter in a URL (`2027-q1`, also `2027Q1`): the view gets a `Quarter`, and anything else
in its place, a year out of range included, is a 404 before any view runs."""

from __future__ import annotations

from workspaces.workload import Quarter

FIRST_YEAR, LAST_YEAR = 2000, 2100


class QuarterConverter:
    regex = r"[0-9]{4}-?[qQ][1-4]"

    def to_python(self, value: str) -> Quarter:
        year = int(value[:4])
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise ValueError(f"{year} is not a year of the plan")
        return Quarter(year, int(value[-1]))

    def to_url(self, value: Quarter | str) -> str:
        return f"{value.year}-q{value.number}" if isinstance(value, Quarter) else value
