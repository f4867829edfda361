"""Reads for rituals, meetings and the calendar feed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Prefetch, Q
from django.urls import reverse

from launches import planning
from launches.models import (
    Launch,
    LaunchCycle,
    ReadinessItem,
)
from launches.selectors import Board, Card, board_of, rubric_of
from raci.models import Decision, Matrix
from rituals import cadence as rituals
from rituals import ical
from rituals.models import Occurrence, Ritual
from workspaces import workload as workloads
from workspaces.models import Membership, Role, Workspace


def feed_events_of(*, workspace: Workspace) -> list:
    """Launch dates and readiness due dates as (uid key, day, summary, description), and
    each ritual as one `ical.Recurring` series, in three queries. A ritual with a time of
    day is timed (lasting its agenda); the others are all-day."""
    events = [
        (f"launch-{l.pk}", l.launch_date, f"Launch: {l.name}", l.cycle.name)
        for l in Launch.objects.filter(cycle__workspace=workspace, launch_date__isnull=False).select_related("cycle")
    ]
    for item in ReadinessItem.objects.filter(launch__cycle__workspace=workspace, due_date__isnull=False).select_related(
        "launch", "owner__user", "owner_role"
    ):
        owner = item.owner.display_name if item.owner_id else (item.owner_role.code if item.owner_role_id else "nobody")
        events.append(
            (
                f"item-{item.pk}",
                item.due_date,
                f"Due: {item.title} ({item.launch.name})",
                f"Owner: {owner} · {item.get_status_display()}",
            )
        )
    return events + _ritual_events(workspace)


def _ritual_events(workspace: Workspace) -> list[ical.Recurring]:
    """Each ritual as one series from its first date. Ritual times are wall-clock times in
    the workspace's zone, and the feed says so: calendars keep the meeting at that time
    across a change of daylight saving time."""
    events = []
    zone = workspace.zone
    for ritual in (
        Ritual.objects.filter(workspace=workspace, paused=False)
        .select_related("owner_role")
        .prefetch_related("attendee_roles")
    ):
        sections = ritual.sections
        owner = ritual.owner_role.code if ritual.owner_role_id else "nobody"
        attendees = ", ".join(r.code for r in ritual.attendee_roles.all()) or "—"
        agenda = "; ".join(f"{s.title} ({s.minutes} min)" if s.minutes else s.title for s in sections)
        start = ritual.starts_on
        if ritual.time_of_day:
            start = datetime.combine(start, ritual.time_of_day, tzinfo=zone)
        events.append(
            ical.Recurring(
                key=f"ritual-{ritual.pk}",
                start=start,
                summary=ritual.name,
                description=f"Owner: {owner} · Attendees: {attendees}\nAgenda: {agenda}",
                rule=rituals.rrule_of(ritual.series),
                minutes=rituals.agenda_minutes(sections) or 60,
            )
        )
    return events


def _rituals(workspace: Workspace):
    return (
        Ritual.objects.filter(workspace=workspace)
        .select_related("owner_role", "default_matrix")
        .prefetch_related(
            "attendee_roles", Prefetch("attendee_members", queryset=Membership.objects.select_related("user"))
        )
    )


def workload_rituals(workspace: Workspace, quarter: workloads.Quarter) -> list[workloads.Share]:
    """Each ritual's meetings this quarter, for the role that runs it (its owner role), for
    `workspaces.workload`; paused ones meet no more. One query."""
    shares = []
    for cadence, starts_on, by_weekday, role_id in Ritual.objects.filter(
        workspace=workspace, owner_role__isnull=False, paused=False
    ).values_list("cadence", "starts_on", "by_weekday", "owner_role_id"):
        meetings = len(rituals.Series(cadence, starts_on, by_weekday).dates_between(quarter.start, quarter.end))
        if meetings:
            shares.append(workloads.Share(workloads.RITUALS, meetings, role_id=role_id))
    return shares


def rituals_of(*, workspace: Workspace, today: date) -> list[Ritual]:
    """The workspace's rituals, each with its `next_on` (None while paused), soonest first,
    in three queries."""
    found = list(_rituals(workspace))
    for ritual in found:
        ritual.workspace = workspace
        ritual.next_on = None if ritual.paused else ritual.next_date(today)
    # The soonest meeting first; paused ones last.
    return sorted(found, key=lambda r: (r.next_on is None, r.next_on or date.max, r.name, r.pk))


def ritual_get(*, workspace: Workspace, ritual_id: int) -> Ritual | None:
    ritual = _rituals(workspace).filter(pk=ritual_id).first()
    if ritual is not None:
        ritual.workspace = workspace
    return ritual


@dataclass(slots=True)
class UpcomingRitual:
    """A coming meeting, as plain data (the workspace page lists the next few)."""

    ritual_id: int
    name: str
    date: date
    time: time | None
    owner_role: str  # the owner role's code, "" when it has none
    owner_role_name: str
    url: str


def next_rituals(*, workspace: Workspace, today: date, limit: int = 3) -> list[UpcomingRitual]:
    """The next `limit` meetings of the workspace's active rituals, soonest first, in one
    query whatever the number of rituals (the dates come from the cadences)."""
    found = []
    for ritual in (
        Ritual.objects.filter(workspace=workspace, paused=False)
        .select_related("owner_role")
        .only("id", "name", "cadence", "starts_on", "by_weekday", "time_of_day", "owner_role__code", "owner_role__name")
    ):
        for day in ritual.series.dates_from(today, limit):
            found.append(
                UpcomingRitual(
                    ritual.pk,
                    ritual.name,
                    day,
                    ritual.time_of_day,
                    ritual.owner_role.code if ritual.owner_role_id else "",
                    ritual.owner_role.name if ritual.owner_role_id else "",
                    reverse("rituals:occurrence", args=[workspace.slug, ritual.pk, day.isoformat()]),
                )
            )
    found.sort(key=lambda u: (u.date, u.time or time.max, u.name, u.ritual_id))
    return found[:limit]


@dataclass(slots=True)
class Meeting:
    """One date of a ritual, with its row if one was written in (or planned by the tick)."""

    date: date
    occurrence: Occurrence | None = None
    decision_count: int = 0

    @property
    def has_notes(self) -> bool:
        return bool(self.occurrence and any(n.get("text") for n in self.occurrence.notes))


def meetings_of(*, ritual: Ritual, today: date, ahead: int = 4) -> tuple[list[Meeting], list[Meeting]]:
    """The coming meetings (the next `ahead` dates, none while paused) and the past ones
    written in, in one query. Meetings written in are read from their rows, not from the
    dates: after the ritual moves to another day they are still its meetings, on their own
    dates, and stay listed."""
    rows = {o.date: o for o in ritual.occurrences.annotate(decision_count=Count("decision_links"))}
    written = {day: row for day, row in rows.items() if row.notes or row.decision_count}
    planned = set() if ritual.paused else set(ritual.series.dates_from(today, ahead))
    days = sorted(planned | {day for day in written if day >= today})
    coming = [Meeting(day, rows.get(day), getattr(rows.get(day), "decision_count", 0)) for day in days]
    past = [Meeting(day, row, row.decision_count) for day, row in sorted(written.items(), reverse=True) if day < today]
    return coming, past


@dataclass(frozen=True, slots=True)
class RitualLoss:
    """What deleting a ritual takes with it, for the confirmation page."""

    meetings_with_notes: int
    decisions: int  # they stay in the decision log


def ritual_loss_of(*, ritual: Ritual) -> RitualLoss:
    rows = list(
        ritual.occurrences.annotate(decision_count=Count("decision_links")).values_list("notes", "decision_count")
    )
    # Saved notes whose every section was left empty lose nothing.
    return RitualLoss(sum(any(n.get("text") for n in notes) for notes, _ in rows), sum(count for _, count in rows))


def occurrence_of(*, ritual: Ritual, day: date) -> Occurrence | None:
    return ritual.occurrences.filter(date=day).select_related("matrix").first()


def occurrence_decisions_of(*, occurrence: Occurrence | None) -> list[Decision]:
    if occurrence is None:
        return []
    return list(
        Decision.objects.filter(occurrence_link__occurrence=occurrence)
        .select_related("matrix", "decided_by")
        .order_by("created_at", "id")
    )


def roles_for_choice(*, workspace: Workspace) -> list[Role]:
    return list(Role.objects.filter(workspace=workspace).only("id", "code", "name"))


def decision_log_of(*, ritual: Ritual) -> Matrix | None:
    """The matrix whose decision log the ritual's decisions go to unless a meeting picks
    another: its own default, else the workspace's first matrix."""
    if ritual.default_matrix_id:
        return ritual.default_matrix
    return Matrix.objects.filter(workspace_id=ritual.workspace_id).order_by("created_at", "id").first()


