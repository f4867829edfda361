"""A quarter as slides for the review meeting: a cover, the tier board, a slide for each
Tier 1 launch (dates, owners, readiness and its checklist), the load by week and what is
wrong with the plan.

`quarter_deck` takes plain data (the `QuarterPlan` the quarter view reads) and gives the
file's bytes, with no query; `quarter_deck_of` reads the plan first, for the pages, the
API and any other door that offers the download.
With `hide_names` no person is named anywhere: owners are their roles, the load by week is
the team's, and the limits' messages about one person are counted, not quoted.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from core import slides
from core.slides import Cell, Line
from launches.selectors.cycles import rubric_of
from launches.selectors.quarter import QuarterItem, QuarterLaunch, QuarterPlan, quarter_plan_of
from workspaces.models import Workspace
from workspaces.workload import Quarter

OVER_FILL, OVER_INK = "FFF4D6", "8A5A00"  # over a limit, as the quarter view marks it
READY_INK, LATE_INK = "1D6B35", "B42318"
NAME_W = 2.6  # the load table's name column, inches
TOTAL_W = 1.0


def _plural(n: int, one: str, many: str = "") -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def role_only(label: str) -> str:
    """An owner as `tiering.owner_label` names them, without the person: "PMM · Sam Lee"
    is "PMM"; a person without a role is "a person"."""
    if " · " in label:
        return label.split(" · ", 1)[0]
    return label if label == "no owner" else "a person"


def _owner(row: QuarterItem, *, hide_names: bool) -> str:
    return role_only(row.owner) if hide_names else row.owner


def _readiness_line(row: QuarterLaunch, *, hide_names: bool) -> str:
    readiness = row.readiness
    if hide_names:
        readiness = replace(readiness, owners=tuple(dict.fromkeys(role_only(o) for o in readiness.owners)))
    return readiness.line + "."


def _progress(row: QuarterLaunch) -> str:
    if not row.readiness.tiered:
        return "not tiered yet"
    text = f"{row.bar.done} of {row.required} done"
    if row.readiness.overdue:
        text += f", {row.readiness.overdue} overdue"
    return text


def _readiness_intro(row: QuarterLaunch, *, hide_names: bool) -> str:
    done = f"{row.bar.done} of {row.required} required items done. " if row.readiness.tiered else ""
    return f"Readiness: {done}{_readiness_line(row, hide_names=hide_names)}"


def _cover(deck: slides.Deck, plan: QuarterPlan, *, hide_names: bool) -> None:
    lines = [f"{slides.day_text(plan.start)} – {slides.day_text(plan.end)}"]
    if plan.cycle is None:
        lines.append(f"Nobody has opened {plan.name}'s launch cycle yet.")
    else:
        for name, rows in plan.tiers:
            if rows or name != "Untiered":
                ready = sum(1 for r in rows if r.readiness.ready)
                lines.append(f"{name}: {_plural(len(rows), 'launch', 'launches')}, {ready} ready.")
        lines.append(f"Plan warnings: {plan.warning_count}.")
    if hide_names:
        lines.append("Names are hidden: roles only.")
    deck.cover(title=f"{plan.name} launches", lines=lines)


def _board(deck: slides.Deck, plan: QuarterPlan) -> None:
    """The tier board: a column per tier, a launch a cell, with its date and readiness."""
    tiers = [(name, rows) for name, rows in plan.tiers if rows or name != "Untiered"]
    width = slides.CONTENT_W / len(tiers)
    header = [Cell(f"{name} ({len(rows)})") for name, rows in tiers]
    depth = max(len(rows) for _, rows in tiers)
    body = []
    for k in range(depth):
        line = []
        for _, rows in tiers:
            if k >= len(rows):
                line.append(Cell(""))
                continue
            row = rows[k]
            when = slides.short_day(row.launch.launch_date) or "no date"
            mark = "Ready · " if row.readiness.ready else ""
            warned = f" · {_plural(len(row.warnings), 'warning')}" if row.warnings else ""
            line.append(Cell(row.launch.name, bold=True, detail=f"{when} · {mark}{_progress(row)}{warned}"))
        body.append(line)
    deck.table(
        title="Launches by tier",
        header=header,
        rows=body,
        widths=[width] * len(tiers),
        subtitle="Each launch with its launch date and how many of its required readiness items are done."
        if depth
        else f"No launches in {plan.name} yet.",
        band=False,
    )


def _launch_slides(deck: slides.Deck, row: QuarterLaunch, items: list[QuarterItem], *, hide_names: bool) -> None:
    launch = row.launch
    dates = f"Launch date: {slides.day_text(launch.launch_date) or 'not set'}"
    if launch.ship_date:
        dates += f" · ships {slides.day_text(launch.ship_date)}"

    def owner(member) -> str:
        if member is None:
            return "nobody yet"
        return "named" if hide_names else member.display_name

    pm, pmm = f"PM owner: {owner(launch.pm_owner)}", f"PMM owner: {owner(launch.pmm_owner)}"
    readiness = _readiness_intro(row, hide_names=hide_names)
    if row.warnings:
        readiness += f" {_plural(len(row.warnings), 'plan warning')}: see “What is wrong with the plan”."
    intro = [f"{dates} · {pm} · {pmm}.", readiness]
    widths = [5.1, 3.1, 1.7, slides.CONTENT_W - 9.9]
    body = []
    for entry in items:
        item = entry.item
        title = item.title + (" (required)" if item.required else "")
        status = item.get_status_display() + (" · late" if entry.late else "")
        body.append(
            [
                Cell(title),
                Cell(_owner(entry, hide_names=hide_names)),
                Cell(slides.short_day(item.due_date) or "no date"),
                Cell(status, ink=LATE_INK, bold=True) if entry.late else Cell(status),
            ]
        )
    deck.table(
        title=f"{row.tier_name}: {launch.name}",
        header=["Readiness item", "Owner", "Due", "Status"],
        rows=body,
        widths=widths,
        intro=intro,
    )


def _load(deck: slides.Deck, plan: QuarterPlan, *, hide_names: bool) -> None:
    load = plan.load
    weeks = load.weeks
    week_w = (slides.CONTENT_W - NAME_W - TOTAL_W) / max(len(weeks), 1)
    widths = [NAME_W] + [week_w] * len(weeks) + [TOTAL_W]
    header = [Cell("Week of")] + [Cell(slides.short_day(w), center=True) for w in weeks] + [Cell("All", center=True)]

    def number(points: int, over: bool, *, bold: bool = False) -> Cell:
        if over:
            return Cell(f"{points}!", fill=OVER_FILL, ink=OVER_INK, bold=True, center=True)
        return Cell(str(points) if points else "·", center=True, bold=bold)

    rows = []
    if not hide_names:
        for name, person in plan.load_rows:
            rows.append([Cell(name)] + [number(c.points, c.over) for c in person.cells] + [number(person.total, False)])
    else:
        over_people = [sum(1 for p in load.people if p.cells[n].over) for n in range(len(weeks))]
        rows.append(
            [Cell("People over their limit")]
            + [number(n, False) for n in over_people]
            + [number(sum(1 for p in load.people if p.over), False)]
        )
    rows.append(
        [Cell("Everyone", bold=True)]
        + [number(points, over, bold=True) for points, over in load.totals]
        + [number(sum(load.week_points), False, bold=True)]
    )
    subtitle = (
        f"Open readiness items due, plus launches owned as PM or PMM in their launch week (Tier 1 counts twice). "
        f"Limits: {load.person_limit} per person and week, {load.week_limit} for everyone; ! marks a week over its limit."
    )
    deck.table(title="Load by week", header=header, rows=rows, widths=widths, subtitle=subtitle)


def _warnings(deck: slides.Deck, plan: QuarterPlan, *, hide_names: bool) -> None:
    lines: list[Line] = []
    for row in plan.launches:
        if row.warnings:
            lines.append(Line(f"{row.launch.name} ({row.tier_name})", heading=True))
            lines += [Line(w.message) for w in row.warnings]
    flags = plan.load.flags
    if flags:
        lines.append(Line("Load over the limits", heading=True))
        # The people's messages come first and name them; the weeks' name nobody.
        people = sum(1 for p in plan.load.people for c in p.cells if c.over)
        if hide_names:
            over = sum(1 for p in plan.load.people if p.over)
            if over:
                lines.append(Line(f"{_plural(over, 'person', 'people')} over the per-person limit in some week."))
            lines += [Line(f) for f in flags[people:]]
        else:
            lines += [Line(f) for f in flags]
    deck.lines(title="What is wrong with the plan", lines=lines, empty=f"No plan warnings for {plan.name}.")


def quarter_deck(plan: QuarterPlan, *, workspace_name: str, today: date, hide_names: bool = False) -> bytes:
    """The quarter as a .pptx file: `plan` as `launches.selectors.quarter_plan_of` reads it,
    the workspace's name and the day for every slide's footer."""
    deck = slides.Deck(title=f"{plan.name} launches", workspace=workspace_name, day=today)
    _cover(deck, plan, hide_names=hide_names)
    if plan.cycle is not None:
        _board(deck, plan)
        by_launch: dict[int, list[QuarterItem]] = {}
        for _week, entries in plan.by_week:
            for entry in entries:
                by_launch.setdefault(entry.item.launch_id, []).append(entry)
        for row in plan.launches:
            if row.launch.tier == 1:
                _launch_slides(deck, row, by_launch.get(row.launch.pk, []), hide_names=hide_names)
        _load(deck, plan, hide_names=hide_names)
        _warnings(deck, plan, hide_names=hide_names)
    return deck.bytes()


def quarter_deck_of(*, workspace: Workspace, quarter: Quarter, hide_names: bool = False) -> bytes:
    """The quarter's deck as the quarter view reads the quarter today (the workspace's day)."""
    today = workspace.today()
    rubric = rubric_of(workspace_id=workspace.pk)
    plan = quarter_plan_of(workspace=workspace, year=quarter.year, quarter=quarter.number, rubric=rubric, today=today)
    return quarter_deck(plan, workspace_name=workspace.name, today=today, hide_names=hide_names)
