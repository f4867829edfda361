"""Writes for rituals and their meetings; the tick that plans meetings and opens cycles."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time

from django.db import transaction

from core.errors import InvalidInput, NotFound
from core.text import NAME_MAX, clean_name
from launches import tiering
from launches.models import (
    Launch,
    LaunchCycle,
)
from launches.selectors import rubric_of
from launches.services import cycle_create, launch_set_tier, parse_quarter
from raci import services as raci_services
from raci.builtin_templates import BUILTIN_TEMPLATES, DEFAULT_TEMPLATE_SLUG
from raci.models import Decision, Matrix
from rituals import cadence as rituals
from rituals.models import Occurrence, OccurrenceDecision, Ritual
from workspaces.clock import Clock
from workspaces.models import Membership, Role, Workspace
from workspaces.services import role_ensure


def _ensure_next(ritual: Ritual, today: date) -> None:
    """The next occurrence's row, so that the tick and the pages never wait for each other."""
    day = None if ritual.paused else ritual.next_date(today)
    if day is not None:  # None: a series stored before dates were bounded ran off the calendar
        Occurrence.objects.bulk_create([Occurrence(ritual=ritual, date=day)], ignore_conflicts=True)


def _drop_empty_future(ritual: Ritual, today: date) -> None:
    """Rows planned under the old dates or while active, with nothing written in them yet."""
    (
        Occurrence.objects.filter(ritual=ritual, date__gte=today, notes=[], due_handled=False)
        .exclude(decision_links__isnull=False)
        .delete()
    )


def _ritual_fields(
    workspace: Workspace,
    *,
    name: str,
    cadence: str,
    starts_on: date,
    by_weekday: bool,
    time_of_day: time | None,
    owner_role_id: int | None,
    attendee_role_ids,
    attendee_member_ids,
    agenda: str,
    description: str,
    default_matrix_id: int | None,
    today: date,
):
    if cadence not in dict(rituals.CADENCES):
        raise InvalidInput("Pick a cadence: weekly, every two weeks, monthly or quarterly.", "cadence")
    if starts_on is None:
        raise InvalidInput("Give the date of the next meeting.", "starts_on")
    if starts_on < today:
        raise InvalidInput("The next meeting is today or later.", "starts_on")
    try:
        sections = rituals.parse_agenda(agenda)
    except rituals.AgendaError as error:
        raise InvalidInput(error.message, "agenda") from None
    owner = None
    if owner_role_id is not None:
        owner = Role.objects.filter(workspace=workspace, pk=owner_role_id).first()
        if owner is None:
            raise InvalidInput("Pick a role of this workspace as the owner.", "owner_role")
    role_ids, member_ids = set(attendee_role_ids or ()), set(attendee_member_ids or ())
    roles = list(Role.objects.filter(workspace=workspace, pk__in=role_ids))
    if len(roles) != len(role_ids):
        raise InvalidInput("Pick roles of this workspace as attendees.", "attendee_roles")
    members = list(Membership.objects.filter(workspace=workspace, pk__in=member_ids))
    if len(members) != len(member_ids):
        raise InvalidInput("Pick members of this workspace as attendees.", "attendee_members")
    matrix = None
    if default_matrix_id is not None:
        matrix = Matrix.objects.filter(workspace=workspace, pk=default_matrix_id).first()
        if matrix is None:
            raise InvalidInput("Pick a matrix of this workspace.", "default_matrix")
    fields = {
        "name": clean_name(name, "ritual"),
        "cadence": cadence,
        "starts_on": starts_on,
        "by_weekday": bool(by_weekday) and cadence in (rituals.MONTHLY, rituals.QUARTERLY),
        "time_of_day": time_of_day,
        "owner_role": owner,
        "agenda": [s.as_json() for s in sections],
        "description": (description or "").strip()[:2000],
        "default_matrix": matrix,
    }
    return fields, roles, members


