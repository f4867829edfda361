"""Writes for launches. Keyword-only, typed, one transaction each; they raise the
foundation's domain errors (`InvalidInput` is 422, `NotFound` is 404 in the views).

Every id that comes from a request is looked up inside the workspace of the URL.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from core.errors import InvalidInput, NotFound
from core.text import NAME_MAX
from launches import candidates_csv, plan_warnings, reminders, tiering
from launches.models import (
    AvoidDate,
    CalendarFeed,
    Dependency,
    GoDecision,
    Launch,
    LaunchCycle,
    ReadinessItem,
    StatusUpdate,
    TieringRubric,
)
from launches.selectors import rubric_of
from raci import services as raci_services
from raci.models import Decision, Matrix
from workspaces.models import Membership, Role, RoleHolder, Workspace

__all__ = ["ImportRefused", "InvalidInput", "NotFound"]

_QUARTER = re.compile(r"^\s*(\d{4})\s*[-/ ]?\s*q([1-4])\s*$", re.IGNORECASE)


def clean_name(value: str, what: str) -> str:
    value = " ".join((value or "").split())
    if not value:
        raise InvalidInput(f"The {what} needs a name.", "name")
    if len(value) > NAME_MAX:
        raise InvalidInput(f"The {what}'s name is {len(value)} characters long; the limit is {NAME_MAX}.", "name")
    return value


# --- rubric ---------------------------------------------------------------------------

@transaction.atomic
def rubric_update(*, workspace: Workspace, questions: list[tuple[str, int]], thresholds: list[int],
                  tier_names: list[str], lead_weeks: list[int] | None = None) -> TieringRubric:
    """Replace the workspace's rubric. Scores given under other questions no longer
    suggest a tier (the launch shows it unscored) until it is scored again. Fewer tiers
    are refused while a launch of the workspace sits in a tier that would go."""
    rubric = tiering.Rubric(
        questions=tuple(tiering.Question(" ".join(text.split()), weight) for text, weight in questions),
        thresholds=tuple(thresholds), tier_names=tuple(" ".join(n.split()) for n in tier_names),
        lead_weeks=tuple(lead_weeks or ()))
    try:
        tiering.rubric_check(rubric)
    except tiering.RubricError as error:
        raise InvalidInput(error.message, error.field) from None
    row, _ = TieringRubric.objects.select_for_update().get_or_create(workspace=workspace)
    blockers = tiering.dropped_tier_blockers(
        tier_count=len(rubric.tier_names),
        launches=list(Launch.objects.filter(cycle__workspace=workspace, tier__gt=len(rubric.tier_names))
                      .values_list("name", "tier")))
    if blockers:
        shown = ", ".join(blockers[:10]) + (f" and {len(blockers) - 10} more" if len(blockers) > 10 else "")
        raise InvalidInput(f"{len(rubric.tier_names)} tiers would remove a tier that launches sit in; move them "
                           f"first: {shown}.", "tier_count")
    row.questions = [{"text": q.text, "weight": q.weight} for q in rubric.questions]
    row.thresholds = list(rubric.thresholds)
    row.tier_names = list(rubric.tier_names)
    row.lead_weeks = list(rubric.lead_weeks)
    row.save()
    return row


@transaction.atomic
def load_limits_set(*, workspace: Workspace, person_week_limit: int, week_limit: int) -> TieringRubric:
    """The load the quarter view flags: a person's points in a week, everyone's in a week."""
    if not 1 <= person_week_limit <= 200:
        raise InvalidInput("Between 1 and 200.", "person_week_limit")
    if not 1 <= week_limit <= 2000:
        raise InvalidInput("Between 1 and 2,000.", "week_limit")
    row, _ = TieringRubric.objects.select_for_update().get_or_create(workspace=workspace, defaults={
        "questions": [{"text": q.text, "weight": q.weight} for q in tiering.DEFAULT_RUBRIC.questions],
        "thresholds": list(tiering.DEFAULT_RUBRIC.thresholds), "tier_names": list(tiering.DEFAULT_RUBRIC.tier_names),
        "lead_weeks": list(tiering.DEFAULT_RUBRIC.lead_weeks)})
    row.person_week_limit, row.week_limit = person_week_limit, week_limit
    row.save(update_fields=["person_week_limit", "week_limit", "updated_at"])
    return row


# --- cycles and launches -----------------------------------------------------------------

def parse_quarter(text: str) -> tuple[int, int]:
    match = _QUARTER.match(text or "")
    if not match:
        raise InvalidInput(f"“{text}” is not a quarter: write it like 2027-Q1.", "quarter")
    year, quarter = int(match[1]), int(match[2])
    if not 2000 <= year <= 2100:
        raise InvalidInput("Pick a year between 2000 and 2100.", "quarter")
    return year, quarter


@transaction.atomic
def cycle_create(*, workspace: Workspace, quarter: str) -> LaunchCycle:
    year, q = parse_quarter(quarter)
    if LaunchCycle.objects.filter(workspace=workspace, year=year, quarter=q).exists():
        raise InvalidInput(f"{year}-Q{q} already has a launch cycle.", "quarter")
    try:
        with transaction.atomic():
            return LaunchCycle.objects.create(workspace=workspace, year=year, quarter=q, slug=f"{year}-q{q}")
    except IntegrityError:  # created at the same moment by someone else
        raise InvalidInput(f"{year}-Q{q} already has a launch cycle.", "quarter") from None


def _member(workspace: Workspace, membership_id: int | None, field: str) -> Membership | None:
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
        raise InvalidInput("The launch date comes on or after the ship date: the product is out before it is "
                           "announced.", "launch_date")
    return matrix


@transaction.atomic
def launch_create(*, cycle: LaunchCycle, name: str, summary: str = "", pm_owner_id: int | None = None,
                  pmm_owner_id: int | None = None, matrix_id: int | None = None, ship_date: date | None = None,
                  launch_date: date | None = None) -> Launch:
    workspace = cycle.workspace
    matrix = _matrix_and_dates(workspace, matrix_id, ship_date, launch_date)
    return Launch.objects.create(
        cycle=cycle, name=clean_name(name, "launch"), summary=(summary or "").strip(),
        pm_owner=_member(workspace, pm_owner_id, "pm_owner"), pmm_owner=_member(workspace, pmm_owner_id, "pmm_owner"),
        matrix=matrix, ship_date=ship_date, launch_date=launch_date)


class ImportRefused(InvalidInput):
    """A CSV of candidates with problems: `errors` lists every one; nothing was saved."""

    def __init__(self, errors: list[candidates_csv.RowError]):
        super().__init__(f"The file has {len(errors)} problem{'s' if len(errors) != 1 else ''}; nothing was added.",
                         "file")
        self.errors = errors


@transaction.atomic
def launches_import(*, cycle: LaunchCycle, data: bytes) -> list[Launch]:
    """Add every candidate of a CSV file to the cycle, or none of them (ImportRefused)."""
    cycle = LaunchCycle.objects.select_for_update().get(pk=cycle.pk)  # names are checked against a stable list
    members: dict[str, int] = {}
    for member in Membership.objects.filter(workspace_id=cycle.workspace_id).select_related("user"):
        members[candidates_csv.fold(member.user.username)] = member.pk
        if member.user.email:
            members.setdefault(candidates_csv.fold(member.user.email), member.pk)
    matrices: dict[str, int] = {}
    for matrix in Matrix.objects.filter(workspace_id=cycle.workspace_id).only("id", "name", "slug"):
        matrices.setdefault(candidates_csv.fold(matrix.slug), matrix.pk)
        matrices.setdefault(candidates_csv.fold(matrix.name), matrix.pk)
    existing = {candidates_csv.fold(name) for name in cycle.launches.values_list("name", flat=True)}
    candidates, errors = candidates_csv.parse_candidates(data, members=members, matrices=matrices,
                                                         existing_names=existing)
    if errors:
        raise ImportRefused(errors)
    return Launch.objects.bulk_create([
        Launch(cycle=cycle, name=c.name, summary=c.summary, pm_owner_id=c.pm_owner_id, pmm_owner_id=c.pmm_owner_id,
               matrix_id=c.matrix_id, ship_date=c.ship_date, launch_date=c.launch_date) for c in candidates])


@transaction.atomic
def launch_score(*, launch: Launch, scores: list[int]) -> int:
    """Record the launch's rubric scores; returns the suggested tier."""
    rubric = rubric_of(workspace_id=launch.cycle.workspace_id)
    try:
        total = tiering.score_total(rubric, scores)
    except tiering.RubricError as error:
        raise InvalidInput(error.message, error.field) from None
    launch.scores = list(scores)
    launch.save(update_fields=["scores"])
    return tiering.tier_for_total(rubric, total)


