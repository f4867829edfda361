"""A launch's life outside tiering: create, import candidates, edit, move, status, dependencies, handover."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import Q

from core.errors import InvalidInput, NotFound
from core.text import clean_name
from launches import candidates_csv, live, plan_warnings, reminders, selectors, tiering
from launches.models import (
    Dependency,
    Launch,
    LaunchCycle,
    ReadinessItem,
    StatusUpdate,
)
from launches.services.tiers import reresolve_owners, withdraw_confirmations
from notifications.models import Webhook
from raci.models import Matrix
from workspaces.models import Membership, Workspace


def member_of(workspace: Workspace, membership_id: int | None, field: str) -> Membership | None:
    if membership_id is None:
        return None
    member = Membership.objects.filter(workspace=workspace, pk=membership_id).first()
    if member is None:
        raise InvalidInput("Pick a member of this workspace.", field)
    return member


def _matrix_and_dates(workspace, matrix_id: int | None, ship_date: date | None, launch_date: date | None):
    """The launch's matrix, from its workspace only, after checking the two dates agree."""
    matrix = None
    if matrix_id is not None:
        matrix = Matrix.objects.filter(workspace=workspace, pk=matrix_id).first()
        if matrix is None:
            raise InvalidInput("Pick a matrix of this workspace.", "matrix")
    if ship_date and launch_date and launch_date < ship_date:
        raise InvalidInput(
            "The launch date comes on or after the ship date: the product is out before it is announced.", "launch_date"
        )
    return matrix


@transaction.atomic
def launch_create(
    *,
    cycle: LaunchCycle,
    name: str,
    summary: str = "",
    pm_owner_id: int | None = None,
    pmm_owner_id: int | None = None,
    matrix_id: int | None = None,
    ship_date: date | None = None,
    launch_date: date | None = None,
) -> Launch:
    workspace = cycle.workspace
    matrix = _matrix_and_dates(workspace, matrix_id, ship_date, launch_date)
    return Launch.objects.create(
        cycle=cycle,
        name=clean_name(name, "launch"),
        summary=(summary or "").strip(),
        pm_owner=member_of(workspace, pm_owner_id, "pm_owner"),
        pmm_owner=member_of(workspace, pmm_owner_id, "pmm_owner"),
        matrix=matrix,
        ship_date=ship_date,
        launch_date=launch_date,
    )


class ImportRefused(InvalidInput):
    """A CSV of candidates with problems: `errors` lists every one; nothing was saved."""

    def __init__(self, errors: list[candidates_csv.RowError]):
        # The first 500 are listed (a sheets.ErrorList), the rest counted.
        total = getattr(errors, "total", len(errors))
        super().__init__(f"The file has {total:,} problem{'s' if total != 1 else ''}; nothing was added.", "file")
        self.errors, self.total = errors, total


@transaction.atomic
def launches_import(*, cycle: LaunchCycle, data: bytes, by_email: bool = False) -> list[Launch]:
    """Add every candidate of a CSV file to the cycle, or none of them (ImportRefused).

    Owners are named by username; by e-mail only when `by_email` (the importer is an
    admin): members' addresses are shown to admins only, and a file that matched them
    would tell anyone else which addresses belong to the team.
    """
    cycle = LaunchCycle.objects.select_for_update().get(pk=cycle.pk)  # names are checked against a stable list
    members: dict[str, int] = {}
    for member in Membership.objects.filter(workspace_id=cycle.workspace_id).select_related("user"):
        members[candidates_csv.fold(member.user.username)] = member.pk
        if by_email and member.user.email:
            members.setdefault(candidates_csv.fold(member.user.email), member.pk)
    matrices: dict[str, int] = {}
    for matrix in Matrix.objects.filter(workspace_id=cycle.workspace_id).only("id", "name", "slug"):
        matrices.setdefault(candidates_csv.fold(matrix.slug), matrix.pk)
        matrices.setdefault(candidates_csv.fold(matrix.name), matrix.pk)
    existing = {candidates_csv.fold(name) for name in cycle.launches.values_list("name", flat=True)}
    candidates, errors = candidates_csv.parse_candidates(
        data, members=members, matrices=matrices, existing_names=existing
    )
    if errors:
        raise ImportRefused(errors)
    live.cycles_changed(cycle_ids=[cycle.pk])  # a bulk create sends no signal
    return Launch.objects.bulk_create(
        [
            Launch(
                cycle=cycle,
                name=c.name,
                summary=c.summary,
                pm_owner_id=c.pm_owner_id,
                pmm_owner_id=c.pmm_owner_id,
                matrix_id=c.matrix_id,
                ship_date=c.ship_date,
                launch_date=c.launch_date,
            )
            for c in candidates
        ]
    )


STATUSES = dict(Launch._meta.get_field("status").choices)


OUTCOMES = dict(Launch._meta.get_field("outcome").choices)