@transaction.atomic
def ritual_create(
    *,
    workspace: Workspace,
    name: str,
    cadence: str,
    starts_on: date,
    by_weekday: bool = False,
    time_of_day: time | None = None,
    owner_role_id: int | None = None,
    attendee_role_ids=(),
    attendee_member_ids=(),
    agenda: str = "",
    description: str = "",
    default_matrix_id: int | None = None,
) -> Ritual:
    """A ritual of the team's own; `agenda` is text, one section a line (rituals.parse_agenda),
    the weekly alignment's ("A Comprehensive Guide", docs/sources.md) when left empty."""
    today = workspace.today()
    fields, roles, members = _ritual_fields(
        workspace,
        name=name,
        cadence=cadence,
        starts_on=starts_on,
        by_weekday=by_weekday,
        time_of_day=time_of_day,
        owner_role_id=owner_role_id,
        attendee_role_ids=attendee_role_ids,
        attendee_member_ids=attendee_member_ids,
        agenda=agenda or rituals.agenda_text(list(rituals.AGENDA)),
        description=description,
        default_matrix_id=default_matrix_id,
        today=today,
    )
    ritual = Ritual.objects.create(workspace=workspace, **fields)
    ritual.attendee_roles.set(roles)
    ritual.attendee_members.set(members)
    _ensure_next(ritual, today)
    return ritual


@transaction.atomic
def ritual_update(
    *,
    ritual: Ritual,
    name: str,
    cadence: str,
    starts_on: date,
    by_weekday: bool = False,
    time_of_day: time | None = None,
    owner_role_id: int | None = None,
    attendee_role_ids=(),
    attendee_member_ids=(),
    agenda: str,
    description: str = "",
    default_matrix_id: int | None = None,
) -> Ritual:
    """Edit a ritual; `starts_on` is its next meeting, and the dates count from it from now
    on. Meetings already written in keep their date; empty planned ones move."""
    ritual = Ritual.objects.select_for_update().select_related("workspace").get(pk=ritual.pk)
    today = ritual.workspace.today()
    fields, roles, members = _ritual_fields(
        ritual.workspace,
        name=name,
        cadence=cadence,
        starts_on=starts_on,
        by_weekday=by_weekday,
        time_of_day=time_of_day,
        owner_role_id=owner_role_id,
        attendee_role_ids=attendee_role_ids,
        attendee_member_ids=attendee_member_ids,
        agenda=agenda,
        description=description,
        default_matrix_id=default_matrix_id,
        today=today,
    )
    moved = ritual.series != rituals.Series(fields["cadence"], fields["starts_on"], fields["by_weekday"])
    for key, value in fields.items():
        setattr(ritual, key, value)
    ritual.save()
    ritual.attendee_roles.set(roles)
    ritual.attendee_members.set(members)
    if moved:
        _drop_empty_future(ritual, today)
        _ensure_next(ritual, today)
    return ritual


@transaction.atomic
def ritual_pause(*, ritual: Ritual, paused: bool) -> Ritual:
    """A paused ritual plans no meeting and leaves the calendar; resumed, it meets on its
    next date counted from its first one."""
    ritual = Ritual.objects.select_for_update().select_related("workspace").get(pk=ritual.pk)
    if ritual.paused != paused:
        ritual.paused = paused
        ritual.save(update_fields=["paused"])
        today = ritual.workspace.today()
        if paused:
            _drop_empty_future(ritual, today)
        else:
            _ensure_next(ritual, today)
    return ritual


@transaction.atomic
def ritual_delete(*, workspace: Workspace, ritual_id: int) -> None:
    """Delete a ritual and its meetings' notes; the decisions taken at them stay in the decision log."""
    if not Ritual.objects.filter(workspace=workspace, pk=ritual_id).delete()[0]:
        raise NotFound("No such ritual.")


def _roles_by_code(workspace: Workspace, codes) -> dict[str, Role]:
    """The workspace's roles by code, the missing ones created as the default template has
    them, so that a matrix made from it later finds them with their descriptions."""
    roles = {r.code.upper(): r for r in Role.objects.filter(workspace=workspace)}
    specs = {r.code: r for t in BUILTIN_TEMPLATES if t.slug == DEFAULT_TEMPLATE_SLUG for r in t.roles}
    for code in sorted(set(codes) - set(roles)):
        spec = specs.get(code)
        roles[code] = role_ensure(
            workspace=workspace,
            code=code,
            name=spec.name if spec else tiering.ROLE_NAMES.get(code, code),
            description=spec.description if spec else "",
        )
    return roles