# --- tiers and the checklist ---------------------------------------------------------------

def _role_for(workspace: Workspace, code: str, roles: dict[str, Role]) -> Role:
    if code not in roles:
        name = tiering.ROLE_NAMES.get(code, code)
        if Role.objects.filter(workspace=workspace, name=name).exists():
            name = f"{name} ({code})"
        roles[code] = Role.objects.create(workspace=workspace, code=code, name=name)
    return roles[code]


def _owner_ids(launch: Launch, roles: dict[str, Role]) -> dict[str, int | None]:
    """Who owns each role's items: the launch's own PM and PMM, else the role's first holder."""
    owners: dict[str, int | None] = {code: None for code in roles}
    for role_id, membership_id in (RoleHolder.objects.filter(role__in=roles.values())
                                   .order_by("-membership_id").values_list("role_id", "membership_id")):
        owners[next(code for code, role in roles.items() if role.pk == role_id)] = membership_id
    if launch.pm_owner_id and "PM" in owners:
        owners["PM"] = launch.pm_owner_id
    if launch.pmm_owner_id and "PMM" in owners:
        owners["PMM"] = launch.pmm_owner_id
    return owners


def _replan(launch: Launch) -> list[ReadinessItem]:
    workspace = launch.cycle.workspace
    new = tiering.deliverables_for(launch.tier)
    items = {item.key: item for item in launch.items.all()}
    plan = tiering.replan(new=new, existing=[tiering.ExistingItem(k, i.status) for k, i in items.items()])
    launch.items.filter(key__in=plan.delete).delete()
    codes = {d.role_code for d in new}
    roles = {r.code: r for r in Role.objects.filter(workspace=workspace, code__in=codes)}
    order = {d.key: n for n, d in enumerate(new)}
    for d in plan.update:
        item = items[d.key]
        item.title, item.required, item.order = d.title, d.required, order[d.key]
        item.due_date = tiering.due_date(launch.launch_date, d)
        item.save(update_fields=["title", "required", "order", "due_date", "updated_at"])
    for d in plan.create:
        _role_for(workspace, d.role_code, roles)
    owners = _owner_ids(launch, roles) if plan.create else {}
    fresh = [ReadinessItem(launch=launch, key=d.key, title=d.title, required=d.required, owner_role=roles[d.role_code],
                           owner_id=owners[d.role_code], due_date=tiering.due_date(launch.launch_date, d),
                           order=order[d.key])
             for d in plan.create]
    ReadinessItem.objects.bulk_create(fresh)
    # Kept items the new tier does not list (done, waived or started) go to the end.
    launch.items.exclude(key__in=order).update(order=len(order))
    return fresh