@transaction.atomic
def status_update(*, launch: Launch, status: str, note: str = "", author: Membership) -> StatusUpdate:
    """Set the launch's status (on track, at risk, off track, paused) with a short note;
    every update is kept. Anything but on track needs the note: it says what is wrong."""
    if status not in STATUSES:
        raise InvalidInput("Pick a status: on track, at risk, off track or paused.", "status")
    note = " ".join((note or "").split())
    if len(note) > 280:
        raise InvalidInput(f"Keep the note short: {len(note)} characters, the limit is 280.", "note")
    if status != "on_track" and not note:
        raise InvalidInput(f"Say in a short note why the launch is {STATUSES[status].lower()}.", "note")
    Launch.objects.filter(pk=launch.pk).update(status=status)
    launch.status = status
    update = StatusUpdate.objects.create(launch=launch, status=status, note=note, author=author)
    reminders.status_changed(update, launch, actor=author.user if author else None)
    return update


@transaction.atomic
def launch_update(
    *,
    launch: Launch,
    name: str,
    summary: str = "",
    pm_owner_id: int | None = None,
    pmm_owner_id: int | None = None,
    matrix_id: int | None = None,
    ship_date: date | None = None,
    launch_date: date | None = None,
    actor=None,
) -> Launch:
    """Edit a launch. A new launch date moves the due dates of its checklist with it; new
    owners take over the PM and PMM items nobody has finished."""
    launch = Launch.objects.select_for_update().select_related("cycle__workspace").get(pk=launch.pk)
    workspace = launch.cycle.workspace
    matrix = _matrix_and_dates(workspace, matrix_id, ship_date, launch_date)
    old_owners = {"PM": launch.pm_owner_id, "PMM": launch.pmm_owner_id}
    old_matrix = launch.matrix_id
    launch.name = clean_name(name, "launch")
    launch.summary = (summary or "").strip()
    launch.pm_owner = member_of(workspace, pm_owner_id, "pm_owner")
    launch.pmm_owner = member_of(workspace, pmm_owner_id, "pmm_owner")
    launch.matrix, launch.ship_date, launch.launch_date = matrix, ship_date, launch_date
    # A new owner must confirm again: whatever the old one (or an admin for them) confirmed is withdrawn.
    withdraw_confirmations(
        launch,
        tiering.confirmations_withdrawn(
            old_tier=launch.tier,
            new_tier=launch.tier,
            old_owners=old_owners,
            new_owners={"PM": launch.pm_owner_id, "PMM": launch.pmm_owner_id},
        ),
    )
    launch.save()
    days = {d.key: d for d in tiering.deliverables_for(launch.tier)}
    reassigned = []
    for item in launch.items.select_related("owner_role"):
        fields = []
        if item.key in days:
            item.due_date = tiering.due_date(launch_date, days[item.key])
            fields.append("due_date")
        code = item.owner_role.code if item.owner_role_id else None
        new_owner = {"PM": launch.pm_owner_id, "PMM": launch.pmm_owner_id}.get(code)
        if code in old_owners and new_owner and item.is_open and item.owner_id in (old_owners[code], None):
            if item.owner_id != new_owner:
                reassigned.append(item)
            item.owner_id = new_owner
            fields.append("owner")
        if fields:
            item.save(update_fields=fields + ["updated_at"])
    if launch.matrix_id != old_matrix:
        # Another matrix: the open items take their owners from it.
        moved = reresolve_owners(launch, list(launch.items.all()), selectors.launch_owners_of(launch=launch))
        reassigned = [i for i in reassigned if i.pk not in {m.pk for m in moved}] + moved
    reminders.items_assigned(launch, reassigned, actor=actor)
    return launch


@transaction.atomic
def launch_move_to_quarter(*, launch: Launch) -> Launch:
    """Move a launch to the cycle of the quarter its launch date is in, opening that cycle
    if nobody has yet. Its tier, checklist, owners and dependencies go with it."""
    launch = Launch.objects.select_for_update().select_related("cycle__workspace").get(pk=launch.pk)
    if launch.launch_date is None:
        raise InvalidInput("The launch has no launch date, so no quarter to move to.", "launch_date")
    year, quarter = plan_warnings.quarter_of(launch.launch_date)
    if (launch.cycle.year, launch.cycle.quarter) == (year, quarter):
        return launch
    workspace = launch.cycle.workspace
    target = LaunchCycle.objects.filter(workspace=workspace, year=year, quarter=quarter).first()
    if target is None:
        if not 2000 <= year <= 2100:
            raise InvalidInput("Pick a launch date between 2000 and 2100.", "launch_date")
        target, _ = LaunchCycle.objects.get_or_create(
            workspace=workspace, year=year, quarter=quarter, defaults={"slug": f"{year}-q{quarter}"}
        )
    live.cycles_changed(cycle_ids=[launch.cycle_id])  # the cycle it leaves; the save numbers the one it joins
    launch.cycle = target
    launch.save(update_fields=["cycle"])
    target.workspace = workspace
    return launch