def decision_matrix_of(*, ritual: Ritual, occurrence: Occurrence | None) -> int | None:
    """The matrix a new decision goes to unless changed: the meeting's last, the ritual's
    default, else the workspace's first matrix."""
    if occurrence is not None and occurrence.matrix_id:
        return occurrence.matrix_id
    if ritual.default_matrix_id:
        return ritual.default_matrix_id
    return (
        Matrix.objects.filter(workspace_id=ritual.workspace_id)
        .order_by("created_at", "id")
        .values_list("id", flat=True)
        .first()
    )


@dataclass(slots=True)
class MeetingCandidates:
    """The launches a tiering meeting sorts: the cycle of the quarter after the meeting."""

    quarter: str  # 2027-Q1
    cycle: LaunchCycle | None  # None: the cycle is not open yet
    board: Board | None

    @property
    def cards(self) -> list[Card]:
        return [card for column in self.board.columns for card in column.cards] if self.board else []


def meeting_candidates_of(*, ritual: Ritual, day: date, today: date) -> MeetingCandidates | None:
    """For a tiering ritual (the default Launch Tiering, or any ritual that opens the next
    cycle), the next quarter's candidates as the board shows them; None for other rituals."""
    if not (ritual.opens_next_cycle or ritual.key == "launch-tiering"):
        return None
    name = rituals.quarter_after(day)
    year, quarter = int(name[:4]), int(name[-1])
    cycle = LaunchCycle.objects.filter(workspace_id=ritual.workspace_id, year=year, quarter=quarter).first()
    if cycle is None:
        return MeetingCandidates(name, None, None)
    cycle.workspace = ritual.workspace
    rubric = rubric_of(workspace_id=ritual.workspace_id)
    return MeetingCandidates(name, cycle, board_of(cycle=cycle, rubric=rubric, today=today))


def readouts_due_of(*, ritual: Ritual, day: date) -> list[Launch] | None:
    """For a Roadmap Review, the launches whose day-30 readout is due by the meeting and not
    yet decided (press on, pivot or pause), the longest waiting first; None for other
    rituals. Readouts more than a quarter overdue are left to the retrospective."""
    if ritual.key != "roadmap-review":
        return None
    last = day - timedelta(days=planning.READOUT_DAYS)
    first = last - timedelta(days=92)
    found = list(
        Launch.objects.filter(cycle__workspace_id=ritual.workspace_id, outcome="")
        .filter(Q(launched_on__range=(first, last)) | Q(launched_on__isnull=True, launch_date__range=(first, last)))
        .select_related("cycle", "pm_owner__user", "pmm_owner__user")
    )
    for launch in found:
        launch.readout_due = planning.readout_due_on(launched_on=launch.launched_on, launch_date=launch.launch_date)
    return sorted(found, key=lambda l: (l.readout_due, l.name, l.pk))