@transaction.atomic
def launch_set_tier(*, launch: Launch, tier: int | None, reason: str = "", actor: Membership) -> Launch:
    """Put the launch in a tier (None: back to untiered) and re-plan its checklist.

    A tier other than the rubric's suggestion (or with no suggestion yet) needs a reason.
    A new tier clears the PM and PMM leads' confirmations: they confirmed the old one.
    """
    launch = Launch.objects.select_for_update().select_related("cycle__workspace").get(pk=launch.pk)
    rubric = rubric_of(workspace_id=launch.cycle.workspace_id)
    if tier is not None and tier not in rubric.tiers:
        raise InvalidInput(f"There is no tier {tier}: pick one of {', '.join(rubric.tier_names)}.", "tier")
    reason = (reason or "").strip()
    suggested = tiering.suggest_tier(rubric, launch.scores)
    if tiering.reason_needed(suggested=suggested, chosen=tier) and not reason:
        if suggested is None:
            raise InvalidInput(f"{launch.name} is not scored yet: score it, or say why it is "
                               f"{rubric.tier_name(tier)}.", "reason")
        raise InvalidInput(f"The rubric suggests {rubric.tier_name(suggested)} for {launch.name}: say why it is "
                           f"{rubric.tier_name(tier)}.", "reason")
    if tier == launch.tier and reason == launch.tier_reason:
        return launch
    changed = tier != launch.tier
    launch.tier = tier
    launch.tier_reason = reason if tier is not None and tiering.reason_needed(suggested=suggested, chosen=tier) else ""
    launch.tiered_by, launch.tiered_at = (actor, timezone.now()) if tier is not None else (None, None)
    if changed:
        launch.pm_confirmed_by = launch.pmm_confirmed_by = None
        launch.pm_confirmed_at = launch.pmm_confirmed_at = None
    launch.save()
    if changed:
        created = _replan(launch)
        actor_user = actor.user if actor else None
        reminders.tier_changed(launch, tier_name=rubric.tier_name(tier) if tier is not None else "untiered",
                               actor=actor_user, assigned=created)
    return launch