@transaction.atomic
def rituals_seed_defaults(*, workspace: Workspace, today: date | None = None) -> list[Ritual]:
    """The three default rituals ("The GTM Framework", docs/sources.md: Roadmap Review, Launch Tiering, Win/Loss Huddle), with
    the PM and PMM roles they are owned by (created if the workspace lacks them). Those the
    workspace has already are left as they are; returns the ones created."""
    today = today or workspace.today()
    have = set(Ritual.objects.filter(workspace=workspace).exclude(key="").values_list("key", flat=True))
    specs = [spec for spec in rituals.DEFAULT_RITUALS if spec.key not in have]
    if not specs:
        return []
    roles = _roles_by_code(workspace, {code for spec in specs for code in (spec.owner_code, *spec.attendee_codes)})
    created = []
    for spec in specs:
        ritual = Ritual.objects.create(
            workspace=workspace,
            key=spec.key,
            name=spec.name,
            description=spec.description,
            cadence=spec.cadence,
            starts_on=rituals.default_start(spec, today),
            by_weekday=spec.by_weekday,
            time_of_day=spec.at,
            owner_role=roles[spec.owner_code],
            agenda=[s.as_json() for s in spec.agenda],
            opens_next_cycle=spec.opens_next_cycle,
        )
        ritual.attendee_roles.set([roles[code] for code in spec.attendee_codes])
        _ensure_next(ritual, today)
        created.append(ritual)
    return created


def _occurrence_day_check(ritual: Ritual, day: date) -> None:
    if not ritual.series.is_on(day) and not ritual.occurrences.filter(date=day).exists():
        raise NotFound(f"{ritual.name} does not meet on {day.day} {day:%b %Y}.")


def _occurrence_matrix(workspace_id: int, matrix_id: int | None) -> Matrix:
    matrix = Matrix.objects.filter(workspace_id=workspace_id, pk=matrix_id).first() if matrix_id else None
    if matrix is None:
        raise InvalidInput("Pick the matrix whose decision log the decision goes to.", "matrix")
    return matrix


@transaction.atomic
def occurrence_notes_save(*, ritual: Ritual, day: date, texts: list[str]) -> Occurrence:
    """Save the notes of one meeting, one text per section of the agenda it is held under
    (rituals.notes_for); the meeting keeps that agenda from then on."""
    _occurrence_day_check(ritual, day)
    occurrence, _ = Occurrence.objects.get_or_create(ritual=ritual, date=day)
    occurrence = Occurrence.objects.select_for_update().get(pk=occurrence.pk)
    sections = rituals.notes_for(ritual.sections, occurrence.notes)
    if len(texts) != len(sections):
        raise InvalidInput("The agenda changed while you were writing: copy your notes, reload and paste them.")
    too_long = next((s.title for s, text in zip(sections, texts) if len(text or "") > 10_000), None)
    if too_long:
        raise InvalidInput(f"The notes under “{too_long}” are longer than 10,000 characters.")
    occurrence.notes = [
        {"title": s.title, "minutes": s.minutes, "text": (text or "").strip()} for s, text in zip(sections, texts)
    ]
    occurrence.save(update_fields=["notes", "updated_at"])
    return occurrence


@transaction.atomic
def occurrence_decide(
    *,
    ritual: Ritual,
    day: date,
    matrix_id: int | None,
    what: str,
    why: str = "",
    decided_by_id: int | None = None,
    review_on: date | None = None,
    actor,
) -> Decision:
    """A decision taken at a meeting, into the chosen matrix's decision log (dated the day of
    the meeting, saying which meeting it came from), and linked to the meeting."""
    _occurrence_day_check(ritual, day)
    matrix = _occurrence_matrix(ritual.workspace_id, matrix_id)
    why = (why or "").strip()
    source = f"Taken at the {ritual.name} of {day.day} {day:%b %Y}."
    decision = raci_services.decision_add(
        matrix=matrix,
        actor=actor,
        what=what,
        why=f"{why}\n\n{source}" if why else source,
        activity_id=None,
        decided_by_id=decided_by_id,
        decided_on=day,
        review_on=review_on,
    )
    occurrence, _ = Occurrence.objects.get_or_create(ritual=ritual, date=day)
    if occurrence.matrix_id != matrix.pk:
        Occurrence.objects.filter(pk=occurrence.pk).update(matrix=matrix)
    OccurrenceDecision.objects.create(occurrence=occurrence, decision=decision)
    return decision