@transaction.atomic
def dependency_add(*, launch: Launch, before_id: int) -> Dependency:
    """`launch` cannot launch before the launch `before_id` (of the same workspace)."""
    before = Launch.objects.filter(cycle__workspace_id=launch.cycle.workspace_id, pk=before_id).first()
    if before is None:
        raise InvalidInput("Pick a launch of this workspace.", "before")
    if before.pk == launch.pk:
        raise InvalidInput("A launch cannot depend on itself.", "before")
    # Refuse a cycle: walk what `before` already waits for.
    edges: dict[int, list[int]] = {}
    for a, b in Dependency.objects.filter(launch__cycle__workspace_id=launch.cycle.workspace_id).values_list(
        "launch_id", "before_id"
    ):
        edges.setdefault(a, []).append(b)
    seen, todo = set(), [before.pk]
    while todo:
        current = todo.pop()
        if current == launch.pk:
            raise InvalidInput(f"{before.name} already waits for {launch.name}: that would be a loop.", "before")
        if current not in seen:
            seen.add(current)
            todo.extend(edges.get(current, []))
    dependency, _ = Dependency.objects.get_or_create(launch=launch, before=before)
    return dependency


@transaction.atomic
def dependency_remove(*, launch: Launch, dependency_id: int) -> None:
    deleted, _ = Dependency.objects.filter(launch=launch, pk=dependency_id).delete()
    if not deleted:
        raise NotFound("No such dependency.")


def hand_over_launches(*, membership: Membership, to: dict[str, Membership | None], actor) -> None:
    """The launches the member owns and their open readiness items go to their new owners,
    who are told of the items (item_assigned). Tier confirmations they gave are withdrawn: a confirmation is the word of the
    person who gave it, and the launch's new owner gives their own (so one an admin gave for them is withdrawn too)."""
    ws = membership.workspace_id
    for launch in (
        Launch.objects.select_for_update()
        .filter(cycle__workspace_id=ws)
        .filter(Q(pm_owner=membership) | Q(pmm_owner=membership))
    ):
        old_owners = {"PM": launch.pm_owner_id, "PMM": launch.pmm_owner_id}
        if launch.pm_owner_id == membership.pk:
            launch.pm_owner = to[f"launch_pm:{launch.pk}"]
        if launch.pmm_owner_id == membership.pk:
            launch.pmm_owner = to[f"launch_pmm:{launch.pk}"]
        withdrawn = withdraw_confirmations(
            launch,
            tiering.confirmations_withdrawn(
                old_tier=launch.tier,
                new_tier=launch.tier,
                old_owners=old_owners,
                new_owners={"PM": launch.pm_owner_id, "PMM": launch.pmm_owner_id},
            ),
        )
        launch.save(update_fields=["pm_owner", "pmm_owner", *withdrawn])
    # The confirmations they gave, on launches they do not own, go by queryset (no signal).
    live.cycles_changed(workspace_id=ws)
    Launch.objects.filter(cycle__workspace_id=ws, pm_confirmed_by=membership).update(
        pm_confirmed_by=None, pm_confirmed_at=None, pm_confirmed_as=""
    )
    Launch.objects.filter(cycle__workspace_id=ws, pmm_confirmed_by=membership).update(
        pmm_confirmed_by=None, pmm_confirmed_at=None, pmm_confirmed_as=""
    )
    handed: dict[int, tuple[Launch, list[ReadinessItem]]] = {}
    for item in (
        ReadinessItem.objects.select_for_update()
        .select_related("launch__cycle__workspace")
        .filter(launch__cycle__workspace_id=ws, owner=membership, status__in=tiering.OPEN)
    ):
        item.owner = to[f"item:{item.pk}"]
        item.save(update_fields=["owner", "updated_at"])
        handed.setdefault(item.launch_id, (item.launch, []))[1].append(item)
    for launch, items in handed.values():
        reminders.items_assigned(launch, items, actor=actor)


@transaction.atomic
def launch_channel_set(*, launch: Launch, channel_id: int | None) -> Launch:
    """The launch's own Slack or Teams channel (None: none): its events go there whatever
    that channel's routing says. Only a channel of the launch's workspace."""
    launch = Launch.objects.select_for_update().select_related("cycle").get(pk=launch.pk)
    if (
        channel_id is not None
        and not Webhook.objects.filter(
            pk=channel_id, workspace_id=launch.cycle.workspace_id, kind__in=[Webhook.Kind.SLACK, Webhook.Kind.TEAMS]
        ).exists()
    ):
        raise InvalidInput("Pick one of the workspace's Slack or Teams channels.", "channel")
    launch.channel_id = channel_id
    launch.save(update_fields=["channel"])
    return launch