@transaction.atomic
def tier_confirm(*, launch: Launch, membership: Membership, as_code: str) -> Launch:
    """The PM lead or the PMM lead confirms a Tier 1 or Tier 2 launch: the launch's PM
    owner (or a workspace admin) as the PM lead, its PMM owner (or an admin) as the PMM
    lead, and not the person who confirmed for the other role."""
    launch = Launch.objects.select_for_update().select_related("cycle").get(pk=launch.pk)
    if as_code not in tiering.LEADS:
        raise InvalidInput("Confirm as the PM lead or as the PMM lead.", "as")
    if not tiering.needs_confirmation(launch.tier):
        raise InvalidInput("Only Tier 1 and Tier 2 launches are confirmed by the leads.")
    if membership.workspace_id != launch.cycle.workspace_id or not tiering.may_confirm(
            as_code=as_code, member_id=membership.pk, is_admin=membership.is_admin,
            pm_owner_id=launch.pm_owner_id, pmm_owner_id=launch.pmm_owner_id):
        raise InvalidInput(f"Only the launch's {as_code} owner or a workspace admin confirms as the {as_code} lead.")
    other = launch.pmm_confirmed_by_id if as_code == "PM" else launch.pm_confirmed_by_id
    if other == membership.pk:
        raise InvalidInput("The PM lead and the PMM lead are two different people: someone else confirms this one.")
    now = timezone.now()
    if as_code == "PM":
        launch.pm_confirmed_by, launch.pm_confirmed_at = membership, now
    else:
        launch.pmm_confirmed_by, launch.pmm_confirmed_at = membership, now
    launch.save(update_fields=[f"{as_code.lower()}_confirmed_by", f"{as_code.lower()}_confirmed_at"])
    return launch


@transaction.atomic
def item_update(*, launch: Launch, item_id: int, status: str, waive_reason: str = "",
                evidence_url: str | None = None, owner_id: int | None = ..., actor=None) -> ReadinessItem:
    """Set an item's status (a waiver needs its reason), its evidence link and, when
    `owner_id` is given, the person it belongs to, who is told it is theirs."""
    item = ReadinessItem.objects.select_for_update().filter(launch=launch, pk=item_id).first()
    if item is None:
        raise NotFound("No such checklist item.")
    if status not in ReadinessItem.Status.values:
        raise InvalidInput("Pick a status: to do, in progress, done or waived.", "status")
    waive_reason = (waive_reason or "").strip()
    if status == ReadinessItem.Status.WAIVED and not waive_reason:
        raise InvalidInput(f"Say why “{item.title}” is waived.", "waive_reason")
    if evidence_url is not None:
        evidence_url = evidence_url.strip()
        if evidence_url and not evidence_url.lower().startswith(("https://", "http://")):
            raise InvalidInput("The evidence link must be a web address (https://…).", "evidence_url")
        item.evidence_url = evidence_url[:500]
    reassigned = owner_id is not ... and owner_id != item.owner_id
    if reassigned:
        item.owner = _member(launch.cycle.workspace, owner_id, "owner")
        if item.owner is not None and not item.owner.can_edit:
            raise InvalidInput(f"{item.owner.display_name} is a viewer and could not mark the item done: pick an "
                               "editor, or ask an admin to make them one.", "owner")
    item.status = status
    item.waive_reason = waive_reason if status == ReadinessItem.Status.WAIVED else ""
    item.save(update_fields=["status", "waive_reason", "evidence_url", "owner", "updated_at"])
    if reassigned:
        reminders.items_assigned(launch, [item], actor=actor)
    return item