# How long after a missed tick a due tiering still opens its next quarter.
TICK_GRACE_DAYS = 31


@dataclass(slots=True)
class TickResult:
    created: int = 0
    opened: list[LaunchCycle] = field(default_factory=list)


def rituals_tick(*, today: date | None = None) -> TickResult:
    """Plan the next occurrence of every active ritual, and let each tiering that came due
    open the next quarter's launch cycle. Safe to run twice: the rows are unique per ritual
    and date, a handled occurrence is marked, and a quarter's cycle is never opened twice.

    Not one transaction: a workspace whose cycle cannot be opened must not hold back the others.
    Days are each workspace's (or `today` everywhere).
    """
    clock = Clock.at(today)
    active = list(
        Ritual.objects.filter(paused=False)
        .select_related("workspace")
        .only("id", "cadence", "starts_on", "by_weekday", "opens_next_cycle", "workspace__time_zone")
    )
    wanted = {(r.pk, day) for r in active if (day := r.next_date(clock.today(r.workspace))) is not None}
    for r in active:
        # A tiering whose day passed while no tick ran still counts, within the grace period.
        last = r.series.previous_before(clock.today(r.workspace)) if r.opens_next_cycle else None
        if last and (clock.today(r.workspace) - last).days <= TICK_GRACE_DAYS:
            wanted.add((r.pk, last))
    existing = set(
        Occurrence.objects.filter(ritual__in=active, date__in={d for _, d in wanted}).values_list("ritual_id", "date")
    )
    fresh = [Occurrence(ritual_id=ritual_id, date=day) for ritual_id, day in sorted(wanted - existing)]
    Occurrence.objects.bulk_create(fresh, ignore_conflicts=True)
    result = TickResult(created=len(fresh))
    due = Occurrence.objects.filter(
        due_handled=False,
        date__lte=clock.latest,
        ritual__paused=False,
        ritual__opens_next_cycle=True,
        ritual__cadence=rituals.QUARTERLY,
    ).select_related("ritual__workspace")
    for occurrence in due:
        today = clock.today(occurrence.ritual.workspace)
        if occurrence.date > today:  # still tomorrow where the team is
            continue
        with transaction.atomic():
            # Marked first, under a lock, so two ticks at once open nothing twice.
            if not Occurrence.objects.filter(pk=occurrence.pk, due_handled=False).update(due_handled=True):
                continue
            if (today - occurrence.date).days > TICK_GRACE_DAYS:
                continue
            quarter = rituals.quarter_after(occurrence.date)
            year, q = parse_quarter(quarter)
            if not LaunchCycle.objects.filter(
                workspace_id=occurrence.ritual.workspace_id, year=year, quarter=q
            ).exists():
                try:
                    result.opened.append(cycle_create(workspace=occurrence.ritual.workspace, quarter=quarter))
                except InvalidInput:  # opened by someone at the same moment
                    pass
    return result


@transaction.atomic
def meeting_tier_set(
    *,
    ritual: Ritual,
    day: date,
    launch: Launch,
    tier: int | None,
    reason: str = "",
    actor: Membership,
    matrix_id: int | None,
) -> tuple[Launch, Decision | None]:
    """Tier a launch at a tiering meeting: the board's service, then the decision into the
    decision log of the meeting's matrix (none while the workspace has no matrix)."""
    _occurrence_day_check(ritual, day)
    if launch.cycle.workspace_id != ritual.workspace_id:
        raise NotFound("No such launch.")
    before = (launch.tier, launch.tier_reason)
    launch = launch_set_tier(launch=launch, tier=tier, reason=reason, actor=actor)
    if (launch.tier, launch.tier_reason) == before or matrix_id is None:
        return launch, None
    rubric = rubric_of(workspace_id=ritual.workspace_id)
    what = (
        f"{launch.name}: {rubric.tier_name(launch.tier)}"
        if launch.tier is not None
        else f"{launch.name}: back to untiered"
    )
    why = launch.tier_reason or ("The rubric's suggestion." if launch.tier is not None else "")
    decision = occurrence_decide(
        ritual=ritual,
        day=day,
        matrix_id=matrix_id,
        what=what[:NAME_MAX],
        why=why,
        decided_by_id=actor.user_id,
        actor=actor.user,
    )
    return launch, decision
