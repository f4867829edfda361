"""How big a matrix and an uploaded file may be (docs/contracts.md, "Limits").

One place for every check: the CSV/XLSX reader, `raci_check --csv`, the import page, the
grid's adds and template copies all read `LIMITS`. Plain Python, no Django, so the
reader stays free of settings. A matrix beyond these sizes is not a RACI chart anyone can
read, and parsing or saving one ties up a worker for minutes.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.sheets import MB, Bounds


@dataclass(frozen=True, slots=True)
class Limits:
    activities: int = 2_000
    roles: int = 60
    cells: int = 60_000  # activities x roles: the grid's size, letters or not
    file_bytes: int = 10 * MB
    inflated_bytes: int = 50 * MB  # an XLSX's members once decompressed, all together
    # Blank lines are skipped, not counted as activities, but reading them still costs:
    # a file may hold this many lines beyond its header and activities.
    blank_lines: int = 1_000
    # A member of an XLSX larger than `ratio_floor_bytes` that inflates more than this many
    # times is a zip bomb: the biggest matrix we write compresses about 18 times.
    ratio: int = 200
    ratio_floor_bytes: int = 1 * MB
    errors_listed: int = 500  # the rest are counted, not stored or shown
    # The most cells one paste writes: it and its undo are one change group each, done in one
    # request, and must finish well within the server's timeout.
    paste_cells: int = 20_000

    def reader_bounds(self) -> Bounds:
        """What the spreadsheet reader reads of an import before refusing it. Roles and
        activities are counted with their own messages once a row is read; these bound
        what reading a row costs: a header needs the Activity, Phase and Description
        columns and the roles (a few empty ones too), a row its name, description and
        letters, a workbook's shared strings the text of one matrix."""
        return Bounds(
            file_bytes=self.file_bytes,
            # One over the lines an import reads, so the count of lines below names the limit.
            rows=self.activities + 2 + self.blank_lines,
            columns=1_000,
            cells=250_000,
            header_chars=32 * 1024,
            row_chars=128 * 1024,
            inflated_bytes=self.inflated_bytes,
            ratio=self.ratio,
            ratio_floor_bytes=self.ratio_floor_bytes,
            shared_strings=250_000,
            shared_string_chars=16 * MB,
        )

    def max_activities(self, roles: int) -> int:
        """The most activities a matrix with `roles` columns may have."""
        return min(self.activities, self.cells // roles) if roles else self.activities

    def file_text(self) -> str:
        return f"{self.file_bytes // MB} MB"


LIMITS = Limits()


def number(value: int) -> str:
    """2000 -> "2,000": limits are named in messages the way people read them."""
    return f"{value:,}"


def activity_add_problem(*, activities: int, roles: int, adding: int = 1, limits: Limits = LIMITS) -> str | None:
    """Why `adding` activities cannot join a matrix of this size, or None when they can."""
    if activities + adding > limits.activities:
        return (
            f"A matrix holds at most {number(limits.activities)} activities and this one has "
            f"{number(activities)}; nothing was added."
        )
    if (activities + adding) * roles > limits.cells:
        return (
            f"A matrix holds at most {number(limits.cells)} cells (activities × roles); with {roles} roles that "
            f"is {number(limits.cells // roles)} activities and this one has {number(activities)}; "
            "nothing was added."
        )
    return None


def role_add_problem(*, activities: int, roles: int, limits: Limits = LIMITS) -> str | None:
    """Why a role column cannot join a matrix of this size, or None when it can."""
    if roles + 1 > limits.roles:
        return f"A matrix holds at most {limits.roles} roles and this one has {roles}; nothing was added."
    if activities * (roles + 1) > limits.cells:
        return (
            f"A matrix holds at most {number(limits.cells)} cells (activities × roles): {number(activities)} "
            f"activities leave room for {limits.cells // max(activities, 1)} roles; nothing was added."
        )
    return None


def size_problem(*, activities: int, roles: int, limits: Limits = LIMITS) -> str | None:
    """Why a matrix of this size (a template being copied) is too big, or None."""
    if activities > limits.activities:
        return f"it has {number(activities)} activities; a matrix holds at most {number(limits.activities)}."
    if roles > limits.roles:
        return f"it has {roles} roles; a matrix holds at most {limits.roles}."
    if activities * roles > limits.cells:
        return (
            f"it has {number(activities)} activities × {roles} roles = {number(activities * roles)} cells; "
            f"a matrix holds at most {number(limits.cells)}."
        )
    return None