@transaction.atomic
def go_record(*, launch: Launch, decision: str, notes: str = "", actor) -> GoDecision:
    """Record a go/no-go. "Go" is refused while the launch is untiered, unconfirmed (Tier 1
    and 2), without its day-30 metric and target (Tier 1 and 2) or has a required item that
    is neither done nor waived."""
    launch = Launch.objects.select_for_update().get(pk=launch.pk)
    if decision not in GoDecision.Decision.values:
        raise InvalidInput("Decide go or no go.", "decision")
    if decision == GoDecision.Decision.GO:
        if launch.tier is None:
            raise InvalidInput("Tier the launch before deciding go: its checklist comes from its tier.", "decision")
        if not launch.confirmed:
            raise InvalidInput("The PM lead and the PMM lead confirm the tier before go.", "decision")
        if tiering.needs_confirmation(launch.tier) and not (launch.metric_name and launch.metric_target is not None):
            # Seed 001: the primary day-30 metric and its target are agreed before launch,
            # so the readout 30 days later has something to be measured against.
            raise InvalidInput("Agree the primary day-30 metric and its target before go: set them under After "
                               "launch.", "decision")
        open_items = list(launch.items.filter(required=True, status__in=tiering.OPEN).values_list("title", flat=True))
        if open_items:
            raise InvalidInput(f"Not ready for go: {len(open_items)} required item{'s' if len(open_items) != 1 else ''} "
                               f"still open ({', '.join(open_items)}). Finish or waive them with a reason.", "decision")
    go = GoDecision.objects.create(launch=launch, decision=decision, notes=(notes or "").strip(), decided_by=actor)
    reminders.go_recorded(go, launch, actor=actor)
    return go


# --- status, editing, after launch ---------------------------------------------------------

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
def launch_update(*, launch: Launch, name: str, summary: str = "", pm_owner_id: int | None = None,
                  pmm_owner_id: int | None = None, matrix_id: int | None = None, ship_date: date | None = None,
                  launch_date: date | None = None, actor=None) -> Launch:
    """Edit a launch. A new launch date moves the due dates of its checklist with it; new
    owners take over the PM and PMM items nobody has finished."""
    launch = Launch.objects.select_for_update().select_related("cycle__workspace").get(pk=launch.pk)
    workspace = launch.cycle.workspace
    matrix = _matrix_and_dates(workspace, matrix_id, ship_date, launch_date)
    old_owners = {"PM": launch.pm_owner_id, "PMM": launch.pmm_owner_id}
    launch.name = clean_name(name, "launch")
    launch.summary = (summary or "").strip()
    launch.pm_owner = _member(workspace, pm_owner_id, "pm_owner")
    launch.pmm_owner = _member(workspace, pmm_owner_id, "pmm_owner")
    launch.matrix, launch.ship_date, launch.launch_date = matrix, ship_date, launch_date
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
        target, _ = LaunchCycle.objects.get_or_create(workspace=workspace, year=year, quarter=quarter,
                                                      defaults={"slug": f"{year}-q{quarter}"})
    launch.cycle = target
    launch.save(update_fields=["cycle"])
    target.workspace = workspace
    return launch


@transaction.atomic
def outcome_record(*, launch: Launch, launched_on: date | None, metric_name: str, metric_target: Decimal | None,
                   metric_actual: Decimal | None, outcome: str, notes: str = "", actor=None) -> Launch:
    """After launch: the day it was announced, its one primary day-30 metric (name, target,
    actual) and the decision, press on, pivot or pause (seed 001). A new decision goes to
    the decision log of the launch's matrix, when it has one."""
    metric_name = " ".join((metric_name or "").split())
    if len(metric_name) > NAME_MAX:
        raise InvalidInput(f"The metric's name is {len(metric_name)} characters long; the limit is {NAME_MAX}.",
                           "metric_name")
    if (metric_target is not None or metric_actual is not None) and not metric_name:
        raise InvalidInput("Name the metric its target and actual belong to.", "metric_name")
    if outcome and outcome not in OUTCOMES:
        raise InvalidInput("Decide press on, pivot or pause.", "outcome")
    if outcome and metric_actual is None:
        raise InvalidInput("Record the metric's day-30 actual before deciding.", "metric_actual")
    if (metric_actual is not None or outcome) and launched_on is None:
        raise InvalidInput("Record the day it launched first.", "launched_on")
    previous = Launch.objects.select_for_update().filter(pk=launch.pk).values_list("outcome", flat=True).first()
    Launch.objects.filter(pk=launch.pk).update(
        launched_on=launched_on, metric_name=metric_name, metric_target=metric_target, metric_actual=metric_actual,
        outcome=outcome or "", outcome_notes=(notes or "").strip())
    launch.refresh_from_db()
    if outcome and outcome != previous and launch.matrix_id:
        _readout_decision(launch, actor)
    return launch


def _readout_decision(launch: Launch, actor) -> Decision:
    def number(value: Decimal) -> str:
        return f"{value.normalize():f}"

    target = f" against a target of {number(launch.metric_target)}" if launch.metric_target is not None else ""
    why = f"Day-30 readout: {launch.metric_name} at {number(launch.metric_actual)}{target}."
    if launch.outcome_notes:
        why += f"\n\n{launch.outcome_notes}"
    what = f"{launch.name}: {OUTCOMES[launch.outcome].lower()}"
    return raci_services.decision_add(matrix=launch.matrix, actor=actor, what=what[:NAME_MAX], why=why,
                                      activity_id=None, decided_by_id=actor.pk if actor else None,
                                      decided_on=launch.cycle.workspace.today(), review_on=None)


# --- calendar ------------------------------------------------------------------------------

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
            "launch_id", "before_id"):
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


@transaction.atomic
def avoid_date_add(*, workspace: Workspace, name: str, start: date, end: date | None = None) -> AvoidDate:
    end = end or start
    if end < start:
        raise InvalidInput("The end comes on or after the start.", "end")
    return AvoidDate.objects.create(workspace=workspace, name=clean_name(name, "date to avoid"), start=start, end=end)


@transaction.atomic
def avoid_date_remove(*, workspace: Workspace, avoid_id: int) -> None:
    deleted, _ = AvoidDate.objects.filter(workspace=workspace, pk=avoid_id).delete()
    if not deleted:
        raise NotFound("No such date to avoid.")


@transaction.atomic
def feed_token_regenerate(*, workspace: Workspace) -> CalendarFeed:
    """A new secret for the workspace's calendar feed: the old URL stops working."""
    feed, created = CalendarFeed.objects.select_for_update().get_or_create(workspace=workspace)
    if not created:
        feed.token = CalendarFeed._meta.get_field("token").default()
        feed.save()
    return feed





# --- a member leaves (raci.handover) ---------------------------------------------------------

def hand_over_launches(*, membership: Membership, to: dict[str, Membership | None], actor) -> None:
    """The launches the member owns and their open readiness items go to their new owners,
    who are told of the items (item_assigned). Tier confirmations they gave are withdrawn: a confirmation is the word of the
    person who gave it, and the launch's new owner gives their own."""
    ws = membership.workspace_id
    for launch in (Launch.objects.select_for_update().filter(cycle__workspace_id=ws)
                   .filter(Q(pm_owner=membership) | Q(pmm_owner=membership))):
        if launch.pm_owner_id == membership.pk:
            launch.pm_owner = to[f"launch_pm:{launch.pk}"]
        if launch.pmm_owner_id == membership.pk:
            launch.pmm_owner = to[f"launch_pmm:{launch.pk}"]
        launch.save(update_fields=["pm_owner", "pmm_owner"])
    Launch.objects.filter(cycle__workspace_id=ws, pm_confirmed_by=membership).update(
        pm_confirmed_by=None, pm_confirmed_at=None)
    Launch.objects.filter(cycle__workspace_id=ws, pmm_confirmed_by=membership).update(
        pmm_confirmed_by=None, pmm_confirmed_at=None)
    handed: dict[int, tuple[Launch, list[ReadinessItem]]] = {}
    for item in (ReadinessItem.objects.select_for_update().select_related("launch__cycle__workspace")
                 .filter(launch__cycle__workspace_id=ws, owner=membership, status__in=tiering.OPEN)):
        item.owner = to[f"item:{item.pk}"]
        item.save(update_fields=["owner", "updated_at"])
        handed.setdefault(item.launch_id, (item.launch, []))[1].append(item)
    for launch, items in handed.values():
        reminders.items_assigned(launch, items, actor=actor)
